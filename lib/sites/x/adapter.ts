/**
 * Reading and driving X's chat DOM. Everything here is about x.com's markup and nothing
 * about cryptography: it hands envelope text to callers and puts envelope text into X.
 */
import { isHandle, parseRoute } from './routes';
import { MESSAGE_TEXT_TESTID_PREFIX, OWN_ROW_CLASS, X_SELECTORS } from './selectors';

export interface ConversationInfo {
  conversationId: string;
  kind: 'direct' | 'group' | 'unknown';
  /** The other person's handle in a 1:1 conversation, from the header link. */
  partner: string | null;
}

export interface MessageRow {
  rowId: string;
  direction: 'in' | 'out';
  /** The element holding the text; Sotto hides it and shows its reader instead. */
  textElement: HTMLElement;
  text: string;
}

/** The open conversation, from the URL and the header inside the chat root. */
export function readConversation(
  root: ParentNode,
  href: string = location.href,
): ConversationInfo | null {
  const route = parseRoute(href);
  if (route.kind !== 'chat-conversation') return null;
  let partner: string | null = null;
  const header = root.querySelector(X_SELECTORS.conversationHeader);
  for (const link of header?.querySelectorAll<HTMLAnchorElement>('a[href]') ?? []) {
    const handle = new URL(link.href, href).pathname.slice(1);
    if (isHandle(handle)) {
      partner = handle;
      break;
    }
  }
  return { conversationId: route.conversationId, kind: route.conversation, partner };
}

/** A message row's id, direction and text; null if the row is not shaped as expected. */
export function readMessageRow(row: Element): MessageRow | null {
  const rowId = row.getAttribute('data-dm-message-row');
  if (!rowId) return null;
  const textElement = row.querySelector<HTMLElement>(
    `[data-testid="${MESSAGE_TEXT_TESTID_PREFIX}${CSS.escape(rowId)}"]`,
  );
  if (!textElement) return null;
  return {
    rowId,
    direction: row.classList.contains(OWN_ROW_CLASS) ? 'out' : 'in',
    textElement,
    text: textElement.textContent ?? '',
  };
}

/**
 * The texts an inbox item shows, by the element that holds each directly: the partner's
 * name, the time and the last message's preview among them. X marks the preview with no
 * testid of its own, so callers look at every text; Sotto's own elements are skipped.
 */
export function readInboxItemTexts(item: Element): Map<HTMLElement, string> {
  const texts = new Map<HTMLElement, string>();
  // NodeFilter.SHOW_TEXT
  const walker = item.ownerDocument.createTreeWalker(item, 4);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element === item || element.closest('[data-sotto]')) continue;
    texts.set(element, (texts.get(element) ?? '') + (node.nodeValue ?? ''));
  }
  return texts;
}

const nativeValueSetter = Object.getOwnPropertyDescriptor(
  HTMLTextAreaElement.prototype,
  'value',
)?.set;

/**
 * Puts text into X's React-controlled textarea without moving focus: the native value
 * setter plus a bubbling input event, which React's onChange sees. Assigning `.value` alone
 * would not reach React's state.
 */
export function setComposerValue(textarea: HTMLTextAreaElement, text: string): boolean {
  if (!nativeValueSetter) return false;
  nativeValueSetter.call(textarea, text);
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
  return textarea.value === text;
}

/**
 * The fallback where the setter is not enough: `insertText` like a paste, which needs focus.
 * The caller must move focus away again at once (keys typed meanwhile would reach the page).
 */
export function typeIntoComposer(textarea: HTMLTextAreaElement, text: string): boolean {
  textarea.focus();
  textarea.select();
  document.execCommand('insertText', false, text);
  return textarea.value === text;
}

function waitFor<T>(
  check: () => T | null | undefined,
  root: Node,
  timeoutMs: number,
): Promise<T | null> {
  return new Promise((resolve) => {
    const found = check();
    if (found) return resolve(found);
    const observer = new MutationObserver(() => {
      const value = check();
      if (value) finish(value);
    });
    const timer = setTimeout(() => finish(null), timeoutMs);
    const finish = (value: T | null) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(value);
    };
    observer.observe(root, {
      childList: true,
      subtree: true,
      attributes: true,
      characterData: true,
    });
  });
}

/**
 * Sends one message through X's composer: fill, press X's send button, and wait until X
 * shows our text as a row of its own. False if any step does not happen.
 */
export async function sendThroughComposer(
  root: ShadowRoot | Element,
  text: string,
  timeoutMs = 10_000,
): Promise<boolean> {
  const textarea = root.querySelector<HTMLTextAreaElement>(X_SELECTORS.composerTextarea);
  if (!textarea) return false;
  const sendButton = () => root.querySelector<HTMLButtonElement>(X_SELECTORS.composerSendButton);
  // X renders its send button once its state holds text: proof React took the value.
  let button = setComposerValue(textarea, text)
    ? await waitFor(sendButton, root, SETTER_GRACE_MS)
    : null;
  if (!button) {
    const typed = typeIntoComposer(textarea, text);
    textarea.blur();
    if (!typed) return false;
    button = await waitFor(sendButton, root, timeoutMs);
  }
  if (!button) return false;
  button.click();
  const status = await waitFor(
    () => {
      for (const row of root.querySelectorAll(X_SELECTORS.messageRow)) {
        const read = readMessageRow(row);
        if (read?.direction !== 'out' || read.text !== text) continue;
        const state = row.getAttribute('data-send-status') ?? 'sent';
        if (SENT_STATES.has(state) || state === 'failed') return state;
      }
      return null;
    },
    root,
    timeoutMs,
  );
  return status !== null && SENT_STATES.has(status);
}

/** How long React gets to show the send button after the value setter, before the fallback. */
const SETTER_GRACE_MS = 500;

/** `data-send-status` values that mean X's server has the message. */
const SENT_STATES = new Set(['sent', 'delivered', 'read']);
