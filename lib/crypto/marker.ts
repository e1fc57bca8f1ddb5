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

/**
 * What an envelope-looking text carries, read from the first three frame bytes after its
 * marker alone (frame kind; for a whole frame, the payload type: see constants.ts), without
 * checking anything else: enough to label it, never to trust it. `unknown` for another text
 * version or a head that is not base64url; null without a marker.
 */
export type EnvelopeKind = 'invite' | 'message' | 'part' | 'unknown';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function envelopeKind(text: string): EnvelopeKind | null {
  const m = typeof text === 'string' ? MARKER_RE.exec(text) : null;
  if (!m) return null;
  if (m[1] !== '1') return 'unknown';
  const start = m.index + m[0].length;
  // Four base64url characters are the frame's first three bytes.
  let head = 0;
  for (let i = start; i < start + 4; i++) {
    const char = text[i];
    const value = char === undefined ? -1 : BASE64URL.indexOf(char);
    if (value < 0) return 'unknown';
    head = head * 64 + value;
  }
  const frame = head >>> 16;
  // FRAME_PART; a part's first bytes are a message id, not a payload.
  if (frame === 1) return 'part';
  if (frame !== 0) return 'unknown';
  // FRAME_WHOLE: payload version (PROTOCOL_VERSION), then its type (PAYLOAD_INVITE = 1,
  // PAYLOAD_INIT = 2, PAYLOAD_MESSAGE = 3).
  if (((head >>> 8) & 0xff) !== 1) return 'unknown';
  const type = head & 0xff;
  return type === 1 ? 'invite' : type === 2 || type === 3 ? 'message' : 'unknown';
}
