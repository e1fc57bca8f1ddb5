/**
 * Encrypted backups under a recovery key (see `recovery-key.ts`).
 *
 * File layout (all of it authenticated):
 *
 *   offset  size  field
 *        0     8  magic "SOTTOBAK"
 *        8     1  format version (1)
 *        9    16  salt (random per file)
 *       25    16  key check = HKDF-SHA-256(secret, salt, "sotto/backup/v1/check")
 *       41    24  nonce
 *       65     …  XChaCha20-Poly1305(HKDF(secret, salt, "sotto/backup/v1/key"), nonce,
 *                 AD = bytes 0..64) of the canonical payload, tag last
 *
 * The recovery key is high-entropy (128 bits), so a plain HKDF suffices: no passphrase KDF.
 * The key check lets a wrong key be told apart from a damaged file. The payload lists records
 * in their natural (unsealed) form with their record format numbers; import reseals them under
 * the target vault's key in one transaction, so a failure anywhere imports nothing.
 */

import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { utf8ToBytes } from '@noble/ciphers/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeValue, encodeValue } from './codec';
import { StoreError } from './errors';
import { formatRecoveryKey, generateRecoverySecret, parseRecoveryKey } from './recovery-key';
import { DATA_STORES, naturalKeyOf, RECORD_FORMATS, upgradeRecord } from './schema';
import {
  defaultRandom,
  NONCE_LENGTH,
  type RandomSource,
  randomBytes,
  sameBytes,
  TAG_LENGTH,
} from './seal';
import type { Store } from './store';
import type { DataStoreName, RecordTypes } from './types';

/** The file format version this build writes and reads. */
export const BACKUP_VERSION = 1;
/** The first bytes of every backup file. */
export const BACKUP_MAGIC = utf8ToBytes('SOTTOBAK');
const SALT_LENGTH = 16;
const CHECK_LENGTH = 16;
/** Bytes before the ciphertext. */
export const BACKUP_HEADER_LENGTH =
  BACKUP_MAGIC.length + 1 + SALT_LENGTH + CHECK_LENGTH + NONCE_LENGTH;

/** Stores always in a backup: who we are, whom we know and trust, and our settings. */
export const BACKUP_CORE_STORES = ['identity', 'contacts', 'settings'] as const;
/** Stores added by `history: true`. */
export const BACKUP_HISTORY_STORES = ['messages', 'drafts', 'callLog'] as const;
/** Stores that must be empty for an import (settings may exist; the backup's replace them). */
export const IMPORT_MUST_BE_EMPTY = DATA_STORES.filter((s) => s !== 'settings');

/** Where a long export or import is. `done`/`total` count records (or steps for crypto phases). */
export interface BackupProgress {
  phase: 'read' | 'encrypt' | 'decrypt' | 'verify' | 'write';
  done: number;
  total: number;
}

/** What to put in a backup. */
export interface ExportBackupOptions {
  /** Messages, drafts and the call log (default false). */
  history?: boolean;
  /**
   * Ratchet sessions (default false). Only safe if the old installation is never used again:
   * two installations continuing one session would reuse message keys. Without them, restored
   * contacts stay pinned and verified, and new sessions start by invite.
   */
  sessions?: boolean;
  onProgress?: (progress: BackupProgress) => void;
  /** Random source (default `crypto.getRandomValues`). */
  random?: RandomSource;
  /** Clock (default `Date.now`). */
  now?: () => number;
}

/** A finished backup: the file and its recovery key, to be shown to the user once. */
export interface Backup {
  file: Uint8Array;
  recoveryKey: string;
  /** Records per store in the file. */
  counts: Partial<Record<DataStoreName, number>>;
}

/** Options for `importBackup`. */
export interface ImportBackupOptions {
  onProgress?: (progress: BackupProgress) => void;
  /**
   * Clear every data store in the write transaction instead of requiring them empty. For a
   * caller that has decided what is there is disposable (`lib/vault`: an identity that was never
   * shown to anyone). Every check still runs first; a failure leaves the store as it was.
   */
  replace?: boolean;
}

/** What an import restored. */
export interface ImportResult {
  counts: Partial<Record<DataStoreName, number>>;
  createdAt: number;
  includes: { history: boolean; sessions: boolean };
}

interface BackupPayload {
  format: 'sotto-backup';
  version: typeof BACKUP_VERSION;
  createdAt: number;
  includes: { history: boolean; sessions: boolean };
  /** Record format of each included store, as in `RECORD_FORMATS` when written. */
  formats: Partial<Record<DataStoreName, number>>;
  records: Partial<Record<DataStoreName, unknown[]>>;
}

function fileKeys(secret: Uint8Array, salt: Uint8Array): { key: Uint8Array; check: Uint8Array } {
  return {
    key: hkdf(sha256, secret, salt, utf8ToBytes('sotto/backup/v1/key'), 32),
    check: hkdf(sha256, secret, salt, utf8ToBytes('sotto/backup/v1/check'), CHECK_LENGTH),
  };
}

function report(
  onProgress: ((progress: BackupProgress) => void) | undefined,
  progress: BackupProgress,
): void {
  try {
    onProgress?.(progress);
  } catch {
    // A progress display must not break a backup.
  }
}

/** Export an encrypted backup of `store` (must be unlocked) under a new recovery key. */
export async function exportBackup(
  store: Store,
  options: ExportBackupOptions = {},
): Promise<Backup> {
  const random = options.random ?? defaultRandom;
  const includes = { history: options.history === true, sessions: options.sessions === true };
  const stores: DataStoreName[] = [
    ...BACKUP_CORE_STORES,
    ...(includes.sessions ? (['sessions'] as const) : []),
    ...(includes.history ? BACKUP_HISTORY_STORES : []),
  ];
  const records: Partial<Record<DataStoreName, unknown[]>> = {};
  const formats: Partial<Record<DataStoreName, number>> = {};
  const counts: Partial<Record<DataStoreName, number>> = {};
  // One read-only transaction: a consistent snapshot.
  await store.transact(
    stores,
    async (tx) => {
      const total = await Promise.all(stores.map((s) => tx.count(s)));
      const sum = total.reduce((a, b) => a + b, 0);
      let done = 0;
      for (const name of stores) {
        const all = await tx.getAll(name);
        records[name] = all;
        formats[name] = RECORD_FORMATS[name];
        counts[name] = all.length;
        done += all.length;
        report(options.onProgress, { phase: 'read', done, total: sum });
      }
    },
    { readonly: true },
  );
  const payload: BackupPayload = {
    format: 'sotto-backup',
    version: BACKUP_VERSION,
    createdAt: (options.now ?? Date.now)(),
    includes,
    formats,
    records,
  };
  report(options.onProgress, { phase: 'encrypt', done: 0, total: 1 });
  const plaintext = encodeValue(payload);
  const secret = generateRecoverySecret(random);
  const salt = randomBytes(random, SALT_LENGTH);
  const nonce = randomBytes(random, NONCE_LENGTH);
  const { key, check } = fileKeys(secret, salt);
  const header = new Uint8Array(BACKUP_HEADER_LENGTH);
  let at = 0;
  for (const part of [BACKUP_MAGIC, Uint8Array.of(BACKUP_VERSION), salt, check, nonce]) {
    header.set(part, at);
    at += part.length;
  }
  const sealed = xchacha20poly1305(key, nonce, header).encrypt(plaintext);
  plaintext.fill(0);
  key.fill(0);
  const file = new Uint8Array(header.length + sealed.length);
  file.set(header);
  file.set(sealed, header.length);
  const recoveryKey = formatRecoveryKey(secret);
  secret.fill(0);
  report(options.onProgress, { phase: 'encrypt', done: 1, total: 1 });
  return { file, recoveryKey, counts };
}

/**
 * Restore a backup into `store`, which must be unlocked and empty (no identity, contacts,
 * sessions or history) unless `replace` is set (then it is cleared in the same transaction).
 * Every check runs before the single write transaction; any failure (typed: BACKUP_KEY_TYPO,
 * BACKUP_KEY_INVALID, BACKUP_CORRUPT, BACKUP_VERSION, NOT_EMPTY, LOCKED, QUOTA) leaves the
 * store exactly as it was.
 */
export async function importBackup(
  store: Store,
  file: Uint8Array,
  recoveryKey: string,
  options: ImportBackupOptions = {},
): Promise<ImportResult> {
  if (store.lockState === 'locked') throw new StoreError('LOCKED');
  const secret = parseRecoveryKey(recoveryKey);
  if (!(file instanceof Uint8Array)) throw new StoreError('BACKUP_CORRUPT');
  if (file.length < BACKUP_MAGIC.length + 1 || !sameBytes(file.subarray(0, 8), BACKUP_MAGIC)) {
    throw new StoreError('BACKUP_CORRUPT');
  }
  if (file[BACKUP_MAGIC.length] !== BACKUP_VERSION) throw new StoreError('BACKUP_VERSION');
  if (file.length < BACKUP_HEADER_LENGTH + TAG_LENGTH) throw new StoreError('BACKUP_CORRUPT');
  const header = file.subarray(0, BACKUP_HEADER_LENGTH);
  const saltAt = BACKUP_MAGIC.length + 1;
  const checkAt = saltAt + SALT_LENGTH;
  const nonceAt = checkAt + CHECK_LENGTH;
  const salt = header.subarray(saltAt, checkAt);
  const check = header.subarray(checkAt, nonceAt);
  const nonce = header.subarray(nonceAt, nonceAt + NONCE_LENGTH);
  const keys = fileKeys(secret, salt);
  secret.fill(0);
  if (!sameBytes(keys.check, check)) throw new StoreError('BACKUP_KEY_INVALID');
  report(options.onProgress, { phase: 'decrypt', done: 0, total: 1 });
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(keys.key, nonce, header).decrypt(
      file.subarray(BACKUP_HEADER_LENGTH),
    );
  } catch {
    throw new StoreError('BACKUP_CORRUPT');
  } finally {
    keys.key.fill(0);
  }
  let decoded: unknown;
  try {
    decoded = decodeValue(plaintext);
  } catch {
    throw new StoreError('BACKUP_CORRUPT');
  } finally {
    plaintext.fill(0);
  }
  report(options.onProgress, { phase: 'decrypt', done: 1, total: 1 });
  const payload = checkPayload(decoded, options.onProgress);

  const entries = Object.entries(payload.records) as [
    DataStoreName,
    RecordTypes[DataStoreName][],
  ][];
  const total = entries.reduce((sum, [, list]) => sum + list.length, 0);
  const counts: Partial<Record<DataStoreName, number>> = {};
  await store.transact(DATA_STORES, async (tx) => {
    if (options.replace === true) {
      for (const name of DATA_STORES) {
        for (const record of await tx.getAll(name)) {
          await tx.delete(name, naturalKeyOf(name, record));
        }
      }
    } else {
      for (const name of IMPORT_MUST_BE_EMPTY) {
        if ((await tx.count(name)) > 0) throw new StoreError('NOT_EMPTY');
      }
    }
    let done = 0;
    const writes: Promise<void>[] = [];
    for (const [name, list] of entries) {
      counts[name] = list.length;
      for (const record of list) {
        writes.push(
          tx.put(name, record).then(() => {
            done++;
            if (done % 100 === 0 || done === total) {
              report(options.onProgress, { phase: 'write', done, total });
            }
          }),
        );
      }
    }
    await Promise.all(writes);
  });
  return { counts, createdAt: payload.createdAt, includes: payload.includes };
}

/** Validate and upgrade a decrypted payload; BACKUP_CORRUPT / BACKUP_VERSION otherwise. */
function checkPayload(
  decoded: unknown,
  onProgress: ((progress: BackupProgress) => void) | undefined,
): BackupPayload {
  const p = decoded as Partial<BackupPayload> | null;
  if (p === null || typeof p !== 'object' || p.format !== 'sotto-backup') {
    throw new StoreError('BACKUP_CORRUPT');
  }
  if (p.version !== BACKUP_VERSION) throw new StoreError('BACKUP_VERSION');
  if (
    typeof p.createdAt !== 'number' ||
    typeof p.includes !== 'object' ||
    p.includes === null ||
    typeof p.includes.history !== 'boolean' ||
    typeof p.includes.sessions !== 'boolean' ||
    typeof p.records !== 'object' ||
    p.records === null ||
    typeof p.formats !== 'object' ||
    p.formats === null
  ) {
    throw new StoreError('BACKUP_CORRUPT');
  }
  const records: Partial<Record<DataStoreName, unknown[]>> = {};
  const names = Object.keys(p.records);
  let total = 0;
  for (const name of names) {
    const list = (p.records as Record<string, unknown>)[name];
    if (!(DATA_STORES as readonly string[]).includes(name) || !Array.isArray(list)) {
      throw new StoreError('BACKUP_CORRUPT');
    }
    total += list.length;
  }
  let done = 0;
  for (const name of names as DataStoreName[]) {
    const format = p.formats[name];
    if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) {
      throw new StoreError('BACKUP_CORRUPT');
    }
    if (format > RECORD_FORMATS[name]) throw new StoreError('BACKUP_VERSION');
    const seen = new Set<string>();
    records[name] = (p.records[name] as unknown[]).map((raw) => {
      let record: RecordTypes[typeof name];
      let key: string;
      try {
        record = upgradeRecord(name, format, raw);
        key = JSON.stringify(naturalKeyOf(name, record));
        if (name === 'messages') {
          const m = record as RecordTypes['messages'];
          if (typeof m.conversationId !== 'string' || !Number.isFinite(m.timestamp)) {
            throw new StoreError('BACKUP_CORRUPT');
          }
        }
      } catch {
        throw new StoreError('BACKUP_CORRUPT');
      }
      if (seen.has(key)) throw new StoreError('BACKUP_CORRUPT');
      seen.add(key);
      done++;
      if (done % 500 === 0 || done === total) report(onProgress, { phase: 'verify', done, total });
      return record;
    });
  }
  return { ...(p as BackupPayload), records };
}
