/**
 * Random names for calls. None is derived from a handle or a key: the signaling server and
 * the host (which sees invite bundles, hence public keys) learn nothing from a peer id.
 */
import { toHex } from '../crypto/bytes';
import { draw, type RandomSource, systemRandom } from '../crypto/random';

/** 16 random bytes: a call id, unique per call, carried in the signed ring. */
export const CALL_ID_BYTES = 16;

/** A fresh call id (32 lowercase hex digits). */
export function newCallId(rng: RandomSource = systemRandom): string {
  return toHex(draw(rng, CALL_ID_BYTES));
}

/**
 * A PeerJS peer id: 32 random hex digits (PeerJS accepts letters and digits). Used for the
 * per-installation presence address and for each call's fresh session peer id.
 */
export function newPeerId(rng: RandomSource = systemRandom): string {
  return toHex(draw(rng, 16));
}

export function isCallId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value);
}

export function isPeerId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value);
}
