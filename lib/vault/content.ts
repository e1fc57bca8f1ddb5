/**
 * What a ratchet message carries inside: one type byte, then the body.
 *
 *   0x01 | UTF-8 text      a text message
 *   0x02                   "accepted": the first message of a session started by accepting
 *                          an invite (carried by the init envelope)
 *
 * Any other type byte is from a newer Sotto (`version-too-new`); invalid UTF-8 or an empty
 * payload cannot have been written by us (`unverifiable`). Both still consume the message key,
 * since the envelope did authenticate.
 */
import { MAX_PLAINTEXT, utf8Decode, utf8Encode } from '../crypto';

const TYPE_TEXT = 0x01;
const TYPE_ACCEPT = 0x02;

export type Content = { type: 'text'; text: string } | { type: 'accept' };

/** Longest text, in UTF-8 bytes, that fits one ratchet message. */
export const MAX_TEXT_BYTES = MAX_PLAINTEXT - 1;

export function encodeText(text: string): Uint8Array | null {
  const body = utf8Encode(text);
  if (body.length > MAX_TEXT_BYTES) return null;
  const out = new Uint8Array(1 + body.length);
  out[0] = TYPE_TEXT;
  out.set(body, 1);
  return out;
}

export function encodeAccept(): Uint8Array {
  return Uint8Array.of(TYPE_ACCEPT);
}

export type DecodedContent =
  | { ok: true; content: Content }
  | { ok: false; reason: 'unverifiable' | 'version-too-new' };

export function decodeContent(bytes: Uint8Array): DecodedContent {
  if (bytes.length === 0) return { ok: false, reason: 'unverifiable' };
  switch (bytes[0]) {
    case TYPE_TEXT: {
      const text = utf8Decode(bytes.subarray(1));
      return text === null
        ? { ok: false, reason: 'unverifiable' }
        : { ok: true, content: { type: 'text', text } };
    }
    case TYPE_ACCEPT:
      return bytes.length === 1
        ? { ok: true, content: { type: 'accept' } }
        : { ok: false, reason: 'unverifiable' };
    default:
      return { ok: false, reason: 'version-too-new' };
  }
}
