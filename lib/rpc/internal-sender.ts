/**
 * Messages meant only for Sotto's own contexts (the background telling the offscreen
 * presence listener to restart or decline a ring): who may send them, decided from the
 * browser's `MessageSender`, never from anything the caller wrote into the message.
 */
import { type Extension, isFramePage, type SenderInfo } from './sender';

/** `SenderInfo` with the tab's URL, which the browser gives when it may. */
export interface InternalSenderInfo extends SenderInfo {
  tab?: { id?: number; url?: string };
}

/**
 * True only for this extension's background or one of its own top-level pages. Refused: other
 * extensions; content scripts (their `url` is the web page's); and Sotto's own frames inside a
 * web page (an extension `url`, but a `tab` of the site's and a sub-frame) — the compose and
 * reader pages by name, any other extension page when it is framed.
 */
export function isInternalSender(sender: InternalSenderInfo, extension: Extension): boolean {
  if (!sender || sender.id !== extension.id) return false;
  const { url, tab } = sender;
  if (typeof url !== 'string' || !extension.baseUrl || !url.startsWith(extension.baseUrl)) {
    return false;
  }
  if (isFramePage(url, extension)) return false;
  // The background, the offscreen document and the popup come without a tab.
  if (tab === undefined) return true;
  // A page in a tab: only as the tab's top frame, and only in a tab showing an extension page.
  if (sender.frameId !== 0) return false;
  return tab.url === undefined || tab.url.startsWith(extension.baseUrl);
}
