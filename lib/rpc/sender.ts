import { isHostOrigin } from '../sites/hosts';
import type { Caller } from './protocol';

/** The parts of `runtime.MessageSender` we decide on. */
export interface SenderInfo {
  id?: string;
  url?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

export interface Extension {
  id: string;
  /** e.g. `chrome-extension://abc/` or `moz-extension://uuid/` */
  baseUrl: string;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The extension pages x.com may embed (the manifest's web-accessible resources). A page can
 * restyle, cover and place such a frame under the cursor, so requests that change trust are
 * never taken from them: they only open the decision window.
 */
export const FRAME_PAGES = ['compose.html', 'reader.html'] as const;

/** Whether an extension URL is one of the pages x.com may embed. */
export function isFramePage(url: string, extension: Extension): boolean {
  const path = url.slice(extension.baseUrl.length).split(/[?#]/, 1)[0];
  return (FRAME_PAGES as readonly string[]).includes(path ?? '');
}

/**
 * Tells an extension page, an embeddable extension frame and the x.com content script apart
 * by where the message came from, never by anything the caller wrote into the message.
 * Anything else is `null` (refused).
 */
export function classifySender(sender: SenderInfo, extension: Extension): Caller | null {
  if (sender.id !== extension.id || !sender.url) return null;
  if (sender.url.startsWith(extension.baseUrl)) {
    return isFramePage(sender.url, extension) ? 'frame' : 'page';
  }
  if (sender.tab?.id !== undefined && isHostOrigin(originOf(sender.url))) return 'content';
  return null;
}
