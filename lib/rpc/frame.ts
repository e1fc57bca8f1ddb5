/**
 * postMessage between an extension frame (compose, reader) and the content script that
 * mounted it. Layout only — never plaintext, ids the page could misuse, or keys — because
 * the host page sees every message posted to its window (isolation rule 4).
 */

import { isHostOrigin } from '../sites/hosts';

const CHANNEL = 'sotto-frame';

export type FrameToHost =
  /** `version`: a reader shows every message of the list the host sent with that number. */
  | { type: 'ready'; version?: number }
  /** `parts`: a reader's height of each message it shows, in order (to size re-created rows). */
  | { type: 'resize'; height: number; parts?: number[] }
  | { type: 'close' };

interface Wire {
  channel: typeof CHANNEL;
  message: FrameToHost;
}

const MAX_FRAME_HEIGHT = 4000;
/** Most messages one reader frame is asked to show (the content script uses far fewer). */
export const MAX_FRAME_MESSAGES = 50;
const MESSAGE_ID = /^[0-9a-f]{64}$/;

const clampHeight = (height: number): number =>
  Math.min(Math.max(0, Math.round(height)), MAX_FRAME_HEIGHT);

/** Accepts exactly the shapes above; anything else is `null`. */
export function parseFrameToHost(data: unknown): FrameToHost | null {
  if (typeof data !== 'object' || data === null) return null;
  const { channel, message } = data as Partial<Wire>;
  if (channel !== CHANNEL || typeof message !== 'object' || message === null) return null;
  switch (message.type) {
    case 'close':
      return { type: message.type };
    case 'ready': {
      const { version } = message as { version?: unknown };
      if (version === undefined) return { type: 'ready' };
      return Number.isSafeInteger(version) && (version as number) >= 0
        ? { type: 'ready', version: version as number }
        : null;
    }
    case 'resize': {
      const { height, parts } = message as { height?: unknown; parts?: unknown };
      if (typeof height !== 'number' || !Number.isFinite(height)) return null;
      const resize: FrameToHost = { type: 'resize', height: clampHeight(height) };
      if (parts === undefined) return resize;
      if (
        !Array.isArray(parts) ||
        parts.length > MAX_FRAME_MESSAGES ||
        !parts.every((part) => typeof part === 'number' && Number.isFinite(part))
      )
        return null;
      return { ...resize, parts: parts.map(clampHeight) };
    }
    default:
      return null;
  }
}

/**
 * In the frame: the origin of the page that embeds us, taken from the `host` query
 * parameter the content script sets, and only if it is one of our host sites. Posting to
 * that exact origin means a frame embedded anywhere else talks to no one.
 */
export function hostOriginFromLocation(search: string): string | null {
  const host = new URLSearchParams(search).get('host');
  return isHostOrigin(host) ? host : null;
}

/** In the frame: tell the embedding content script something about layout. */
export function postToHost(
  message: FrameToHost,
  hostOrigin: string,
  target: Window = parent,
): void {
  const wire: Wire = { channel: CHANNEL, message };
  target.postMessage(wire, hostOrigin);
}

/**
 * What the content script tells a frame: how to look, and which messages a reader shows (its
 * `messages` list, numbered by `version`). Message ids are hashes of envelopes the page
 * already holds, and the page could embed a reader with any ids in its URL anyway (a
 * web-accessible page): the list lets it do nothing new. Plaintext never travels this way.
 */
export type HostToFrame =
  | { type: 'theme'; theme: 'light' | 'dark' }
  | { type: 'messages'; ids: string[]; version: number };

/** Accepts exactly the shapes above; anything else is `null`. */
export function parseHostToFrame(data: unknown): HostToFrame | null {
  if (typeof data !== 'object' || data === null) return null;
  const { channel, message } = data as Partial<{ channel: unknown; message: unknown }>;
  if (channel !== CHANNEL || typeof message !== 'object' || message === null) return null;
  const { type, theme, ids, version } = message as {
    type?: unknown;
    theme?: unknown;
    ids?: unknown;
    version?: unknown;
  };
  if (type === 'theme' && (theme === 'light' || theme === 'dark')) return { type, theme };
  if (
    type === 'messages' &&
    Number.isSafeInteger(version) &&
    (version as number) >= 0 &&
    Array.isArray(ids) &&
    ids.length <= MAX_FRAME_MESSAGES &&
    ids.every((id) => typeof id === 'string' && MESSAGE_ID.test(id))
  )
    return { type, ids: [...(ids as string[])], version: version as number };
  return null;
}

/** In the content script: tell one of our frames something, only while it shows our page. */
export function postToFrame(
  iframe: HTMLIFrameElement,
  message: HostToFrame,
  extensionOrigin: string,
): void {
  iframe.contentWindow?.postMessage({ channel: CHANNEL, message }, extensionOrigin);
}

/**
 * In the frame: listen to the embedding page. The page itself can post here too (it shares
 * the content script's origin), which is why nothing but cosmetics may travel this way.
 */
export function listenToHost(
  hostOrigin: string,
  onMessage: (message: HostToFrame) => void,
  target: Window = window,
): () => void {
  const listener = (event: MessageEvent) => {
    if (event.source !== target.parent || event.origin !== hostOrigin) return;
    const message = parseHostToFrame(event.data);
    if (message) onMessage(message);
  };
  target.addEventListener('message', listener);
  return () => target.removeEventListener('message', listener);
}

/** Our frames' listeners: one page listener serves them all, however many frames there are. */
const frameListeners = new Map<
  HTMLIFrameElement,
  { origin: string; onMessage: (message: FrameToHost) => void }
>();

function dispatchFromFrame(event: MessageEvent): void {
  for (const [iframe, listener] of frameListeners) {
    if (event.source !== iframe.contentWindow) continue;
    if (event.origin !== listener.origin) return;
    const message = parseFrameToHost(event.data);
    if (message) listener.onMessage(message);
    return;
  }
}

/**
 * In the content script: listen to one frame. Both checks matter: `source` ties the message
 * to our iframe, `origin` proves the iframe still shows our page (the host can navigate a
 * child frame elsewhere).
 */
export function listenToFrame(
  iframe: HTMLIFrameElement,
  extensionOrigin: string,
  onMessage: (message: FrameToHost) => void,
  signal: AbortSignal,
): void {
  if (signal.aborted) return;
  if (frameListeners.size === 0) window.addEventListener('message', dispatchFromFrame);
  frameListeners.set(iframe, { origin: extensionOrigin, onMessage });
  signal.addEventListener('abort', () => {
    frameListeners.delete(iframe);
    if (frameListeners.size === 0) window.removeEventListener('message', dispatchFromFrame);
  });
}
