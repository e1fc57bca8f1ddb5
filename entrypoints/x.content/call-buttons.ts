import type { LocationWatcher } from '@/lib/dom/location';
import { observeElements } from '@/lib/dom/observe';
import { type MessageKey, t, translate } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { CallMedia, CallTargetView } from '@/lib/rpc/protocol';
import { readConversation } from '@/lib/sites/x/adapter';
import { readProfileActions } from '@/lib/sites/x/profile';
import { X_SELECTORS } from '@/lib/sites/x/selectors';
import { watchTheme } from '@/lib/sites/x/theme';
import { requestInvite } from './invite-intent';

// Drawn for Sotto (no external assets, so nothing is fetched through the page).
const ICONS: Record<CallMedia, string> = {
  audio:
    'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25c1.1.37 2.3.57 3.6.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z',
  video:
    'M3 7a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v2.3l4.4-3a1 1 0 0 1 1.6.8v9.8a1 1 0 0 1-1.6.8l-4.4-3V17a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z',
};

/** Whole sentences per media kind: languages differ in how "voice call with @x" is built. */
const MEDIA_TEXT: Record<CallMedia, { name: MessageKey; label: MessageKey; locked: MessageKey }> = {
  audio: { name: 'xCallAudioWith', label: 'xCallAudioLabel', locked: 'xCallLockedAudio' },
  video: { name: 'xCallVideoWith', label: 'xCallVideoLabel', locked: 'xCallLockedVideo' },
};

/** The colours and size of X's neighbouring button, copied so ours sit naturally beside it. */
const COPIED_STYLE = [
  'width',
  'height',
  'color',
  'border-top-width',
  'border-top-style',
  'border-top-color',
  'border-radius',
] as const;

const BUTTON_CSS = `
:host { all: initial; display: inline-flex; flex: none; position: relative; }
button {
  box-sizing: border-box; display: inline-flex; align-items: center; justify-content: center;
  width: var(--size-w, 36px); height: var(--size-h, 36px); padding: 0; margin: 0;
  border: var(--border-w, 0) var(--border-s, solid) var(--border-c, transparent);
  border-radius: var(--radius, 9999px); background: transparent;
  color: var(--fg, rgb(29, 155, 240)); cursor: pointer;
}
button:hover { background: color-mix(in srgb, currentColor 10%, transparent); }
button:focus-visible { outline: 2px solid rgb(29, 155, 240); outline-offset: 2px; }
button[aria-busy="true"] { opacity: 0.6; cursor: progress; }
svg { width: 20px; height: 20px; fill: currentColor; }
`;

const NOTICE_CSS = `
:host { all: initial; position: absolute; z-index: 30; }
div {
  box-sizing: border-box; width: 300px; padding: 12px 16px; border-radius: 16px;
  font: 15px/20px -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  background: var(--bg); color: var(--fg); box-shadow: 0 0 15px rgba(101, 119, 134, 0.5);
}
p { margin: 0 0 12px; }
.row { display: flex; gap: 8px; justify-content: flex-end; }
button {
  font: inherit; font-weight: 700; border-radius: 9999px; padding: 6px 16px; cursor: pointer;
  border: 1px solid var(--border); background: transparent; color: var(--fg);
}
button.primary { background: var(--fg); color: var(--bg); border-color: transparent; }
button:focus-visible { outline: 2px solid rgb(29, 155, 240); outline-offset: 2px; }
`;

const THEME_VARS = {
  light: {
    '--bg': 'rgb(255, 255, 255)',
    '--fg': 'rgb(15, 20, 25)',
    '--border': 'rgb(207, 217, 222)',
  },
  dark: { '--bg': 'rgb(0, 0, 0)', '--fg': 'rgb(231, 233, 234)', '--border': 'rgb(83, 100, 113)' },
} as const;

type NoticeState = Exclude<CallTargetView['state'], 'ready'> | 'unavailable' | 'failed';

/** What the notice says, and whether it offers to start an encrypted chat. */
function noticeText(state: NoticeState, handle: string, media: CallMedia, detail: string) {
  switch (state) {
    case 'no-session':
      return { text: t('xCallNoSession', handle), action: t('xCallOpenChat') };
    case 'locked':
      return { text: t(MEDIA_TEXT[media].locked), action: null };
    case 'key-changed-blocked':
      return { text: t('xCallKeyChanged', handle), action: null };
    default:
      return { text: detail, action: null };
  }
}

interface CallButtonsOptions {
  handle: string;
  /** X's button whose look ours copy (the Message button, the header's info button). */
  reference: Element | null;
  /** Starts an encrypted chat with `handle` (the "no session yet" path). */
  startChat: () => void;
  signal: AbortSignal;
}

/**
 * Audio and video call buttons for one person: a light-DOM group of two hosts, each with a
 * closed shadow root (the page cannot script them), acting on trusted clicks only. A click
 * asks the vault whether a call is possible and either opens the call window or explains.
 */
function createCallButtons({ handle, reference, startChat, signal }: CallButtonsOptions) {
  const group = document.createElement('sotto-call-buttons');
  group.dataset.sotto = 'call-buttons';
  Object.assign(group.style, { display: 'inline-flex', gap: '8px', alignItems: 'center' });
  let notice: { host: HTMLElement; close: () => void } | null = null;

  const styleFromReference = (host: HTMLElement): void => {
    if (!reference?.isConnected) return;
    const computed = getComputedStyle(reference);
    const [w, h, fg, bw, bs, bc, radius] = COPIED_STYLE.map((p) => computed.getPropertyValue(p));
    const vars: Record<string, string | undefined> = {
      '--size-w': w,
      '--size-h': h,
      '--fg': fg,
      '--border-w': bw,
      '--border-s': bs,
      '--border-c': bc,
      '--radius': radius,
    };
    for (const [name, value] of Object.entries(vars))
      if (value) host.style.setProperty(name, value);
  };

  const closeNotice = (): void => {
    notice?.close();
    notice = null;
  };

  const showNotice = (
    button: HTMLButtonElement,
    media: CallMedia,
    state: NoticeState,
    detail = '',
  ): void => {
    closeNotice();
    const host = document.createElement('sotto-call-notice');
    host.dataset.sotto = 'call-notice';
    host.dataset.sottoState = state;
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = NOTICE_CSS;
    const box = document.createElement('div');
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', t(MEDIA_TEXT[media].name, handle));
    const { text, action } = noticeText(state, handle, media, detail);
    const paragraph = document.createElement('p');
    paragraph.id = 'sotto-call-notice-text';
    paragraph.textContent = text;
    box.setAttribute('aria-describedby', paragraph.id);
    const row = document.createElement('div');
    row.className = 'row';
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.textContent = action ? t('xCallNotNow') : t('xCallClose');
    row.append(dismiss);
    let primary: HTMLButtonElement | null = null;
    if (action) {
      primary = document.createElement('button');
      primary.type = 'button';
      primary.className = 'primary';
      primary.dataset.sotto = 'start-chat';
      primary.textContent = action;
      row.append(primary);
    }
    box.append(paragraph, row);
    shadow.append(style, box);
    const theme = readThemeVars();
    for (const [name, value] of Object.entries(theme)) host.style.setProperty(name, value);
    host.style.top = 'calc(100% + 8px)';
    host.style.right = '0';

    const controller = new AbortController();
    const close = (): void => {
      controller.abort();
      host.remove();
    };
    const back = (): void => {
      closeNotice();
      button.focus();
    };
    dismiss.addEventListener('click', (e) => e.isTrusted && back(), { signal: controller.signal });
    primary?.addEventListener(
      'click',
      (e) => {
        if (!e.isTrusted) return;
        closeNotice();
        startChat();
      },
      { signal: controller.signal },
    );
    box.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          back();
        }
      },
      { signal: controller.signal },
    );
    notice = { host, close };
    group.style.position = 'relative';
    group.append(host);
    (primary ?? dismiss).focus();
  };

  for (const media of ['audio', 'video'] as const) {
    const host = document.createElement('sotto-call-button');
    host.dataset.sotto = 'call-button';
    host.dataset.sottoMedia = media;
    host.dataset.sottoHandle = handle;
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = BUTTON_CSS;
    const button = document.createElement('button');
    button.type = 'button';
    const label = t(MEDIA_TEXT[media].label, handle);
    button.title = t(MEDIA_TEXT[media].name, handle);
    button.setAttribute('aria-label', label);
    button.setAttribute('aria-haspopup', 'dialog');
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', ICONS[media]);
    svg.append(path);
    button.append(svg);
    shadow.append(style, button);
    styleFromReference(host);
    // X restyles its own buttons in the same update, possibly after we hear of it: look at
    // them once that update has rendered.
    watchTheme(() => requestAnimationFrame(() => styleFromReference(host)), signal);

    let busy = false;
    button.addEventListener(
      'click',
      async (event) => {
        // The page can synthesise clicks on our host; only a person may place a call.
        if (!event.isTrusted || busy) return;
        busy = true;
        button.setAttribute('aria-busy', 'true');
        host.dataset.sottoState = 'checking';
        try {
          const target = await callVault('call.target', { handle });
          if (!target.ok) {
            showNotice(button, media, 'unavailable', translate(target.error.text));
            return;
          }
          if (target.value.state !== 'ready') {
            showNotice(button, media, target.value.state);
            return;
          }
          const started = await callVault('call.start', { handle, media });
          if (!started.ok) showNotice(button, media, 'failed', translate(started.error.text));
          else closeNotice();
        } finally {
          busy = false;
          button.removeAttribute('aria-busy');
          delete host.dataset.sottoState;
        }
      },
      { signal },
    );
    group.append(host);
  }

  signal.addEventListener('abort', () => {
    closeNotice();
    group.remove();
  });
  return group;
}

function readThemeVars(): Record<string, string> {
  const body = getComputedStyle(document.body).backgroundColor;
  const [r = 255, g = 255, b = 255] = (body.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return { ...THEME_VARS[0.2126 * r + 0.7152 * g + 0.0722 * b < 128 ? 'dark' : 'light'] };
}

/**
 * Call buttons in X's action row on someone else's profile, beside the Message button. On
 * SPA navigation they follow the page: removed when the profile goes, never duplicated.
 */
export function initProfileCallButtons(navigation: LocationWatcher, signal: AbortSignal): void {
  observeElements<HTMLButtonElement>(
    document,
    X_SELECTORS.profileMessageButton,
    (messageButton, buttonSignal) => {
      let mounted: { handle: string; controller: AbortController } | null = null;
      const update = (): void => {
        const profile = readProfileActions(messageButton);
        if (mounted && mounted.handle === profile?.handle) return;
        mounted?.controller.abort();
        mounted = null;
        if (!profile) return;
        const controller = new AbortController();
        const scoped = AbortSignal.any([controller.signal, buttonSignal]);
        const group = createCallButtons({
          handle: profile.handle,
          reference: messageButton,
          // X's own Message button opens the conversation; the compose button takes over there.
          startChat: () => {
            requestInvite(profile.handle);
            messageButton.click();
          },
          signal: scoped,
        });
        messageButton.after(group);
        mounted = { handle: profile.handle, controller };
      };
      update();
      navigation.addEventListener('change', update, { signal: buttonSignal });
      buttonSignal.addEventListener('abort', () => mounted?.controller.abort());
    },
    signal,
  );
}

/**
 * Call buttons in a one-to-one conversation's header, before X's own header buttons. Without a
 * session, "start" opens this conversation's compose frame with the invitation offered.
 */
export function initHeaderCallButtons(
  root: ShadowRoot | Element,
  navigation: LocationWatcher,
  signal: AbortSignal,
): void {
  observeElements<HTMLElement>(
    root,
    X_SELECTORS.conversationHeader,
    (header, headerSignal) => {
      let mounted: { handle: string; controller: AbortController; group: HTMLElement } | null =
        null;
      const update = (): void => {
        const conversation = readConversation(root);
        const handle = conversation?.kind === 'direct' ? conversation.partner : null;
        if (mounted && mounted.handle === handle && header.contains(mounted.group)) return;
        mounted?.controller.abort();
        mounted = null;
        if (!handle) return;
        const controller = new AbortController();
        const reference = header.querySelector('button');
        const group = createCallButtons({
          handle,
          reference,
          startChat: () => requestInvite(handle),
          signal: AbortSignal.any([controller.signal, headerSignal]),
        });
        group.style.marginLeft = 'auto';
        group.style.marginRight = '4px';
        if (reference?.parentElement === header) reference.before(group);
        else header.append(group);
        mounted = { handle, controller, group };
      };
      update();
      navigation.addEventListener('change', update, { signal: headerSignal });
      // X re-renders the header's link when the conversation changes without a new header.
      const observer = new MutationObserver(update);
      observer.observe(header, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ['href'],
      });
      headerSignal.addEventListener('abort', () => {
        observer.disconnect();
        mounted?.controller.abort();
      });
    },
    signal,
  );
}
