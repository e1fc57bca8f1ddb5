import type { LocationWatcher } from '@/lib/dom/location';
import { translate } from '@/lib/i18n';
import { assessChat, type ChatHealth } from '@/lib/sites/x/health';
import { X_SELECTORS } from '@/lib/sites/x/selectors';
import { readTheme, watchTheme } from '@/lib/sites/x/theme';

/**
 * X renders in steps; a part missing for this long after the last change is really missing.
 * One timer per burst of changes, none while the page is idle.
 */
const SETTLE_MS = 1000;

const NOTICE_CSS = `
:host { all: initial; display: block; }
p {
  margin: 0; padding: 6px 16px; display: flex; gap: 8px; align-items: center;
  font: 13px/16px -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--fg); background: var(--bg);
}
:host([data-sotto-theme="light"]) { --fg: rgb(83, 100, 113); --bg: rgb(247, 249, 249); }
:host([data-sotto-theme="dark"]) { --fg: rgb(139, 152, 165); --bg: rgb(22, 24, 28); }
svg { width: 14px; height: 14px; fill: currentColor; flex: none; }
`;

// The padlock of the compose button, crossed: Sotto is not working here.
const ICON_PATH =
  'M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 0 1 6 0v3H9zm2 3h2v4h-2zm0 5h2v2h-2z';

/**
 * Says discreetly, at the top of X's conversation panel, when Sotto cannot find a part of X's
 * chat it needs ("Sotto can't find X's chat composer…"), instead of failing silently. The
 * notice is a closed shadow root with a live region; it goes away when the part comes back.
 */
export function initHealthNotice(
  root: ShadowRoot | Element,
  navigation: LocationWatcher,
  signal: AbortSignal,
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let shown: { host: HTMLElement; text: HTMLElement; panel: Element } | null = null;

  const hide = (): void => {
    shown?.host.remove();
    shown = null;
  };

  const show = (health: Extract<ChatHealth, { state: 'degraded' }>): void => {
    const panel = root.querySelector(X_SELECTORS.conversationPanel);
    if (!panel) return;
    if (!shown || shown.panel !== panel || !shown.host.isConnected) {
      hide();
      const host = document.createElement('sotto-health');
      host.dataset.sotto = 'health';
      host.dataset.sottoTheme = readTheme();
      const shadow = host.attachShadow({ mode: 'closed' });
      const style = document.createElement('style');
      style.textContent = NOTICE_CSS;
      const text = document.createElement('p');
      text.setAttribute('role', 'status');
      shadow.append(style, text);
      panel.prepend(host);
      shown = { host, text, panel };
    }
    shown.host.dataset.sottoState = health.state;
    shown.host.dataset.sottoMissing = health.missing.join(' ');
    const message = translate(health.text);
    if (shown.text.dataset.message !== message) {
      shown.text.dataset.message = message;
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('viewBox', '0 0 24 24');
      svg.setAttribute('aria-hidden', 'true');
      const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      path.setAttribute('d', ICON_PATH);
      svg.append(path);
      const words = document.createElement('span');
      words.textContent = message;
      shown.text.replaceChildren(svg, words);
    }
  };

  const check = (): void => {
    timer = undefined;
    const health = assessChat(root, location.href);
    if (health.state === 'degraded') show(health);
    else hide();
  };

  const schedule = (): void => {
    // Getting better is shown at once; getting worse only once X has settled.
    if (shown && assessChat(root, location.href).state !== 'degraded') hide();
    if (timer === undefined) timer = setTimeout(check, SETTLE_MS);
  };

  const observer = new MutationObserver((records) => {
    // Our own notice going in or out is not a change of X's.
    if (records.every((r) => r.target === shown?.panel && isOurs(r))) return;
    schedule();
  });
  observer.observe(root, { childList: true, subtree: true });
  navigation.addEventListener('change', schedule, { signal });
  watchTheme((theme) => {
    if (shown) shown.host.dataset.sottoTheme = theme;
  }, signal);
  signal.addEventListener('abort', () => {
    observer.disconnect();
    clearTimeout(timer);
    hide();
  });
  schedule();
}

function isOurs(record: MutationRecord): boolean {
  return [...record.addedNodes, ...record.removedNodes].every(
    (node) => node instanceof HTMLElement && node.dataset.sotto === 'health',
  );
}
