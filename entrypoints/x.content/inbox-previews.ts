import { type EnvelopeKind, envelopeKind } from '@/lib/crypto/marker';
import { observeElements } from '@/lib/dom/observe';
import { t } from '@/lib/i18n';
import { readInboxItemTexts } from '@/lib/sites/x/adapter';
import { X_SELECTORS } from '@/lib/sites/x/selectors';

/** On X's element whose text is an envelope: hidden, and followed by Sotto's label. */
const COVERED = 'data-sotto-preview';
const LABEL = 'preview-label';
const LABEL_SELECTOR = `[data-sotto="${LABEL}"]`;

const isOwn = (node: Node): boolean => (node as HTMLElement).dataset?.sotto !== undefined;

/**
 * Hides X's text and shows Sotto's label right after it. X's element is only hidden (an
 * inline style React does not own), never changed inside, so React keeps updating its text;
 * the label is a sibling Sotto owns, dressed in the same classes, found again from the DOM
 * (no state of our own to go stale when X re-creates or moves a row).
 */
function cover(source: HTMLElement, kind: EnvelopeKind): HTMLElement {
  if (!source.hasAttribute(COVERED)) {
    source.setAttribute(COVERED, '');
    source.style.setProperty('display', 'none', 'important');
  }
  const next = source.nextElementSibling;
  let label: HTMLElement;
  if ((next as HTMLElement | null)?.dataset?.sotto === LABEL) label = next as HTMLElement;
  else {
    label = source.ownerDocument.createElement(source.tagName === 'DIV' ? 'div' : 'span');
    label.dataset.sotto = LABEL;
  }
  if (label.className !== source.className) label.className = source.className;
  const text = t(kind === 'invite' ? 'xInboxPreviewInvite' : 'xInboxPreviewMessage');
  if (label.textContent !== text) label.textContent = text;
  if (next !== label) source.after(label);
  return label;
}

function uncover(source: HTMLElement): void {
  source.removeAttribute(COVERED);
  source.style.removeProperty('display');
}

/**
 * Brings one inbox item in line with what it shows now: each text that looks like an
 * envelope is covered by a neutral label, and whatever no longer does is X's own again.
 * Reads only text and attributes (no layout), and the content script never has plaintext.
 */
export function refreshInboxItem(item: Element): void {
  const labels = new Set<HTMLElement>();
  const covered = new Set<HTMLElement>();
  for (const [element, text] of readInboxItemTexts(item)) {
    const kind = envelopeKind(text);
    if (!kind) continue;
    covered.add(element);
    labels.add(cover(element, kind));
  }
  for (const source of item.querySelectorAll<HTMLElement>(`[${COVERED}]`)) {
    if (!covered.has(source)) uncover(source);
  }
  // A label whose text X removed or replaced with plain text, or one left twice.
  for (const label of item.querySelectorAll<HTMLElement>(LABEL_SELECTOR)) {
    if (!labels.has(label)) label.remove();
  }
}

/**
 * The conversation list (inbox): X shows each conversation's last message there, which for a
 * Sotto conversation is an envelope. One observer per inbox looks again only at the items a
 * batch of mutations touched (React re-rendering a preview, moving a row to the top, adding
 * one), before the browser paints, so no envelope text flashes.
 */
export function initInboxPreviews(root: ShadowRoot | Element, signal: AbortSignal): void {
  observeElements(
    root,
    X_SELECTORS.inboxPanel,
    (panel, panelSignal) => {
      const observer = new MutationObserver((records) => {
        const items = new Set<Element>();
        for (const record of records) {
          const target =
            record.target instanceof Element ? record.target : record.target.parentElement;
          if (!target || target.closest(LABEL_SELECTOR)) continue;
          const item = target.closest(X_SELECTORS.inboxItem);
          if (item) {
            items.add(item);
            continue;
          }
          for (const node of record.addedNodes) {
            if (!(node instanceof Element) || isOwn(node)) continue;
            if (node.matches(X_SELECTORS.inboxItem)) items.add(node);
            for (const inner of node.querySelectorAll(X_SELECTORS.inboxItem)) items.add(inner);
          }
        }
        for (const item of items) if (item.isConnected) refreshInboxItem(item);
      });
      observer.observe(panel, { childList: true, subtree: true, characterData: true });
      panelSignal.addEventListener('abort', () => observer.disconnect());
      for (const item of panel.querySelectorAll(X_SELECTORS.inboxItem)) refreshInboxItem(item);
    },
    signal,
    isOwn,
  );
}
