/**
 * The vault key record in `meta` and the passphrase lock. Without a passphrase the vault key is
 * stored as-is (this protects nothing against someone who copies the profile: it is the honest
 * default, not a lock). With one, Argon2id (RFC 9106) derives a key-encryption key from the
 * passphrase and a random salt, and XChaCha20-Poly1305 wraps the vault key under it. The
 * parameters are stored beside the wrapped key, so they can be raised later without breaking
 * existing vaults; see docs/STORAGE.md for the measurements behind `PASSPHRASE_KDF`.
 */

import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { utf8ToBytes } from '@noble/ciphers/utils.js';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { canonicalJson } from './codec';
import { StoreError } from './errors';
import { longEnoughPassphrase } from './passphrase-policy';
import {
  KEY_ID_LENGTH,
  keyIdOf,
  NONCE_LENGTH,
  type RandomSource,
  randomBytes,
  sameBytes,
  TAG_LENGTH,
  VAULT_KEY_LENGTH,
} from './seal';

/** Argon2id parameters: memory `m` in KiB, `t` passes, `p` lanes. */
export interface KdfParams {
  alg: 'argon2id';
  m: number;
  t: number;
  p: number;
}

/**
 * Production parameters: 64 MiB, 2 passes, 1 lane (≈0.6 s in node and Chromium, ≈1 s in Firefox
 * on the 2-core reference machine; figures in docs/STORAGE.md).
 */
export const PASSPHRASE_KDF: Readonly<KdfParams> = Object.freeze({
  alg: 'argon2id',
  m: 64 * 1024,
  t: 2,
  p: 1,
});

/** Bounds accepted when reading parameters back from disk (a tampered record cannot hang us). */
export const KDF_LIMITS = { minM: 8, maxM: 1024 * 1024, maxT: 16, maxP: 4 } as const;

/** Length of the Argon2id salt. */
export const SALT_LENGTH = 16;

/** `meta` row with the vault key stored as-is (no passphrase). */
export interface PlainVaultKeyRow {
  id: 'vault';
  format: 1;
  protection: 'none';
  key: Uint8Array;
  keyId: Uint8Array;
}

/** `meta` row with the vault key wrapped under a passphrase. */
export interface WrappedVaultKeyRow {
  id: 'vault';
  format: 1;
  protection: 'passphrase';
  kdf: KdfParams;
  salt: Uint8Array;
  /** 24-byte nonce ‖ ciphertext ‖ tag of the vault key. */
  wrapped: Uint8Array;
  keyId: Uint8Array;
}

/** The `meta` row that holds the vault key. */
export type VaultKeyRow = PlainVaultKeyRow | WrappedVaultKeyRow;

/** Whether `params` are acceptable Argon2id parameters. */
export function validKdfParams(params: unknown): params is KdfParams {
  const p = params as Partial<KdfParams> | null;
  return (
    p !== null &&
    typeof p === 'object' &&
    p.alg === 'argon2id' &&
    Number.isInteger(p.t) &&
    Number.isInteger(p.m) &&
    Number.isInteger(p.p) &&
    p.t! >= 1 &&
    p.t! <= KDF_LIMITS.maxT &&
    p.p! >= 1 &&
    p.p! <= KDF_LIMITS.maxP &&
    p.m! >= Math.max(KDF_LIMITS.minM, 8 * p.p!) &&
    p.m! <= KDF_LIMITS.maxM
  );
}

/** Check a `meta` vault row read from disk; RECORD_CORRUPT if it is not one we wrote. */
export function parseVaultKeyRow(row: unknown): VaultKeyRow {
  const r = row as
    | {
        [K in keyof PlainVaultKeyRow | keyof WrappedVaultKeyRow]?: unknown;
      }
    | null;
  const ok =
    r !== null &&
    typeof r === 'object' &&
    r.id === 'vault' &&
    r.format === 1 &&
    r.keyId instanceof Uint8Array &&
    r.keyId.length === KEY_ID_LENGTH &&
    ((r.protection === 'none' &&
      r.key instanceof Uint8Array &&
      r.key.length === VAULT_KEY_LENGTH) ||
      (r.protection === 'passphrase' &&
        validKdfParams(r.kdf) &&
        r.salt instanceof Uint8Array &&
        r.salt.length === SALT_LENGTH &&
        r.wrapped instanceof Uint8Array &&
        r.wrapped.length === NONCE_LENGTH + VAULT_KEY_LENGTH + TAG_LENGTH));
  if (!ok) throw new StoreError('RECORD_CORRUPT');
  const parsed = r as unknown as VaultKeyRow;
  if (parsed.protection === 'none' && !sameBytes(keyIdOf(parsed.key), parsed.keyId)) {
    throw new StoreError('RECORD_CORRUPT');
  }
  return parsed;
}

/** NFKC-normalise a passphrase; PASSPHRASE_INVALID if nothing is left. */
export function normalisePassphrase(passphrase: string): string {
  if (typeof passphrase !== 'string') throw new StoreError('PASSPHRASE_INVALID');
  const normalised = passphrase.normalize('NFKC');
  if (normalised.length === 0) throw new StoreError('PASSPHRASE_INVALID');
  return normalised;
}

/**
 * `normalisePassphrase` for a passphrase being set or changed (never on unlock): also
 * PASSPHRASE_TOO_SHORT under `MIN_PASSPHRASE_LENGTH` (why that number: passphrase-policy.ts).
 */
export function normaliseNewPassphrase(passphrase: string): string {
  const normalised = normalisePassphrase(passphrase);
  if (!longEnoughPassphrase(normalised)) throw new StoreError('PASSPHRASE_TOO_SHORT');
  return normalised;
}

/** Argon2id(passphrase, salt) → 32-byte key-encryption key; yields to the event loop while it runs. */
export async function deriveKek(
  passphrase: string,
  salt: Uint8Array,
  params: KdfParams,
): Promise<Uint8Array> {
  if (!validKdfParams(params)) throw new StoreError('INTERNAL');
  return argon2idAsync(utf8ToBytes(normalisePassphrase(passphrase)), salt, {
    m: params.m,
    t: params.t,
    p: params.p,
    dkLen: 32,
    asyncTick: 10,
  });
}

function wrapAd(kdf: KdfParams, salt: Uint8Array, keyId: Uint8Array): Uint8Array {
  return utf8ToBytes(canonicalJson(['sotto/vault-key/v1', kdf, salt, keyId]));
}

/** Build the wrapped row for `vaultKey` under `kek`. */
export function wrapVaultKey(
  kek: Uint8Array,
  vaultKey: Uint8Array,
  kdf: KdfParams,
  salt: Uint8Array,
  random: RandomSource,
): WrappedVaultKeyRow {
  const keyId = keyIdOf(vaultKey);
  const kdfCopy: KdfParams = { alg: kdf.alg, m: kdf.m, t: kdf.t, p: kdf.p };
  const nonce = randomBytes(random, NONCE_LENGTH);
  const sealed = xchacha20poly1305(kek, nonce, wrapAd(kdfCopy, salt, keyId)).encrypt(vaultKey);
  const wrapped = new Uint8Array(NONCE_LENGTH + sealed.length);
  wrapped.set(nonce);
  wrapped.set(sealed, NONCE_LENGTH);
  return { id: 'vault', format: 1, protection: 'passphrase', kdf: kdfCopy, salt, wrapped, keyId };
}

/** Unwrap the vault key with `kek`; WRONG_PASSPHRASE if it does not open. */
export function unwrapVaultKey(kek: Uint8Array, row: WrappedVaultKeyRow): Uint8Array {
  let vaultKey: Uint8Array;
  try {
    vaultKey = xchacha20poly1305(
      kek,
      row.wrapped.subarray(0, NONCE_LENGTH),
      wrapAd(row.kdf, row.salt, row.keyId),
    ).decrypt(row.wrapped.subarray(NONCE_LENGTH));
  } catch {
    throw new StoreError('WRONG_PASSPHRASE');
  }
  if (!sameBytes(keyIdOf(vaultKey), row.keyId)) throw new StoreError('RECORD_CORRUPT');
  return vaultKey;
}

/** The row for a vault key stored without a passphrase. */
export function plainVaultKeyRow(vaultKey: Uint8Array): PlainVaultKeyRow {
  return {
    id: 'vault',
    format: 1,
    protection: 'none',
    key: vaultKey.slice(),
    keyId: keyIdOf(vaultKey),
  };
}
