/**
 * Sotto's protocol core: identities, prekeys, bundles, invites, PQXDH session start, the
 * Double Ratchet with header encryption, envelopes and safety numbers. Pure functions over
 * bytes; the only outside capability is an injectable random source. docs/PROTOCOL.md is
 * the specification.
 *
 * Typical vault flow:
 *   identity = createIdentity(); ring = createPrekeyRing(identity, now)
 *   invite   = createInvite(identity, ring.current)                    -> post it
 *   inspectEnvelope(line)  -> 'invite' | 'init' | 'message' | 'part'
 *   accept:  initiateSession(me, info.bundle) -> state; ratchetEncrypt(state, hello) -> post
 *   answer:  respondToSession(me, ring, line, { now }) -> state, first plaintext
 *   then:    ratchetEncrypt / ratchetDecrypt, committing each returned state
 *   long:    splitEnvelope(envelope, limit) before posting; joinParts(parts) after reading
 */
export type { Bundle } from './bundle';
export { decodeBundle, encodeBundle, makeBundle, verifyBundle } from './bundle';
export {
  base64urlDecode,
  base64urlEncode,
  bytesEqual,
  fromHex,
  toHex,
  utf8Decode,
  utf8Encode,
} from './bytes';
export {
  MAX_PLAINTEXT,
  MAX_SKIP,
  MAX_STORED_SKIPPED,
  PREKEY_GRACE_MS,
  PREKEY_ROTATION_MS,
  PROTOCOL_VERSION,
  TEXT_VERSION,
} from './constants';
export { joinParts, looksLikeEnvelope, splitEnvelope } from './envelope';
export type { CryptoError, CryptoErrorCode, Result } from './errors';
export { ERROR_CODES, isCryptoError } from './errors';
export type { Identity, PublicIdentity } from './identity';
export { createIdentity, publicIdentity, sameIdentity, verifyPublicIdentity } from './identity';
export type { EnvelopeInfo } from './inspect';
export { inspectEnvelope } from './inspect';
export type { Invite } from './invite';
export { createInvite, DEFAULT_INVITE_NOTE, readInvite } from './invite';
export type { InitiateOptions, RespondOptions } from './pqxdh';
export { initiateSession, respondToSession } from './pqxdh';
export type { PrekeyRing, RetiredPrekey, SignedPrekey } from './prekeys';
export {
  createPrekeyRing,
  createPrekeys,
  findPrekey,
  prekeysDue,
  prunePrekeys,
  rotatePrekeys,
} from './prekeys';
export type { RandomSource } from './random';
export { systemRandom } from './random';
export type { DecryptOptions, EncryptOptions, SessionState, SkippedKey } from './ratchet';
export { ratchetDecrypt, ratchetEncrypt } from './ratchet';
export {
  compareSafetyQr,
  formatSafetyNumber,
  safetyNumber,
  safetyQrPayload,
} from './safety-number';
export {
  exportIdentity,
  exportPrekeyRing,
  exportSession,
  importIdentity,
  importPrekeyRing,
  importSession,
} from './serialize';
