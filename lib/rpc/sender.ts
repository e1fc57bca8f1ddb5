import { isHostOrigin } from '../sites/hosts';
import type { Caller } from './protocol';

/** The parts of `runtime.MessageSender` we decide on. */
export interface SenderInfo {
  id?: string;
  url?: string;
  tab?: { id?: number };
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
 * Tells an extension page from the x.com content script by where the message came from,
 * never by anything the caller wrote into the message. Anything else is `null` (refused).
 */
export function classifySender(sender: SenderInfo, extension: Extension): Caller | null {
  if (sender.id !== extension.id || !sender.url) return null;
  if (sender.url.startsWith(extension.baseUrl)) return 'page';
  if (sender.tab?.id !== undefined && isHostOrigin(originOf(sender.url))) return 'content';
  return null;
}
