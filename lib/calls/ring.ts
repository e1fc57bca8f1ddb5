/**
 * The signed ring: how a caller asks a contact's presence listener to ring. It travels over
 * a PeerJS data connection, so the signaling server could replay or forge one; the callee
 * therefore accepts it only when a pinned contact key verifies it, it names the callee (its
 * identity key and presence address: a ring replayed to another of the caller's contacts is
 * refused), it is fresh, and its call id was never seen. docs/PROTOCOL.md § Calls has the byte
 * layout.
 */
import {
  base64urlDecode,
  base64urlEncode,
  bytesEqual,
  concatBytes,
  fromHex,
  toHex,
  utf8Encode,
} from '../crypto/bytes';
import { sign, verify } from '../crypto/primitives';
import { CALL_ID_BYTES } from './ids';

export type CallMedia = 'audio' | 'video';

/** 2: the signed part names the callee (version 1 named only the caller, so it could be replayed). */
export const RING_VERSION = 2;
/** Domain separation: an identity key's ring signature can never be another Sotto signature. */
export const RING_LABEL = utf8Encode('sotto/v1/call-ring');
/** A ring older than this is refused (a replay, or a call nobody waits for any more). */
export const RING_MAX_AGE_MS = 60_000;
/** A ring dated this far in the future is refused (clock skew beyond this is not tolerated). */
export const RING_MAX_SKEW_MS = 60_000;

const PEER_ID_BYTES = 16;
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const SIGNED_BYTES = 1 + 1 + CALL_ID_BYTES + 8 + 2 * (KEY_BYTES + PEER_ID_BYTES);
export const RING_BYTES = SIGNED_BYTES + SIGNATURE_BYTES;

const MEDIA_CODES: Record<CallMedia, number> = { audio: 1, video: 2 };

export interface RingFields {
  /** The caller's Ed25519 identity key (what the callee has pinned for them). */
  callerKey: Uint8Array;
  /** 32 hex digits. */
  callId: string;
  media: CallMedia;
  /** Milliseconds since the epoch, when the caller signed. */
  timestamp: number;
  /** The caller's fresh PeerJS id for this call (32 hex digits): where to answer. */
  peerId: string;
  /** The callee's Ed25519 identity key, as the caller has it pinned. */
  calleeKey: Uint8Array;
  /** The callee's presence address (32 hex digits): the PeerJS id the ring is sent to. */
  calleeAddress: string;
}

export type RingRejection =
  /** Not a ring this version understands. */
  | 'malformed'
  /** No contact has this key pinned. */
  | 'stranger'
  /** The signature does not verify with the pinned key. */
  | 'bad-signature'
  /** Signed for someone else (another key or presence address): replayed to us. */
  | 'wrong-callee'
  /** Outside the freshness window. */
  | 'stale'
  /** This call id rang before. */
  | 'replay';

export type RingResult<T> = { ok: true; value: T } | { ok: false; reason: RingRejection };

function signedPart(fields: RingFields): Uint8Array | null {
  const callId = fromHex(fields.callId);
  const peerId = fromHex(fields.peerId);
  const calleeAddress = fromHex(fields.calleeAddress);
  if (
    callId?.length !== CALL_ID_BYTES ||
    peerId?.length !== PEER_ID_BYTES ||
    calleeAddress?.length !== PEER_ID_BYTES ||
    fields.callerKey.length !== KEY_BYTES ||
    fields.calleeKey.length !== KEY_BYTES ||
    !Number.isSafeInteger(fields.timestamp) ||
    fields.timestamp < 0
  ) {
    return null;
  }
  const out = new Uint8Array(SIGNED_BYTES);
  const view = new DataView(out.buffer);
  out[0] = RING_VERSION;
  out[1] = MEDIA_CODES[fields.media];
  out.set(callId, 2);
  view.setBigUint64(2 + CALL_ID_BYTES, BigInt(fields.timestamp));
  const callerAt = 2 + CALL_ID_BYTES + 8;
  const calleeAt = callerAt + KEY_BYTES + PEER_ID_BYTES;
  out.set(fields.callerKey, callerAt);
  out.set(peerId, callerAt + KEY_BYTES);
  out.set(fields.calleeKey, calleeAt);
  out.set(calleeAddress, calleeAt + KEY_BYTES);
  return out;
}

/**
 * Signs a ring with the caller's identity secret; base64url text for the data connection.
 * Null when a field is out of shape (our own programming error, reported not thrown).
 */
export function createRing(fields: RingFields, signingSecret: Uint8Array): string | null {
  const body = signedPart(fields);
  if (!body) return null;
  const signature = sign(concatBytes(RING_LABEL, body), signingSecret);
  return base64urlEncode(concatBytes(body, signature));
}

/** A ring's fields and what its signature covers, before anyone vouched for it. */
export interface ParsedRing {
  fields: RingFields;
  signed: Uint8Array;
  signature: Uint8Array;
}

export function parseRing(text: unknown): RingResult<ParsedRing> {
  if (typeof text !== 'string' || text.length > 400) return { ok: false, reason: 'malformed' };
  const bytes = base64urlDecode(text);
  if (!bytes || bytes.length !== RING_BYTES || bytes[0] !== RING_VERSION) {
    return { ok: false, reason: 'malformed' };
  }
  const media = bytes[1] === 1 ? 'audio' : bytes[1] === 2 ? 'video' : null;
  if (!media) return { ok: false, reason: 'malformed' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const timestamp = Number(view.getBigUint64(2 + CALL_ID_BYTES));
  if (!Number.isSafeInteger(timestamp)) return { ok: false, reason: 'malformed' };
  const keyAt = 2 + CALL_ID_BYTES + 8;
  const calleeAt = keyAt + KEY_BYTES + PEER_ID_BYTES;
  return {
    ok: true,
    value: {
      fields: {
        callId: toHex(bytes.subarray(2, 2 + CALL_ID_BYTES)),
        media,
        timestamp,
        callerKey: bytes.slice(keyAt, keyAt + KEY_BYTES),
        peerId: toHex(bytes.subarray(keyAt + KEY_BYTES, calleeAt)),
        calleeKey: bytes.slice(calleeAt, calleeAt + KEY_BYTES),
        calleeAddress: toHex(bytes.subarray(calleeAt + KEY_BYTES, SIGNED_BYTES)),
      },
      signed: bytes.slice(0, SIGNED_BYTES),
      signature: bytes.slice(SIGNED_BYTES),
    },
  };
}

export interface RingCheck {
  now: number;
  /** Our own identity key and presence address: a ring must name both. */
  ownKey: Uint8Array;
  ownAddress: string;
  /** Who has this key pinned (their handle), if anyone. */
  contactFor(key: Uint8Array): string | null;
  /** Whether this call id rang before. */
  seen(callId: string): boolean;
}

/**
 * The callee's whole decision on a ring, in order: well-formed, from a contact, signed by
 * that contact's pinned key, meant for us, fresh, and never seen. Only then may it ring.
 */
export function acceptRing(
  text: unknown,
  check: RingCheck,
): RingResult<RingFields & { handle: string }> {
  const parsed = parseRing(text);
  if (!parsed.ok) return parsed;
  const { fields, signed, signature } = parsed.value;
  const handle = check.contactFor(fields.callerKey);
  if (handle === null) return { ok: false, reason: 'stranger' };
  if (!verify(signature, concatBytes(RING_LABEL, signed), fields.callerKey)) {
    return { ok: false, reason: 'bad-signature' };
  }
  // Without this, the server could hand Alice's ring to anyone else who has her pinned.
  if (!bytesEqual(fields.calleeKey, check.ownKey) || fields.calleeAddress !== check.ownAddress) {
    return { ok: false, reason: 'wrong-callee' };
  }
  const age = check.now - fields.timestamp;
  if (age > RING_MAX_AGE_MS || -age > RING_MAX_SKEW_MS) return { ok: false, reason: 'stale' };
  if (check.seen(fields.callId)) return { ok: false, reason: 'replay' };
  return { ok: true, value: { ...fields, handle } };
}

/** Whether two keys are the same (for `contactFor` implementations). */
export const sameKey = bytesEqual;
