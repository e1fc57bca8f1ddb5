/**
 * What a ratchet message carries inside: one type byte, then the body.
 *
 *   0x01 | UTF-8 text      a text message
 *   0x02 [| address]       "accepted": the first message of a session started by accepting
 *                          an invite (carried by the init envelope), optionally with the
 *                          sender's presence address
 *   0x03 | address | UTF-8 text  a text message carrying the sender's presence address
 *
 * A presence address (16 bytes, `lib/calls` peer id as hex) tells a contact where this
 * installation listens for calls. It travels only inside the ratchet, so the host never sees
 * it and adds no visible row of its own.
 *
 * Any other type byte is from a newer Sotto (`version-too-new`); invalid UTF-8 or an empty
 * payload cannot have been written by us (`unverifiable`). Both still consume the message key,
 * since the envelope did authenticate.
 */
import { fromHex, MAX_PLAINTEXT, toHex, utf8Decode, utf8Encode } from '../crypto';

const TYPE_TEXT = 0x01;
const TYPE_ACCEPT = 0x02;
const TYPE_TEXT_WITH_PRESENCE = 0x03;
const ADDRESS_BYTES = 16;

export type Content =
  | { type: 'text'; text: string; presence?: string }
  | { type: 'accept'; presence?: string };

/** Longest text, in UTF-8 bytes, that fits one ratchet message (with a presence address). */
export const MAX_TEXT_BYTES = MAX_PLAINTEXT - 1 - ADDRESS_BYTES;

function addressBytes(presence: string | undefined): Uint8Array | null {
  if (presence === undefined) return null;
  const bytes = fromHex(presence);
  return bytes?.length === ADDRESS_BYTES ? bytes : null;
}

export function encodeText(text: string, presence?: string): Uint8Array | null {
  const body = utf8Encode(text);
  if (body.length > MAX_TEXT_BYTES) return null;
  const address = addressBytes(presence);
  const head = address ? 1 + ADDRESS_BYTES : 1;
  const out = new Uint8Array(head + body.length);
  out[0] = address ? TYPE_TEXT_WITH_PRESENCE : TYPE_TEXT;
  if (address) out.set(address, 1);
  out.set(body, head);
  return out;
}

export function encodeAccept(presence?: string): Uint8Array {
  const address = addressBytes(presence);
  if (!address) return Uint8Array.of(TYPE_ACCEPT);
  const out = new Uint8Array(1 + ADDRESS_BYTES);
  out[0] = TYPE_ACCEPT;
  out.set(address, 1);
  return out;
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
    case TYPE_TEXT_WITH_PRESENCE: {
      if (bytes.length < 1 + ADDRESS_BYTES) return { ok: false, reason: 'unverifiable' };
      const text = utf8Decode(bytes.subarray(1 + ADDRESS_BYTES));
      const presence = toHex(bytes.subarray(1, 1 + ADDRESS_BYTES));
      return text === null
        ? { ok: false, reason: 'unverifiable' }
        : { ok: true, content: { type: 'text', text, presence } };
    }
    case TYPE_ACCEPT:
      if (bytes.length === 1) return { ok: true, content: { type: 'accept' } };
      return bytes.length === 1 + ADDRESS_BYTES
        ? { ok: true, content: { type: 'accept', presence: toHex(bytes.subarray(1)) } }
        : { ok: false, reason: 'unverifiable' };
    default:
      return { ok: false, reason: 'version-too-new' };
  }
}
