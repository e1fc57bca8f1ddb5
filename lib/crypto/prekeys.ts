/**
 * Signed prekeys: an X25519 key and an ML-KEM-768 key, one id, one Ed25519 signature over
 * both. Rotated every PREKEY_ROTATION_MS; a retired prekey stays usable for
 * PREKEY_GRACE_MS so invites already sent can still be accepted, then it is deleted (which
 * is what gives session starts forward secrecy).
 */
import { concatBytes, u32be } from './bytes';
import { LABEL_PREKEY, PREKEY_GRACE_MS, PREKEY_ROTATION_MS } from './constants';
import type { Identity } from './identity';
import { kemKeyPair, sign, x25519KeyPair } from './primitives';
import { type RandomSource, systemRandom } from './random';

/** One signed prekey pair (X25519 + ML-KEM-768) with its private halves. */
export interface SignedPrekey {
  /** Unsigned 32-bit id, carried in bundles and init messages. */
  readonly id: number;
  /** Creation time, ms since the epoch (for rotation only; not in the bundle). */
  readonly createdAt: number;
  readonly dhSecret: Uint8Array;
  readonly dhKey: Uint8Array;
  /** ML-KEM-768 decapsulation key, 2400 bytes. */
  readonly kemSecret: Uint8Array;
  /** ML-KEM-768 encapsulation key, 1184 bytes. */
  readonly kemKey: Uint8Array;
  /** Ed25519(identity, "sotto/v1/prekey" || id (u32 BE) || dhKey || kemKey). */
  readonly signature: Uint8Array;
}

/** A retired prekey and when it was retired. */
export interface RetiredPrekey {
  readonly prekey: SignedPrekey;
  readonly retiredAt: number;
}

/** The current prekey and the retired ones still inside their grace period. */
export interface PrekeyRing {
  readonly v: 1;
  readonly current: SignedPrekey;
  readonly retired: readonly RetiredPrekey[];
}

/** The bytes an identity signs to vouch for a prekey pair. */
export function prekeyMessage(id: number, dhKey: Uint8Array, kemKey: Uint8Array): Uint8Array {
  return concatBytes(LABEL_PREKEY, u32be(id), dhKey, kemKey);
}

/**
 * Creates a signed prekey pair with the given id. Draws 32 bytes (X25519 secret) then 64
 * bytes (ML-KEM-768 seed d || z).
 */
export function createPrekeys(
  identity: Identity,
  id: number,
  now: number,
  rng: RandomSource = systemRandom,
): SignedPrekey {
  u32be(id); // RangeError unless a u32
  const agreement = x25519KeyPair(rng);
  const kem = kemKeyPair(rng);
  return {
    id,
    createdAt: now,
    dhSecret: agreement.secret,
    dhKey: agreement.public,
    kemSecret: kem.secret,
    kemKey: kem.public,
    signature: sign(prekeyMessage(id, agreement.public, kem.public), identity.signingSecret),
  };
}

/** Creates a ring whose current prekey has id 1. */
export function createPrekeyRing(
  identity: Identity,
  now: number,
  rng: RandomSource = systemRandom,
): PrekeyRing {
  return { v: 1, current: createPrekeys(identity, 1, now, rng), retired: [] };
}

/** True once the current prekey is older than PREKEY_ROTATION_MS. */
export function prekeysDue(ring: PrekeyRing, now: number): boolean {
  return now - ring.current.createdAt >= PREKEY_ROTATION_MS;
}

/** Drops retired prekeys whose grace period has ended. */
export function prunePrekeys(ring: PrekeyRing, now: number): PrekeyRing {
  const retired = ring.retired.filter((r) => now - r.retiredAt < PREKEY_GRACE_MS);
  return retired.length === ring.retired.length ? ring : { ...ring, retired };
}

/** Retires the current prekey and makes a new one with the next id (wrapping at 2^32). */
export function rotatePrekeys(
  ring: PrekeyRing,
  identity: Identity,
  now: number,
  rng: RandomSource = systemRandom,
): PrekeyRing {
  const nextId = (ring.current.id + 1) >>> 0;
  const pruned = prunePrekeys(ring, now);
  return {
    v: 1,
    current: createPrekeys(identity, nextId, now, rng),
    retired: [
      ...pruned.retired.filter((r) => r.prekey.id !== nextId),
      { prekey: ring.current, retiredAt: now },
    ],
  };
}

/** The prekey with this id: the current one, or a retired one still inside its grace period. */
export function findPrekey(ring: PrekeyRing, id: number, now: number): SignedPrekey | undefined {
  if (ring.current.id === id) return ring.current;
  for (const r of ring.retired) {
    if (r.prekey.id === id && now - r.retiredAt < PREKEY_GRACE_MS) return r.prekey;
  }
  return undefined;
}
