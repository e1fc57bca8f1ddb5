/**
 * Session start: X3DH without one-time prekeys plus an ML-KEM-768 encapsulation, after
 * Signal's PQXDH (https://signal.org/docs/specifications/pqxdh/), then the Double Ratchet
 * initialised with header encryption (Signal's Double Ratchet §4, RatchetInitAlice/Bob).
 *
 * Roles: the *responder* published the bundle (sent the invite); the *initiator* accepts it.
 *
 *   DH1 = X25519(IKdh_I, SPK_R)   DH2 = X25519(EK_I, IKdh_R)   DH3 = X25519(EK_I, SPK_R)
 *   (CT, SS) = ML-KEM-768.Encaps(PQSPK_R)
 *   okm = HKDF-SHA-256(ikm = 0xFF*32 | DH1 | DH2 | DH3 | SS, salt = 0*32,
 *                      info = "sotto/v1/pqxdh", 104)
 *       -> SK (32) | HKa (32) | NHKb (32) | session id (8)
 *   AD  = 0x01 | IKsig_I | IKdh_I | IKsig_R | IKdh_R
 *
 * The initiator's first DH ratchet key pair is combined with SPK_R (RatchetInitAlice); the
 * responder starts from its SPK pair (RatchetInitBob). Until the initiator hears back, every
 * message it sends carries the PQXDH header (IK_I, EK_I, prekey id, CT), so the session
 * starts even if earlier messages are dropped.
 */

import { type Bundle, verifyBundle } from './bundle';
import { bytesEqual, concatBytes, toHex } from './bytes';
import { INFO_PQXDH, KEY, PROTOCOL_VERSION, SESSION_ID } from './constants';
import { unwrapPayload } from './envelope';
import { fail, ok, type Result } from './errors';
import {
  type Identity,
  type PublicIdentity,
  publicIdentity,
  verifyPublicIdentity,
} from './identity';
import { encodeInitHeader, parsePayload } from './payload';
import { findPrekey, type PrekeyRing } from './prekeys';
import { dh, hkdfSha256, kemDecapsulate, kemEncapsulate, x25519KeyPair } from './primitives';
import { type RandomSource, systemRandom } from './random';
import { decryptWire, kdfRoot, type SessionState } from './ratchet';

/** Keys derived by PQXDH. */
export interface PqxdhKeys {
  readonly sk: Uint8Array;
  /** Header key of the initiator's first sending chain. */
  readonly hka: Uint8Array;
  /** Header key of the responder's first sending chain. */
  readonly nhkb: Uint8Array;
  readonly sessionId: Uint8Array;
}

/** The PQXDH KDF over the three DH outputs and the ML-KEM shared secret. */
export function pqxdhKdf(
  dh1: Uint8Array,
  dh2: Uint8Array,
  dh3: Uint8Array,
  ss: Uint8Array,
): PqxdhKeys {
  const ikm = concatBytes(new Uint8Array(32).fill(0xff), dh1, dh2, dh3, ss);
  const okm = hkdfSha256(ikm, new Uint8Array(32), INFO_PQXDH, 3 * KEY + SESSION_ID);
  return {
    sk: okm.slice(0, KEY),
    hka: okm.slice(KEY, 2 * KEY),
    nhkb: okm.slice(2 * KEY, 3 * KEY),
    sessionId: okm.slice(3 * KEY),
  };
}

/** The associated data of a session: version, then initiator and responder identity keys. */
export function sessionAd(
  initiator: Pick<PublicIdentity, 'signingKey' | 'dhKey'>,
  responder: Pick<PublicIdentity, 'signingKey' | 'dhKey'>,
): Uint8Array {
  return concatBytes(
    Uint8Array.of(PROTOCOL_VERSION),
    initiator.signingKey,
    initiator.dhKey,
    responder.signingKey,
    responder.dhKey,
  );
}

/** Options for {@link initiateSession}. */
export interface InitiateOptions {
  readonly rng?: RandomSource;
  /** The signing key pinned for this contact; a different one gives KEY_CHANGED. */
  readonly expectedSigningKey?: Uint8Array;
}

/**
 * Starts a session with the owner of `theirs` (accepting their invite). Draws 32 bytes (EK),
 * 32 bytes (ML-KEM message) and 32 bytes (first ratchet key), in that order. BAD_MAC if
 * the bundle's signatures fail, KEY_CHANGED if it is not the pinned identity, MALFORMED for
 * our own bundle or keys noble rejects. The first ratchetEncrypt on the returned state
 * produces the init envelope.
 */
export function initiateSession(
  me: Identity,
  theirs: Bundle,
  options: InitiateOptions = {},
): Result<{ state: SessionState; sessionId: string; initialMessageHeader: Uint8Array }> {
  const rng = options.rng ?? systemRandom;
  if (!verifyBundle(theirs)) return fail('BAD_MAC', 'bundle signature does not verify');
  const peer = theirs.identity;
  if (options.expectedSigningKey && !bytesEqual(options.expectedSigningKey, peer.signingKey)) {
    return fail('KEY_CHANGED', 'bundle identity differs from the pinned one');
  }
  if (bytesEqual(peer.signingKey, me.signingKey)) return fail('MALFORMED', 'our own bundle');
  const ek = x25519KeyPair(rng);
  const dh1 = dh(me.dhSecret, theirs.prekeyDh);
  const dh2 = dh(ek.secret, peer.dhKey);
  const dh3 = dh(ek.secret, theirs.prekeyDh);
  if (!dh1 || !dh2 || !dh3) return fail('MALFORMED', 'bundle key rejected');
  const kem = kemEncapsulate(theirs.prekeyKem, rng);
  if (!kem) return fail('MALFORMED', 'bundle ML-KEM key rejected');
  const keys = pqxdhKdf(dh1, dh2, dh3, kem.sharedSecret);
  const ratchetKey = x25519KeyPair(rng);
  const dhOut = dh(ratchetKey.secret, theirs.prekeyDh);
  if (!dhOut) return fail('MALFORMED', 'bundle key rejected');
  const root = kdfRoot(keys.sk, dhOut);
  const initialMessageHeader = encodeInitHeader({
    initiator: publicIdentity(me),
    ephemeral: ek.public,
    prekeyId: theirs.prekeyId,
    kemCiphertext: kem.cipherText,
  });
  const sessionId = toHex(keys.sessionId);
  const state: SessionState = {
    v: 1,
    sessionId,
    role: 'initiator',
    ad: sessionAd(me, peer),
    theirSigningKey: peer.signingKey.slice(),
    theirDhKey: peer.dhKey.slice(),
    dhsSecret: ratchetKey.secret,
    dhsPublic: ratchetKey.public,
    dhr: theirs.prekeyDh.slice(),
    rk: root.rk,
    cks: root.ck,
    ckr: null,
    hks: keys.hka,
    hkr: null,
    nhks: root.nhk,
    nhkr: keys.nhkb,
    ns: 0,
    nr: 0,
    pn: 0,
    skipped: [],
    oldHeaderKeys: [],
    pendingInit: initialMessageHeader,
  };
  return ok({ state, sessionId, initialMessageHeader: initialMessageHeader.slice() });
}

/** Options for {@link respondToSession}. */
export interface RespondOptions {
  /** Current time (ms since the epoch), to honour the prekey grace period. */
  readonly now: number;
  readonly rng?: RandomSource;
  /** The signing key pinned for this contact; a different one gives KEY_CHANGED. */
  readonly expectedSigningKey?: Uint8Array;
  /** Extra associated data, as for ratchetDecrypt. */
  readonly ad?: Uint8Array;
}

/**
 * Completes a session from an init envelope sent to one of our prekeys, decrypting the
 * message it carries. Call it only for an init whose session id the vault does not know
 * (otherwise use ratchetDecrypt). UNKNOWN_SESSION for a plain message, UNKNOWN_PREKEY if the
 * prekey is gone, BAD_MAC if anything fails to authenticate, KEY_CHANGED (checked last, after
 * everything verified) if the initiator is not the pinned identity.
 */
export function respondToSession(
  me: Identity,
  prekeys: PrekeyRing,
  envelope: string,
  options: RespondOptions,
): Result<{
  state: SessionState;
  sessionId: string;
  plaintext: Uint8Array;
  theirIdentity: PublicIdentity;
}> {
  const unwrapped = unwrapPayload(envelope);
  if (!unwrapped.ok) return unwrapped;
  const parsed = parsePayload(unwrapped.value.payload);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  if (p.type === 'message') return fail('UNKNOWN_SESSION', 'a message needs an existing session');
  if (p.type !== 'init') return fail('MALFORMED', 'not an init message');
  const { initiator, ephemeral, prekeyId, kemCiphertext } = p.init;
  if (!verifyPublicIdentity(initiator))
    return fail('BAD_MAC', 'initiator identity does not verify');
  if (bytesEqual(initiator.signingKey, me.signingKey))
    return fail('MALFORMED', 'our own init message');
  const prekey = findPrekey(prekeys, prekeyId, options.now);
  if (!prekey) return fail('UNKNOWN_PREKEY', 'prekey not held');
  const dh1 = dh(prekey.dhSecret, initiator.dhKey);
  const dh2 = dh(me.dhSecret, ephemeral);
  const dh3 = dh(prekey.dhSecret, ephemeral);
  if (!dh1 || !dh2 || !dh3) return fail('MALFORMED', 'init key rejected');
  const ss = kemDecapsulate(kemCiphertext, prekey.kemSecret);
  if (!ss) return fail('MALFORMED', 'init ML-KEM ciphertext rejected');
  const keys = pqxdhKdf(dh1, dh2, dh3, ss);
  if (!bytesEqual(keys.sessionId, p.sessionId))
    return fail('BAD_MAC', 'session id does not match the keys');
  const start: SessionState = {
    v: 1,
    sessionId: toHex(keys.sessionId),
    role: 'responder',
    ad: sessionAd(initiator, me),
    theirSigningKey: initiator.signingKey.slice(),
    theirDhKey: initiator.dhKey.slice(),
    dhsSecret: prekey.dhSecret.slice(),
    dhsPublic: prekey.dhKey.slice(),
    dhr: null,
    rk: keys.sk,
    cks: null,
    ckr: null,
    hks: null,
    hkr: null,
    nhks: keys.nhkb,
    nhkr: keys.hka,
    ns: 0,
    nr: 0,
    pn: 0,
    skipped: [],
    oldHeaderKeys: [],
    pendingInit: null,
  };
  const r = decryptWire(
    start,
    p.wire,
    options.ad ?? new Uint8Array(0),
    options.rng ?? systemRandom,
  );
  if (!r.ok) return r;
  if (options.expectedSigningKey && !bytesEqual(options.expectedSigningKey, initiator.signingKey)) {
    return fail('KEY_CHANGED', 'initiator identity differs from the pinned one');
  }
  return ok({
    state: r.value.state,
    sessionId: start.sessionId,
    plaintext: r.value.plaintext,
    theirIdentity: initiator,
  });
}
