/**
 * Thin wrappers over noble: X25519, Ed25519, HChaCha20, ChaCha20-Poly1305,
 * XSalsa20-Poly1305, HKDF/HMAC-SHA-256, ML-KEM-768. Nothing here is home-made
 * cryptography; the wrappers only pin parameters, check lengths (noble style:
 * TypeError/RangeError for programmer errors) and turn noble's exceptions on hostile inputs
 * into `null`.
 */
import { chacha20poly1305, hchacha } from '@noble/ciphers/chacha.js';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import {
  ED25519_KEY,
  ED25519_SIG,
  KEM_CIPHERTEXT,
  KEM_MSG,
  KEM_PUBLIC,
  KEM_SECRET,
  KEM_SEED,
  KEY,
  LABEL_CHAIN_KEY,
  LABEL_MESSAGE_KEY,
  NONCE,
  NONCE_ONCE,
  X25519_KEY,
} from './constants';
import { draw, type RandomSource } from './random';

/** Asserts a byte array of an exact length (TypeError for a non-array, RangeError for length). */
export function abytes(value: unknown, length: number, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name}: expected Uint8Array`);
  if (value.length !== length) throw new RangeError(`${name}: expected ${length} bytes`);
}

/** An X25519 or Ed25519 key pair. */
export interface KeyPair {
  readonly secret: Uint8Array;
  readonly public: Uint8Array;
}

/** New X25519 key pair from 32 random bytes (noble clamps on use). */
export function x25519KeyPair(rng: RandomSource): KeyPair {
  const secret = draw(rng, X25519_KEY);
  return { secret, public: x25519.getPublicKey(secret) };
}

/** X25519(secret, public); null when noble refuses (low-order point, all-zero output). */
export function dh(secret: Uint8Array, pub: Uint8Array): Uint8Array | null {
  abytes(secret, X25519_KEY, 'x25519 secret');
  abytes(pub, X25519_KEY, 'x25519 public');
  try {
    return x25519.getSharedSecret(secret, pub);
  } catch {
    return null;
  }
}

/** New Ed25519 key pair from a 32-byte random seed (the seed is the secret key). */
export function ed25519KeyPair(rng: RandomSource): KeyPair {
  const secret = draw(rng, ED25519_KEY);
  return { secret, public: ed25519.getPublicKey(secret) };
}

/** Ed25519 signature (RFC 8032, deterministic). */
export function sign(message: Uint8Array, secret: Uint8Array): Uint8Array {
  abytes(secret, ED25519_KEY, 'ed25519 secret');
  return ed25519.sign(message, secret);
}

/** Strict RFC 8032 verification (zip215: false); false for any malformed input. */
export function verify(signature: Uint8Array, message: Uint8Array, pub: Uint8Array): boolean {
  if (signature.length !== ED25519_SIG || pub.length !== ED25519_KEY) return false;
  try {
    return ed25519.verify(signature, message, pub, { zip215: false });
  } catch {
    return false;
  }
}

/**
 * XSalsa20-Poly1305 (NaCl secretbox; no associated data) seal of a ratchet header: tag (16)
 * || ciphertext. One XSalsa20 call yields both the Poly1305 key and the keystream, which
 * is what makes it the cheapest authenticated cipher noble has for 40 bytes. 24-byte random
 * nonces: a header key seals a whole chain of messages with no nonce-collision concern.
 * With `output` (exactly plaintext.length + 32 bytes: noble uses the first 16 as scratch and
 * zeroes them) the result is a view of its last plaintext.length + 16 bytes.
 */
export function sealBox(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  output?: Uint8Array,
): Uint8Array {
  abytes(key, KEY, 'box key');
  abytes(nonce, NONCE, 'box nonce');
  return xsalsa20poly1305(key, nonce).encrypt(plaintext, output);
}

/** XSalsa20-Poly1305 open; null when the tag does not verify (or the input is too short). */
export function openBox(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  abytes(key, KEY, 'box key');
  abytes(nonce, NONCE, 'box nonce');
  try {
    return xsalsa20poly1305(key, nonce).decrypt(sealed);
  } catch {
    return null;
  }
}

/**
 * ChaCha20-Poly1305 (RFC 8439, 12-byte nonce) seal, for keys that seal one message only
 * (message keys): ciphertext || 16-byte tag. With `output` (exactly plaintext.length + 16
 * bytes) the result is written there instead of a new array.
 */
export function sealOnce(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
  output?: Uint8Array,
): Uint8Array {
  abytes(key, KEY, 'aead key');
  abytes(nonce, NONCE_ONCE, 'aead nonce');
  return chacha20poly1305(key, nonce, ad).encrypt(plaintext, output);
}

/** ChaCha20-Poly1305 open; null when the tag does not verify (or the input is too short). */
export function openOnce(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  ad: Uint8Array,
): Uint8Array | null {
  abytes(key, KEY, 'aead key');
  abytes(nonce, NONCE_ONCE, 'aead nonce');
  try {
    return chacha20poly1305(key, nonce, ad).decrypt(sealed);
  } catch {
    return null;
  }
}

/** HKDF-SHA-256 (RFC 5869). */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return hkdf(sha256, ikm, salt, info, length);
}

/** Bytes as native-endian 32-bit words (a view when aligned), as noble's hchacha takes them. */
function words(bytes: Uint8Array): Uint32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length >>> 2);
}

/** "expand 32-byte k", ChaCha's constant (RFC 8439 §2.3). */
const SIGMA = words(Uint8Array.from('expand 32-byte k', (c) => c.charCodeAt(0)));
const CHAIN_KEY_INPUT = words(LABEL_CHAIN_KEY.slice());
const MESSAGE_KEY_INPUT = words(LABEL_MESSAGE_KEY.slice());
/** KDF_CK's working memory: chain key | next chain key | message key, as bytes and words. */
const CHAIN_SCRATCH_BYTES = new Uint8Array(3 * KEY);
const CHAIN_SCRATCH_KEY = words(CHAIN_SCRATCH_BYTES.subarray(0, KEY));
const CHAIN_SCRATCH_NEXT = words(CHAIN_SCRATCH_BYTES.subarray(KEY, 2 * KEY));
const CHAIN_SCRATCH_MESSAGE = words(CHAIN_SCRATCH_BYTES.subarray(2 * KEY));

/** HChaCha20 (draft-irtf-cfrg-xchacha §2.2): 32 bytes from a 32-byte key and 16-byte input. */
export function hchacha20(key: Uint8Array, input: Uint8Array): Uint8Array {
  abytes(key, KEY, 'hchacha key');
  abytes(input, 16, 'hchacha input');
  const out = new Uint8Array(KEY);
  hchacha(SIGMA, words(key), words(input), words(out));
  return out;
}

/**
 * KDF_CK: two HChaCha20 evaluations keyed by the chain key, on the 16-byte labels
 * "sotto/v1/ck/next" (next chain key) and "sotto/v1/ck/msg." (message key). HChaCha20 is a
 * PRF of its key — the assumption XChaCha20's security rests on — so the two outputs are
 * independent pseudorandom keys, and neither reveals `ck` (which would break the PRF).
 * Both are fresh arrays, so storing one never stores the other.
 */
export function kdfChain(ck: Uint8Array): { messageKey: Uint8Array; chainKey: Uint8Array } {
  abytes(ck, KEY, 'chain key');
  // Every message steps a chain twice (sender and receiver), so the word views live in one
  // scratch buffer instead of five new typed arrays per step; it is wiped before returning.
  CHAIN_SCRATCH_BYTES.set(ck);
  hchacha(SIGMA, CHAIN_SCRATCH_KEY, CHAIN_KEY_INPUT, CHAIN_SCRATCH_NEXT);
  hchacha(SIGMA, CHAIN_SCRATCH_KEY, MESSAGE_KEY_INPUT, CHAIN_SCRATCH_MESSAGE);
  const chainKey = CHAIN_SCRATCH_BYTES.slice(KEY, 2 * KEY);
  const messageKey = CHAIN_SCRATCH_BYTES.slice(2 * KEY);
  CHAIN_SCRATCH_BYTES.fill(0);
  return { messageKey, chainKey };
}

/** ML-KEM-768 key pair from a 64-byte seed drawn from `rng` (FIPS 203 KeyGen_internal(d, z)). */
export function kemKeyPair(rng: RandomSource): KeyPair {
  const seed = draw(rng, KEM_SEED);
  const { publicKey, secretKey } = ml_kem768.keygen(seed);
  return { secret: secretKey, public: publicKey };
}

/** ML-KEM-768 encapsulation with 32 bytes of `rng`; null if noble rejects the public key. */
export function kemEncapsulate(
  pub: Uint8Array,
  rng: RandomSource,
): { cipherText: Uint8Array; sharedSecret: Uint8Array } | null {
  abytes(pub, KEM_PUBLIC, 'ml-kem public');
  const m = draw(rng, KEM_MSG);
  try {
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(pub, m);
    return { cipherText, sharedSecret };
  } catch {
    return null;
  }
}

/** ML-KEM-768 decapsulation (implicit rejection: a bad ciphertext yields an unrelated secret). */
export function kemDecapsulate(cipherText: Uint8Array, secret: Uint8Array): Uint8Array | null {
  abytes(cipherText, KEM_CIPHERTEXT, 'ml-kem ciphertext');
  abytes(secret, KEM_SECRET, 'ml-kem secret');
  try {
    return ml_kem768.decapsulate(cipherText, secret);
  } catch {
    return null;
  }
}

/** SHA-256. */
export function hash256(data: Uint8Array): Uint8Array {
  return sha256(data);
}
