/**
 * The only browser-provided capability `lib/crypto` uses: a source of random bytes.
 * Every function that needs randomness takes a {@link RandomSource}, defaulting to
 * {@link systemRandom}, so tests and vectors can be deterministic.
 */
import { chacha20 } from '@noble/ciphers/chacha.js';

/** Returns `length` fresh random bytes. */
export type RandomSource = (length: number) => Uint8Array;

/** `crypto.getRandomValues`, in chunks of 64 KiB (its per-call limit). */
export const systemRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) {
    crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)));
  }
  return out;
};

/** Bytes of system randomness fetched at once for {@link fillSystemNonce}. */
const NONCE_POOL = 4096;
let noncePool: Uint8Array | null = null;
let noncePoolAt = NONCE_POOL;

/**
 * Fills `out` with fresh system randomness, for public values only (message nonces, which
 * travel in the clear): `crypto.getRandomValues` is called once per 4 KiB instead of once
 * per message. Each pooled byte is handed out once and zeroed. Never use it for keys.
 */
export function fillSystemNonce(out: Uint8Array): void {
  const n = out.length;
  if (n > NONCE_POOL) {
    out.set(systemRandom(n));
    return;
  }
  if (noncePool === null || noncePoolAt + n > NONCE_POOL) {
    noncePool ??= new Uint8Array(NONCE_POOL);
    crypto.getRandomValues(noncePool);
    noncePoolAt = 0;
  }
  const bytes = noncePool.subarray(noncePoolAt, noncePoolAt + n);
  noncePoolAt += n;
  out.set(bytes);
  bytes.fill(0);
}

/**
 * A deterministic stream for tests and benchmarks only: call k returns the first `length`
 * bytes of ChaCha20(key = seed, nonce = k as 12-byte little-endian, counter 0).
 * Never use it for real keys.
 */
export function deterministicRandom(seed: Uint8Array): RandomSource {
  if (seed.length !== 32) throw new RangeError('deterministicRandom: seed must be 32 bytes');
  const key = seed.slice();
  let call = 0;
  return (length) => {
    const nonce = new Uint8Array(12);
    new DataView(nonce.buffer).setUint32(0, call, true);
    new DataView(nonce.buffer).setUint32(4, Math.floor(call / 2 ** 32), true);
    call++;
    return chacha20(key, nonce, new Uint8Array(length));
  };
}

/** Draws `length` bytes from `rng`, insisting on a fresh array of exactly that length. */
export function draw(rng: RandomSource, length: number): Uint8Array {
  const out = rng(length);
  if (!(out instanceof Uint8Array) || out.length !== length) {
    throw new RangeError(`random source returned the wrong number of bytes (wanted ${length})`);
  }
  return out.byteOffset === 0 && out.buffer.byteLength === length ? out : out.slice();
}
