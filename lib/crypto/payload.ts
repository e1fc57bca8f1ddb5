/**
 * Binary payloads (protocol version 1) — what the text layer carries.
 *
 *   invite   01 01 | bundle (1413)
 *   init     01 02 | session id (8) | PQXDH header (1252) | nonce (24) | sealed header (56) | body
 *   message  01 03 | session id (8) | nonce (24) | sealed header (56) | body
 *
 * PQXDH header: IKsig (32) | IKdh (32) | IKdh signature (64) | EK (32) | prekey id (4) |
 * ML-KEM-768 ciphertext (1088). Sealed header: XSalsa20-Poly1305 (tag first) of DHs (32) | PN (4) | N (4).
 * Body: ChaCha20-Poly1305 ciphertext || tag, at least 16 bytes. ratchetEncrypt writes this
 * layout in place (lib/crypto/ratchet.ts).
 */
import { ByteReader, concatBytes, u32be } from './bytes';
import {
  BUNDLE_SIZE,
  ED25519_KEY,
  ED25519_SIG,
  HEADER_SEALED,
  INIT_HEADER_SIZE,
  KEM_CIPHERTEXT,
  MAX_PLAINTEXT,
  NONCE,
  PAYLOAD_INIT,
  PAYLOAD_INVITE,
  PAYLOAD_MESSAGE,
  PROTOCOL_VERSION,
  SESSION_ID,
  TAG,
  X25519_KEY,
} from './constants';
import { fail, ok, type Result } from './errors';
import type { PublicIdentity } from './identity';

/** The PQXDH fields an init message carries in the clear. */
export interface InitHeader {
  readonly initiator: PublicIdentity;
  readonly ephemeral: Uint8Array;
  readonly prekeyId: number;
  readonly kemCiphertext: Uint8Array;
}

/** The ratchet part of an init or message payload. */
export interface RatchetWire {
  /**
   * Everything before the body (version, type, session id, PQXDH header, nonce, sealed
   * header): the body authenticates it as associated data.
   */
  readonly head: Uint8Array;
  readonly nonce: Uint8Array;
  readonly sealedHeader: Uint8Array;
  readonly body: Uint8Array;
}

/** A parsed payload. */
export type Payload =
  | { readonly type: 'invite'; readonly bundle: Uint8Array }
  | {
      readonly type: 'init';
      readonly sessionId: Uint8Array;
      readonly init: InitHeader;
      readonly wire: RatchetWire;
    }
  | { readonly type: 'message'; readonly sessionId: Uint8Array; readonly wire: RatchetWire };

const MIN_RATCHET = NONCE + HEADER_SEALED + TAG;
const MAX_BODY = MAX_PLAINTEXT + TAG;

/** Serialises a PQXDH header. */
export function encodeInitHeader(h: InitHeader): Uint8Array {
  return concatBytes(
    h.initiator.signingKey,
    h.initiator.dhKey,
    h.initiator.dhSignature,
    h.ephemeral,
    u32be(h.prekeyId),
    h.kemCiphertext,
  );
}

/** Parses a PQXDH header of exactly INIT_HEADER_SIZE bytes (the caller checks the size). */
export function decodeInitHeader(bytes: Uint8Array): InitHeader {
  const r = new ByteReader(bytes);
  const signingKey = r.take(ED25519_KEY);
  const dhKey = r.take(X25519_KEY);
  const dhSignature = r.take(ED25519_SIG);
  const ephemeral = r.take(X25519_KEY);
  const prekeyId = r.u32();
  const kemCiphertext = r.take(KEM_CIPHERTEXT);
  return { initiator: { signingKey, dhKey, dhSignature }, ephemeral, prekeyId, kemCiphertext };
}

/** Invite payload around encoded bundle bytes. */
export function encodeInvitePayload(bundle: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(PROTOCOL_VERSION, PAYLOAD_INVITE), bundle);
}

/**
 * Parses a payload. VERSION_TOO_NEW for a later version byte; MALFORMED for anything else
 * that is not exactly one of the three layouts.
 */
export function parsePayload(bytes: Uint8Array): Result<Payload> {
  if (bytes.length < 2) return fail('MALFORMED', 'payload too short');
  const version = bytes[0] as number;
  if (version > PROTOCOL_VERSION) return fail('VERSION_TOO_NEW', 'payload from a newer version');
  if (version !== PROTOCOL_VERSION) return fail('MALFORMED', 'bad payload version');
  const type = bytes[1] as number;
  if (type === PAYLOAD_INVITE) {
    if (bytes.length !== 2 + BUNDLE_SIZE) return fail('MALFORMED', 'bad invite length');
    return ok({ type: 'invite', bundle: bytes.slice(2) });
  }
  if (type !== PAYLOAD_INIT && type !== PAYLOAD_MESSAGE)
    return fail('MALFORMED', 'unknown payload type');
  const initSize = type === PAYLOAD_INIT ? INIT_HEADER_SIZE : 0;
  const prefixSize = 2 + SESSION_ID + initSize;
  if (bytes.length < prefixSize + MIN_RATCHET) return fail('MALFORMED', 'payload too short');
  if (bytes.length - prefixSize - NONCE - HEADER_SEALED > MAX_BODY)
    return fail('MALFORMED', 'payload too long');
  const sessionId = bytes.slice(2, 2 + SESSION_ID);
  const r = new ByteReader(bytes);
  r.view(prefixSize);
  const wire: RatchetWire = {
    head: bytes.subarray(0, prefixSize + NONCE + HEADER_SEALED),
    nonce: r.view(NONCE),
    sealedHeader: r.view(HEADER_SEALED),
    body: r.rest(),
  };
  if (type === PAYLOAD_MESSAGE) return ok({ type: 'message', sessionId, wire });
  const init = decodeInitHeader(bytes.subarray(2 + SESSION_ID, prefixSize));
  return ok({ type: 'init', sessionId, init, wire });
}
