/**
 * Calls, the pure part: the signed ring, fingerprint binding, the short authentication
 * string, SDP fingerprints, random ids and what a stats report says about the call. No
 * browser API; docs/PROTOCOL.md § Calls.
 */
export { type BindingView, bindingMessage, signBinding, verifyBinding } from './binding';
export { isCallId, isPeerId, newCallId, newPeerId } from './ids';
export {
  acceptRing,
  type CallMedia,
  createRing,
  type ParsedRing,
  parseRing,
  RING_MAX_AGE_MS,
  RING_MAX_SKEW_MS,
  type RingCheck,
  type RingFields,
  type RingRejection,
  type RingResult,
} from './ring';
export { SAS_EMOJI, SAS_LENGTH, type SasParty, shortAuthenticationString } from './sas';
export {
  type DtlsFingerprint,
  extractFingerprint,
  type FingerprintResult,
  fingerprintText,
} from './sdp';
export {
  type CallStats,
  callQuality,
  type Quality,
  type Route,
  readCallStats,
  type StatLike,
} from './stats';
