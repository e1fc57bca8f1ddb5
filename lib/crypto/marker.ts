/**
 * How an envelope's text starts: `SOTTO<version>.` (see docs/PROTOCOL.md, text layer). Kept
 * free of imports so the content script can recognise envelope rows cheaply — hide them at
 * once, hand them to the vault — without bundling any of the protocol.
 */
export const MARKER_RE = /SOTTO(\d{1,6})\./;

/** Whether `text` may contain an envelope; the vault's strict parser decides. */
export function looksLikeEnvelope(text: string): boolean {
  return typeof text === 'string' && MARKER_RE.test(text);
}
