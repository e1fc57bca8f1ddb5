/**
 * The sealed store: typed reads and writes over IndexedDB, atomic multi-store transactions, and
 * the lock. Everything but `meta` is sealed (see `seal.ts`); this module decides when keys exist.
 *
 * Transactions: IndexedDB commits a transaction as soon as control returns to the event loop
 * with no request pending. Sealing and opening are synchronous (noble), so every `tx` operation
 * is "synchronous work + one IDB request" and a transaction stays alive as long as the callback
 * awaits only `tx` operations. Awaiting anything else (a timer, fetch, the KDF) lets it commit
 * early; `transact` then fails with INTERNAL rather than pretend the rest was atomic.
 *
 * Every transaction also reads the `meta` vault row and checks that its key id is the one held
 * in memory: if another connection replaced the vault key (a passphrase was set or changed
 * there), this instance locks itself instead of writing records nobody can read.
 */

import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { canonicalJson } from './codec';
import { StoreError, toStoreError } from './errors';
import {
  deriveKek,
  type KdfParams,
  normaliseNewPassphrase,
  normalisePassphrase,
  PASSPHRASE_KDF,
  parseVaultKeyRow,
  plainVaultKeyRow,
  SALT_LENGTH,
  unwrapVaultKey,
  type VaultKeyRow,
  validKdfParams,
  type WrappedVaultKeyRow,
  wrapVaultKey,
} from './kdf';
import {
  DATA_STORES,
  DB_NAME,
  MESSAGES_BY_CONVERSATION_TIME,
  META_STORE,
  naturalKeyOf,
  openDatabase,
  type SealedRow,
} from './schema';
import {
  blindConversation,
  defaultRandom,
  deriveVaultKeys,
  keyIdOf,
  openRecord,
  type RandomSource,
  randomBytes,
  rowId,
  sameBytes,
  sealRecord,
  VAULT_KEY_LENGTH,
  type VaultKeys,
  wipeVaultKeys,
} from './seal';
import type { DataStoreName, KeyTypes, MessageRecord, RecordTypes } from './types';

/** How to open the store. Every dependency is injectable so it runs in workers, pages and node. */
export interface OpenStoreOptions {
  /** IndexedDB factory (default `globalThis.indexedDB`). idb also needs the IDB* globals. */
  indexedDB?: IDBFactory;
  /** Database name (default "sotto"). */
  name?: string;
  /** Random source (default `crypto.getRandomValues`). */
  random?: RandomSource;
  /** Argon2id parameters for passphrases set through this instance (default `PASSPHRASE_KDF`). */
  kdf?: KdfParams;
}

/** Whether record operations are possible. */
export type LockState = 'locked' | 'unlocked';

/** A page of one conversation, by timestamp. Bounds are exclusive. */
export interface ListMessagesOptions {
  after?: number;
  before?: number;
  limit?: number;
  /** 'asc' (oldest first, default) or 'desc' (newest first; with `limit`, the latest page). */
  order?: 'asc' | 'desc';
}

/** Operations inside one IndexedDB transaction over the stores `S`. Await only these. */
export interface StoreTx<S extends DataStoreName> {
  /** The record under `key`, or undefined. */
  get<K extends S>(store: K, key: KeyTypes[K]): Promise<RecordTypes[K] | undefined>;
  /** Insert or replace a record (its key comes from the record). */
  put<K extends S>(store: K, record: RecordTypes[K]): Promise<void>;
  /** Delete the record under `key` (no error if absent). */
  delete<K extends S>(store: K, key: KeyTypes[K]): Promise<void>;
  /** Every record of a store, in blinded-key (i.e. arbitrary) order. */
  getAll<K extends S>(store: K): Promise<RecordTypes[K][]>;
  /** Number of records in a store. */
  count(store: S): Promise<number>;
  /** A conversation's messages by timestamp (needs 'messages' in the scope). */
  listMessages(conversationId: string, options?: ListMessagesOptions): Promise<MessageRecord[]>;
}

/** Options for `transact`. */
export interface TransactOptions {
  /** A read-only transaction: cheaper, and any write in it fails. */
  readonly?: boolean;
}

type AnyTx = IDBPTransaction<unknown, string[], IDBTransactionMode>;

/** Open the store: create or migrate the database, create the vault key on first use. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (!factory) throw new StoreError('UNAVAILABLE');
  const random = options.random ?? defaultRandom;
  const kdf = options.kdf ?? PASSPHRASE_KDF;
  if (!validKdfParams(kdf)) throw new StoreError('INTERNAL');
  const holder: { store?: Store } = {};
  const db = await openDatabase(factory, options.name ?? DB_NAME, {
    onClose: () => holder.store?.markClosed(),
  });
  let row: VaultKeyRow;
  try {
    const tx = db.transaction(META_STORE, 'readwrite');
    const meta = tx.objectStore(META_STORE);
    const existing = await meta.get('vault');
    if (existing === undefined) {
      const vaultKey = randomBytes(random, VAULT_KEY_LENGTH);
      row = plainVaultKeyRow(vaultKey);
      vaultKey.fill(0);
      await meta.put(row);
    } else {
      row = parseVaultKeyRow(existing);
    }
    await tx.done;
  } catch (error) {
    db.close();
    throw toStoreError(error);
  }
  const store = new Store(db, random, kdf, row);
  holder.store = store;
  return store;
}

/** Delete the whole database ("reset Sotto"); open stores on it close themselves first. */
export async function deleteStore(
  options: Pick<OpenStoreOptions, 'indexedDB' | 'name'> = {},
): Promise<void> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (!factory) throw new StoreError('UNAVAILABLE');
  await new Promise<void>((resolve, reject) => {
    const request = factory.deleteDatabase(options.name ?? DB_NAME);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(toStoreError(request.error));
  });
}

/** The sealed store over one IndexedDB connection. Get one from `openStore`. */
export class Store {
  readonly #db: IDBPDatabase<unknown>;
  readonly #random: RandomSource;
  readonly #kdf: KdfParams;
  #keys: VaultKeys | null = null;
  #protection: VaultKeyRow['protection'];
  #closed = false;
  /** Bumped by `lock()`: an operation that started before a lock never unlocks afterwards. */
  #lockEpoch = 0;
  /** Serialises passphrase operations of this instance. */
  #queue: Promise<unknown> = Promise.resolve();

  /** Use `openStore`. */
  constructor(db: IDBPDatabase<unknown>, random: RandomSource, kdf: KdfParams, row: VaultKeyRow) {
    this.#db = db;
    this.#random = random;
    this.#kdf = { ...kdf };
    this.#protection = row.protection;
    if (row.protection === 'none') this.#keys = deriveVaultKeys(row.key);
  }

  /** 'unlocked' when records can be read and written. */
  get lockState(): LockState {
    return this.#keys ? 'unlocked' : 'locked';
  }

  /** Whether the vault key is wrapped under a passphrase (as of this instance's last look). */
  get hasPassphrase(): boolean {
    return this.#protection === 'passphrase';
  }

  /** Whether the connection was closed (by `close()` or an upgrade elsewhere). */
  get closed(): boolean {
    return this.#closed;
  }

  /** @internal Called when the connection goes away underneath us. */
  markClosed(): void {
    this.#closed = true;
  }

  /** Close the connection and forget the keys. */
  close(): void {
    this.#dropKeys();
    this.#closed = true;
    this.#db.close();
  }

  // ── records ────────────────────────────────────────────────────────────────────────────

  /** The record of `store` under `key`, or undefined. */
  get<S extends DataStoreName>(store: S, key: KeyTypes[S]): Promise<RecordTypes[S] | undefined> {
    return this.transact([store], (tx) => tx.get(store, key), { readonly: true });
  }

  /** Insert or replace one record. */
  put<S extends DataStoreName>(store: S, record: RecordTypes[S]): Promise<void> {
    return this.transact([store], (tx) => tx.put(store, record));
  }

  /** Delete the record of `store` under `key`. */
  delete<S extends DataStoreName>(store: S, key: KeyTypes[S]): Promise<void> {
    return this.transact([store], (tx) => tx.delete(store, key));
  }

  /** Every record of `store`. */
  getAll<S extends DataStoreName>(store: S): Promise<RecordTypes[S][]> {
    return this.transact([store], (tx) => tx.getAll(store), { readonly: true });
  }

  /** Number of records in `store`. */
  count(store: DataStoreName): Promise<number> {
    return this.transact([store], (tx) => tx.count(store), { readonly: true });
  }

  /** A conversation's messages ordered by timestamp. */
  listMessages(conversationId: string, options?: ListMessagesOptions): Promise<MessageRecord[]> {
    return this.transact(['messages'], (tx) => tx.listMessages(conversationId, options), {
      readonly: true,
    });
  }

  /**
   * Read-modify-write one record atomically: `fn` gets the current record (or undefined) and
   * returns the new one, or undefined to delete it. Concurrent updates are serialised by
   * IndexedDB, so none is lost. `fn` must be synchronous.
   */
  update<S extends DataStoreName>(
    store: S,
    key: KeyTypes[S],
    fn: (current: RecordTypes[S] | undefined) => RecordTypes[S] | undefined,
  ): Promise<RecordTypes[S] | undefined> {
    return this.transact([store], async (tx) => {
      const current = await tx.get(store, key);
      const next = fn(current);
      if (next === undefined) {
        if (current !== undefined) await tx.delete(store, key);
        return undefined;
      }
      if (canonicalJson(naturalKeyOf(store, next)) !== canonicalJson(key)) {
        throw new StoreError('INTERNAL');
      }
      await tx.put(store, next);
      return next;
    });
  }

  /**
   * Run `fn` in one IndexedDB transaction over `stores`: either every write in it commits or
   * none does (a throw, a lock, a corrupt record or a quota error aborts it). `fn` may await
   * only `tx` operations (see the module comment).
   */
  async transact<S extends DataStoreName, T>(
    stores: readonly S[],
    fn: (tx: StoreTx<S>) => Promise<T> | T,
    options: TransactOptions = {},
  ): Promise<T> {
    this.#requireKeys();
    for (const name of stores) {
      if (!(DATA_STORES as readonly string[]).includes(name)) throw new StoreError('INTERNAL');
    }
    const scope = [...new Set<string>([META_STORE, ...stores])];
    let tx: AnyTx;
    try {
      tx = this.#db.transaction(scope, options.readonly ? 'readonly' : 'readwrite') as AnyTx;
    } catch (error) {
      throw toStoreError(error);
    }
    let finished = false;
    let running = true;
    let committedEarly = false;
    const done = tx.done.then(
      () => {
        finished = true;
        committedEarly = running;
      },
      (error: unknown) => {
        finished = true;
        throw error;
      },
    );
    done.catch(() => {});
    try {
      // Cheap check (no full parse): is the vault key on disk still the one we hold?
      const vaultRow = (await tx.objectStore(META_STORE).get('vault')) as
        | Partial<VaultKeyRow>
        | undefined;
      // Compared with the key held now, not when the call began: this instance may itself have
      // changed the passphrase (and so the key) while this transaction waited for its turn.
      const heldKeys = this.#requireKeys();
      if (!(vaultRow?.keyId instanceof Uint8Array) || !sameBytes(vaultRow.keyId, heldKeys.keyId)) {
        // The vault key was replaced through another connection: ours is stale.
        if (vaultRow?.protection === 'passphrase') this.#protection = 'passphrase';
        this.#dropKeys();
        throw new StoreError('LOCKED');
      }
      const result = await fn(this.#txApi(tx, stores));
      running = false;
      if (committedEarly) throw new StoreError('INTERNAL');
      await done;
      return result;
    } catch (error) {
      running = false;
      // The callback awaited something other than a tx operation and IndexedDB committed.
      if (committedEarly) throw new StoreError('INTERNAL');
      if (!finished) {
        try {
          tx.abort();
        } catch {
          // already finishing
        }
      }
      await done.catch(() => {});
      const cause = (error as { name?: unknown } | null)?.name === 'AbortError' ? tx.error : error;
      throw toStoreError(cause ?? error);
    }
  }

  #txApi<S extends DataStoreName>(tx: AnyTx, scope: readonly S[]): StoreTx<S> {
    const inScope = (store: DataStoreName) => {
      if (!(scope as readonly DataStoreName[]).includes(store)) throw new StoreError('INTERNAL');
    };
    const open = <K extends DataStoreName>(store: K, row: unknown) =>
      openRecord(this.#requireKeys(), store, row);
    return {
      get: async (store, key) => {
        inScope(store);
        const row = await tx.objectStore(store).get(rowId(this.#requireKeys(), store, key));
        return row === undefined ? undefined : open(store, row);
      },
      put: async (store, record) => {
        inScope(store);
        const row = sealRecord(this.#requireKeys(), this.#random, store, record);
        await tx.objectStore(store).put!(row);
      },
      delete: async (store, key) => {
        inScope(store);
        await tx.objectStore(store).delete!(rowId(this.#requireKeys(), store, key));
      },
      getAll: async (store) => {
        inScope(store);
        this.#requireKeys();
        const rows = await tx.objectStore(store).getAll();
        return rows.map((row) => open(store, row));
      },
      count: async (store) => {
        inScope(store);
        this.#requireKeys();
        return tx.objectStore(store).count();
      },
      listMessages: async (conversationId, options = {}) => {
        inScope('messages' as S);
        const keys = this.#requireKeys();
        if (typeof conversationId !== 'string') throw new StoreError('INTERNAL');
        const conv = blindConversation(keys, conversationId);
        const range = IDBKeyRange.bound(
          [conv, options.after ?? Number.NEGATIVE_INFINITY],
          [conv, options.before ?? Number.POSITIVE_INFINITY],
          options.after !== undefined,
          options.before !== undefined,
        );
        const index = tx.objectStore('messages').index(MESSAGES_BY_CONVERSATION_TIME);
        const limit = options.limit;
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
          throw new StoreError('INTERNAL');
        }
        if (limit === 0) return [];
        const out: MessageRecord[] = [];
        if (options.order === 'desc') {
          let cursor = await index.openCursor(range, 'prev');
          while (cursor && (limit === undefined || out.length < limit)) {
            out.push(open('messages', cursor.value));
            cursor = await cursor.continue();
          }
          return out;
        }
        const rows = await index.getAll(range, limit);
        return rows.map((row) => open('messages', row));
      },
    };
  }

  // ── lock ─────────────────────────────────────────────────────────────────────────────

  /** Forget the keys. Every record operation then fails with LOCKED until `unlock`. */
  lock(): void {
    if (this.#protection !== 'passphrase') throw new StoreError('NO_PASSPHRASE');
    this.#dropKeys();
  }

  /** Unlock with the passphrase. Wrong → WRONG_PASSPHRASE and nothing changes. */
  unlock(passphrase: string): Promise<void> {
    const epoch = this.#lockEpoch;
    return this.#serialised(async () => {
      const row = await this.#readVaultRow();
      if (row.protection !== 'passphrase') throw new StoreError('NO_PASSPHRASE');
      const vaultKey = await this.#unwrap(row, passphrase);
      if (epoch === this.#lockEpoch) this.#setKeys(deriveVaultKeys(vaultKey));
      vaultKey.fill(0);
    });
  }

  /** A copy of the unlocked vault key, for the caller to cache (e.g. `storage.session`). */
  exportUnlockedKey(): Uint8Array {
    return this.#requireKeys().vaultKey.slice();
  }

  /** Unlock with a key from `exportUnlockedKey`; WRONG_KEY if it is not this vault's key. */
  async openWithKey(key: Uint8Array): Promise<void> {
    const epoch = this.#lockEpoch;
    if (!(key instanceof Uint8Array) || key.length !== VAULT_KEY_LENGTH) {
      throw new StoreError('WRONG_KEY');
    }
    const row = await this.#readVaultRow();
    if (!sameBytes(keyIdOf(key), row.keyId)) throw new StoreError('WRONG_KEY');
    if (epoch === this.#lockEpoch) this.#setKeys(deriveVaultKeys(key));
  }

  /**
   * Protect the vault with a passphrase. Also replaces the vault key and reseals every record
   * under the new one in one transaction: the old key was on disk in clear and may survive in
   * the browser's database files, so records written from now on must not depend on it.
   */
  setPassphrase(passphrase: string): Promise<void> {
    const epoch = this.#lockEpoch;
    return this.#serialised(async () => {
      const oldKeys = this.#requireKeys();
      const normalised = normaliseNewPassphrase(passphrase);
      const row = await this.#readVaultRow();
      if (row.protection === 'passphrase') throw new StoreError('PASSPHRASE_SET');
      await this.#rotateUnder(oldKeys, normalised, epoch);
    });
  }

  /**
   * Change the passphrase (the current one is checked first). The vault key is replaced and every
   * record resealed, so an old copy of the wrapped key plus the old passphrase opens nothing new.
   */
  changePassphrase(current: string, next: string): Promise<void> {
    const epoch = this.#lockEpoch;
    return this.#serialised(async () => {
      const oldKeys = this.#requireKeys();
      const normalised = normaliseNewPassphrase(next);
      const row = await this.#readVaultRow();
      if (row.protection !== 'passphrase') throw new StoreError('NO_PASSPHRASE');
      const checked = await this.#unwrap(row, current);
      const same = sameBytes(keyIdOf(checked), row.keyId);
      checked.fill(0);
      this.#assertEpoch(epoch);
      if (!same || !sameBytes(row.keyId, oldKeys.keyId)) throw new StoreError('CONFLICT');
      await this.#rotateUnder(oldKeys, normalised, epoch);
    });
  }

  /**
   * Remove the passphrase (checked first): the vault key is stored as-is again, which protects
   * nothing against someone with the profile on disk.
   */
  removePassphrase(current: string): Promise<void> {
    const epoch = this.#lockEpoch;
    return this.#serialised(async () => {
      const keys = this.#requireKeys();
      const row = await this.#readVaultRow();
      if (row.protection !== 'passphrase') throw new StoreError('NO_PASSPHRASE');
      const vaultKey = await this.#unwrap(row, current);
      try {
        this.#assertEpoch(epoch);
        if (!sameBytes(row.keyId, keys.keyId)) throw new StoreError('CONFLICT');
        await this.#replaceVaultRow(row, plainVaultKeyRow(vaultKey));
      } finally {
        vaultKey.fill(0);
      }
      this.#protection = 'none';
    });
  }

  /**
   * Erase everything ("reset Sotto"): every record and the passphrase go, in one transaction,
   * under a fresh vault key stored as-is. Works while locked — it is the way out of a
   * forgotten passphrase — and leaves the store unlocked and empty, ready for a restore.
   */
  reset(): Promise<void> {
    return this.#serialised(async () => {
      if (this.#closed) throw new StoreError('UNAVAILABLE');
      const vaultKey = randomBytes(this.#random, VAULT_KEY_LENGTH);
      const row = plainVaultKeyRow(vaultKey);
      const keys = deriveVaultKeys(vaultKey);
      vaultKey.fill(0);
      const tx = this.#db.transaction([META_STORE, ...DATA_STORES], 'readwrite');
      try {
        await Promise.all([
          ...DATA_STORES.map((name) => tx.objectStore(name).clear!()),
          tx.objectStore(META_STORE).put!(row),
        ]);
        await tx.done;
      } catch (error) {
        wipeVaultKeys(keys);
        try {
          tx.abort();
        } catch {
          // already finished
        }
        await tx.done.catch(() => {});
        throw toStoreError(error);
      }
      this.#protection = 'none';
      this.#setKeys(keys);
    });
  }

  // ── internals ────────────────────────────────────────────────────────────────────────

  #requireKeys(): VaultKeys {
    if (this.#closed) throw new StoreError('UNAVAILABLE');
    if (!this.#keys) throw new StoreError('LOCKED');
    return this.#keys;
  }

  /** LOCKED if `lock()` ran since `epoch` (an operation must not continue with wiped keys). */
  #assertEpoch(epoch: number): void {
    if (epoch !== this.#lockEpoch) throw new StoreError('LOCKED');
  }

  #setKeys(keys: VaultKeys): void {
    if (this.#keys) wipeVaultKeys(this.#keys);
    this.#keys = keys;
  }

  #dropKeys(): void {
    this.#lockEpoch++;
    if (this.#keys) wipeVaultKeys(this.#keys);
    this.#keys = null;
  }

  #serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #readVaultRow(): Promise<VaultKeyRow> {
    if (this.#closed) throw new StoreError('UNAVAILABLE');
    let raw: unknown;
    try {
      raw = await this.#db.get(META_STORE, 'vault');
    } catch (error) {
      throw toStoreError(error);
    }
    const row = parseVaultKeyRow(raw);
    this.#protection = row.protection;
    return row;
  }

  async #unwrap(row: WrappedVaultKeyRow, passphrase: string): Promise<Uint8Array> {
    normalisePassphrase(passphrase);
    const kek = await deriveKek(passphrase, row.salt, row.kdf);
    try {
      return unwrapVaultKey(kek, row);
    } finally {
      kek.fill(0);
    }
  }

  /** Compare-and-set the `meta` vault row. */
  async #replaceVaultRow(expected: VaultKeyRow, next: VaultKeyRow): Promise<void> {
    const tx = this.#db.transaction(META_STORE, 'readwrite');
    try {
      const current = parseVaultKeyRow(await tx.store.get('vault'));
      if (!sameVaultRow(current, expected)) throw new StoreError('CONFLICT');
      await tx.store.put!(next);
      await tx.done;
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      await tx.done.catch(() => {});
      throw toStoreError(error);
    }
  }

  /** New vault key wrapped under `passphrase`; every record resealed; one transaction. */
  async #rotateUnder(oldKeys: VaultKeys, passphrase: string, epoch: number): Promise<void> {
    const newVaultKey = randomBytes(this.#random, VAULT_KEY_LENGTH);
    const salt = randomBytes(this.#random, SALT_LENGTH);
    const kek = await deriveKek(passphrase, salt, this.#kdf);
    this.#assertEpoch(epoch);
    const newRow = wrapVaultKey(kek, newVaultKey, this.#kdf, salt, this.#random);
    kek.fill(0);
    const newKeys = deriveVaultKeys(newVaultKey);
    newVaultKey.fill(0);
    const tx = this.#db.transaction([META_STORE, ...DATA_STORES], 'readwrite');
    try {
      const current = parseVaultKeyRow(await tx.objectStore(META_STORE).get('vault'));
      this.#assertEpoch(epoch);
      if (!sameBytes(current.keyId, oldKeys.keyId)) throw new StoreError('CONFLICT');
      const writes: Promise<unknown>[] = [];
      for (const name of DATA_STORES) {
        const os = tx.objectStore(name);
        const rows: SealedRow[] = await os.getAll();
        this.#assertEpoch(epoch);
        const resealed = rows.map((row) =>
          sealRecord(newKeys, this.#random, name, openRecord(oldKeys, name, row)),
        );
        await os.clear!();
        for (const row of resealed) writes.push(os.put!(row));
      }
      writes.push(tx.objectStore(META_STORE).put!(newRow));
      await Promise.all(writes);
      await tx.done;
    } catch (error) {
      wipeVaultKeys(newKeys);
      try {
        tx.abort();
      } catch {
        // already finished
      }
      await tx.done.catch(() => {});
      throw toStoreError(error);
    }
    this.#protection = 'passphrase';
    // A lock() after the last write request was queued: the new wrapping is on disk, and the
    // store stays locked (the passphrase just set opens it).
    if (epoch === this.#lockEpoch && this.#keys === oldKeys) this.#setKeys(newKeys);
    else wipeVaultKeys(newKeys);
  }
}

function sameVaultRow(a: VaultKeyRow, b: VaultKeyRow): boolean {
  if (a.protection !== b.protection || !sameBytes(a.keyId, b.keyId)) return false;
  if (a.protection === 'passphrase' && b.protection === 'passphrase') {
    return sameBytes(a.wrapped, b.wrapped) && sameBytes(a.salt, b.salt);
  }
  return true;
}
