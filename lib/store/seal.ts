/**
 * Sealing records at rest. One random 32-byte vault key; from it (HKDF-SHA-256) a seal key for
 * XChaCha20-Poly1305, an index key that blinds primary keys with HMAC-SHA-256, and a key id.
 *
 * A sealed row is `{id, v, ...clear}`: `id` = HMAC(indexKey, [store, naturalKey]) truncated to
 * 128 bits, `v` = 24-byte random nonce ‖ ciphertext ‖ tag of `{f: format, r: record}`, and for
 * messages the clear index fields `conv` (blinded conversation id) and `ts`. The associated data
 * is the canonical JSON of ["sotto/record/v1", store, id, clear fields], so a row moved to
 * another key or store, or with its clear fields edited, fails authentication. After opening,
 * the record's natural key and clear fields are recomputed and must match the row.
 */

import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { equalBytes, utf8ToBytes } from '@noble/ciphers/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToBase64Url, canonicalJson, decodeValue, encodeValue } from './codec';
import { StoreError } from './errors';
import {
  assertNaturalKey,
  naturalKeyOf,
  RECORD_FORMATS,
  type SealedRow,
  upgradeRecord,
} from './schema';
import type { DataStoreName, KeyTypes, NaturalKey, RecordTypes } from './types';

/** Length of the vault key in bytes. */
export const VAULT_KEY_LENGTH = 32;
/** Length of an XChaCha20-Poly1305 nonce. */
export const NONCE_LENGTH = 24;
/** Length of a Poly1305 tag. */
export const TAG_LENGTH = 16;
/** Length of the key id kept in clear to recognise the vault key. */
export const KEY_ID_LENGTH = 16;
const ID_LENGTH = 16;

/** Fills its argument with cryptographically secure random bytes and returns it. */
export type RandomSource = (bytes: Uint8Array) => Uint8Array;

/** The platform CSPRNG. */
export const defaultRandom: RandomSource = (bytes) => crypto.getRandomValues(bytes);

/** Fresh random bytes from `random`, checked for length. */
export function randomBytes(random: RandomSource, length: number): Uint8Array {
  const out = random(new Uint8Array(length));
  if (!(out instanceof Uint8Array) || out.length !== length) throw new StoreError('INTERNAL');
  return out;
}

/** Keys derived from the vault key; held in memory only while unlocked. */
export interface VaultKeys {
  vaultKey: Uint8Array;
  sealKey: Uint8Array;
  indexKey: Uint8Array;
  keyId: Uint8Array;
  /** HMAC-SHA-256 keyed with `indexKey`, cloned per use (saves hashing the key pads each time). */
  indexMac: ReturnType<typeof hmac.create>;
  /** Blinded conversation ids, memoised (a conversation's id is blinded on every message). */
  conversations: Map<string, string>;
}

const CONVERSATION_CACHE_LIMIT = 1024;

function derive(vaultKey: Uint8Array, purpose: string, length: number): Uint8Array {
  return hkdf(sha256, vaultKey, undefined, utf8ToBytes(`sotto/store/v1/${purpose}`), length);
}

/** The clear key id of a vault key (lets `openWithKey` recognise the right key). */
export function keyIdOf(vaultKey: Uint8Array): Uint8Array {
  return derive(vaultKey, 'key-id', KEY_ID_LENGTH);
}

/** Derive the working keys from a vault key (copied, so the caller may wipe its own). */
export function deriveVaultKeys(vaultKey: Uint8Array): VaultKeys {
  if (!(vaultKey instanceof Uint8Array) || vaultKey.length !== VAULT_KEY_LENGTH) {
    throw new StoreError('WRONG_KEY');
  }
  const indexKey = derive(vaultKey, 'index', 32);
  return {
    vaultKey: vaultKey.slice(),
    sealKey: derive(vaultKey, 'seal', 32),
    indexKey,
    keyId: keyIdOf(vaultKey),
    indexMac: hmac.create(sha256, indexKey),
    conversations: new Map(),
  };
}

/** Overwrite the key bytes (best effort: JS may have copied them elsewhere). */
export function wipeVaultKeys(keys: VaultKeys): void {
  keys.vaultKey.fill(0);
  keys.sealKey.fill(0);
  keys.indexKey.fill(0);
  keys.keyId.fill(0);
  keys.indexMac.destroy();
  keys.conversations.clear();
}

/** The blinded id of a natural key in a domain (a store name, or "conversation"). */
export function blindKey(keys: VaultKeys, domain: string, key: NaturalKey): string {
  const mac = keys.indexMac
    .clone()
    .update(utf8ToBytes(canonicalJson([domain, key])))
    .digest();
  return bytesToBase64Url(mac.subarray(0, ID_LENGTH));
}

/** The blinded id of a conversation (memoised per vault key). */
export function blindConversation(keys: VaultKeys, conversationId: string): string {
  let blinded = keys.conversations.get(conversationId);
  if (blinded === undefined) {
    blinded = blindKey(keys, 'conversation', conversationId);
    if (keys.conversations.size >= CONVERSATION_CACHE_LIMIT) keys.conversations.clear();
    keys.conversations.set(conversationId, blinded);
  }
  return blinded;
}

/** The blinded primary key of `key` in `store`. */
export function rowId<S extends DataStoreName>(
  keys: VaultKeys,
  store: S,
  key: KeyTypes[S],
): string {
  assertNaturalKey(store, key);
  return blindKey(keys, store, key);
}

type ClearFields = { conv: string; ts: number } | null;

function clearFieldsOf<S extends DataStoreName>(
  keys: VaultKeys,
  store: S,
  record: RecordTypes[S],
): ClearFields {
  if (store !== 'messages') return null;
  const message = record as RecordTypes['messages'];
  if (typeof message.conversationId !== 'string' || !Number.isFinite(message.timestamp)) {
    throw new StoreError('INTERNAL');
  }
  return { conv: blindConversation(keys, message.conversationId), ts: message.timestamp };
}

function associatedData(store: string, id: string, clear: ClearFields): Uint8Array {
  return utf8ToBytes(canonicalJson(['sotto/record/v1', store, id, clear]));
}

/**
 * Seal a record (synchronous, so it may run inside an IndexedDB transaction). `format` is for
 * tests that write older formats; callers leave it out.
 */
export function sealRecord<S extends DataStoreName>(
  keys: VaultKeys,
  random: RandomSource,
  store: S,
  record: RecordTypes[S],
  format: number = RECORD_FORMATS[store],
): SealedRow {
  const id = rowId(keys, store, naturalKeyOf(store, record));
  return sealAt(keys, random, store, id, record, format, clearFieldsOf(keys, store, record));
}

/** Seal `record` under an explicit id and clear fields (used by `sealRecord` and tests). */
export function sealAt(
  keys: VaultKeys,
  random: RandomSource,
  store: DataStoreName,
  id: string,
  record: unknown,
  format: number,
  clear: ClearFields,
): SealedRow {
  let plaintext: Uint8Array;
  try {
    plaintext = encodeValue({ f: format, r: record });
  } catch {
    throw new StoreError('INTERNAL');
  }
  const nonce = randomBytes(random, NONCE_LENGTH);
  const sealed = xchacha20poly1305(keys.sealKey, nonce, associatedData(store, id, clear)).encrypt(
    plaintext,
  );
  plaintext.fill(0);
  const v = new Uint8Array(NONCE_LENGTH + sealed.length);
  v.set(nonce);
  v.set(sealed, NONCE_LENGTH);
  return clear ? { id, v, conv: clear.conv, ts: clear.ts } : { id, v };
}

/** Open a row read from `store`: RECORD_CORRUPT unless it is authentic and in its place. */
export function openRecord<S extends DataStoreName>(
  keys: VaultKeys,
  store: S,
  row: unknown,
): RecordTypes[S] {
  const r = row as Partial<SealedRow> | null;
  if (
    r === null ||
    typeof r !== 'object' ||
    typeof r.id !== 'string' ||
    !(r.v instanceof Uint8Array) ||
    r.v.length < NONCE_LENGTH + TAG_LENGTH
  ) {
    throw new StoreError('RECORD_CORRUPT');
  }
  let clear: ClearFields = null;
  if (store === 'messages') {
    if (typeof r.conv !== 'string' || typeof r.ts !== 'number')
      throw new StoreError('RECORD_CORRUPT');
    clear = { conv: r.conv, ts: r.ts };
  } else if (r.conv !== undefined || r.ts !== undefined) {
    throw new StoreError('RECORD_CORRUPT');
  }
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(
      keys.sealKey,
      r.v.subarray(0, NONCE_LENGTH),
      associatedData(store, r.id, clear),
    ).decrypt(r.v.subarray(NONCE_LENGTH));
  } catch {
    throw new StoreError('RECORD_CORRUPT');
  }
  let decoded: unknown;
  try {
    decoded = decodeValue(plaintext);
  } catch {
    throw new StoreError('RECORD_CORRUPT');
  } finally {
    plaintext.fill(0);
  }
  const envelope = decoded as { f?: unknown; r?: unknown } | null;
  if (envelope === null || typeof envelope !== 'object' || typeof envelope.f !== 'number') {
    throw new StoreError('RECORD_CORRUPT');
  }
  const record = upgradeRecord(store, envelope.f, envelope.r);
  // Belt and braces: the record must belong exactly where it was found.
  let expected: string;
  let expectedClear: ClearFields;
  try {
    expected = rowId(keys, store, naturalKeyOf(store, record));
    expectedClear = clearFieldsOf(keys, store, record);
  } catch {
    throw new StoreError('RECORD_CORRUPT');
  }
  if (expected !== r.id || expectedClear?.conv !== clear?.conv || expectedClear?.ts !== clear?.ts) {
    throw new StoreError('RECORD_CORRUPT');
  }
  return record;
}

/** Constant-time comparison of two byte strings. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && equalBytes(a, b);
}
