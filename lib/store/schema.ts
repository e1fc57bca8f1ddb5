/**
 * The IndexedDB schema: store names, structural migrations per version, each sealed store's
 * natural key and clear index fields, and the record format versions with their upgraders.
 *
 * Two kinds of change, two mechanisms:
 * - Structure (stores, indexes, clear fields) changes in `MIGRATIONS`, run by IndexedDB's
 *   `upgradeneeded` before anything else can touch the database. It cannot read sealed values
 *   (the vault may be locked), so it never rewrites them.
 * - Sealed values carry their record format number inside the ciphertext (`{f, r}`). A record
 *   of an older format is upgraded by `RECORD_UPGRADES` when it is read and rewritten in the
 *   current format the next time it is written.
 *
 * Versions:
 * - v1: meta, identity, contacts, sessions, messages (indexes `byConversation` on `conv`,
 *   `byTime` on `ts`), settings. Contacts format 1 (`verified: boolean`), messages format 1
 *   (`status: 'sent' | 'received'`).
 * - v2: adds drafts and callLog; messages get one compound index `byConversationTime` on
 *   [`conv`, `ts`] instead of the two single ones (a page of a conversation is one range read).
 *   Contacts format 2 (key history, verification state), messages format 2 (delivery state, kind).
 */

import { type IDBPDatabase, type IDBPTransaction, wrap } from 'idb';
import { StoreError, toStoreError } from './errors';
import type {
  ContactRecord,
  ContactRecordV1,
  DataStoreName,
  KeyTypes,
  MessageRecord,
  MessageRecordV1,
  NaturalKey,
  RecordTypes,
} from './types';

/** Default IndexedDB database name. */
export const DB_NAME = 'sotto';

/** Current schema (IndexedDB) version. */
export const DB_VERSION = 2;

/** The unsealed store holding the vault key record and schema info. */
export const META_STORE = 'meta';

/** Every sealed store, in backup and wipe order. */
export const DATA_STORES = [
  'identity',
  'contacts',
  'sessions',
  'messages',
  'drafts',
  'settings',
  'callLog',
] as const satisfies readonly DataStoreName[];

/** Name of the messages index over [blinded conversation id, timestamp]. */
export const MESSAGES_BY_CONVERSATION_TIME = 'byConversationTime';

/** What a row of a sealed store looks like on disk. */
export interface SealedRow {
  /** Blinded primary key: HMAC of the natural key under the vault's index key. */
  id: string;
  /** 24-byte nonce followed by the XChaCha20-Poly1305 ciphertext and tag. */
  v: Uint8Array;
  /** messages only: blinded conversation id (clear, for the index). */
  conv?: string;
  /** messages only: message timestamp (clear, for ordering). */
  ts?: number;
}

/** The `meta` row describing the schema (clear; written by migrations). */
export interface SchemaInfoRow {
  id: 'schema';
  version: number;
  /** The version the database was first created at. */
  createdVersion: number;
}

type UpgradeTx = IDBPTransaction<unknown, string[], 'versionchange'>;
type Migration = (db: IDBPDatabase<unknown>, tx: UpgradeTx) => void;

/** `MIGRATIONS[v - 1]` takes the database from version v - 1 to v. */
export const MIGRATIONS: readonly Migration[] = [
  // v1
  (db) => {
    db.createObjectStore(META_STORE, { keyPath: 'id' });
    for (const name of ['identity', 'contacts', 'sessions', 'settings']) {
      db.createObjectStore(name, { keyPath: 'id' });
    }
    const messages = db.createObjectStore('messages', { keyPath: 'id' });
    messages.createIndex('byConversation', 'conv');
    messages.createIndex('byTime', 'ts');
  },
  // v2
  (db, tx) => {
    db.createObjectStore('drafts', { keyPath: 'id' });
    db.createObjectStore('callLog', { keyPath: 'id' });
    const messages = tx.objectStore('messages');
    messages.deleteIndex('byConversation');
    messages.deleteIndex('byTime');
    messages.createIndex(MESSAGES_BY_CONVERSATION_TIME, ['conv', 'ts']);
  },
];

/** Run the migrations from `oldVersion` to `newVersion` inside an upgrade transaction. */
export function migrate(
  db: IDBPDatabase<unknown>,
  tx: UpgradeTx,
  oldVersion: number,
  newVersion: number,
): void {
  for (let v = oldVersion + 1; v <= newVersion; v++) {
    const step = MIGRATIONS[v - 1];
    if (!step) throw new Error(`no migration to version ${v}`);
    step(db, tx);
  }
  const info: SchemaInfoRow = {
    id: 'schema',
    version: newVersion,
    createdVersion: oldVersion === 0 ? newVersion : oldVersion,
  };
  if (oldVersion === 0) {
    void tx.objectStore(META_STORE).put(info);
  } else {
    const meta = tx.objectStore(META_STORE);
    void meta
      .get('schema')
      .then((previous: SchemaInfoRow | undefined) =>
        meta.put({ ...info, createdVersion: previous?.createdVersion ?? oldVersion }),
      );
  }
}

/** Options for `openDatabase`. */
export interface OpenDatabaseOptions {
  /** Open at this version instead of the current one (tests build earlier versions). */
  version?: number;
  /** Called when another connection wants to upgrade; this one is already closed by then. */
  onClose?: () => void;
}

/**
 * Open (creating or migrating) the database through `factory`. The connection closes itself
 * when another one needs a version change, so upgrades are never blocked by us.
 */
export async function openDatabase(
  factory: IDBFactory,
  name: string = DB_NAME,
  options: OpenDatabaseOptions = {},
): Promise<IDBPDatabase<unknown>> {
  const version = options.version ?? DB_VERSION;
  let request: IDBOpenDBRequest;
  try {
    request = factory.open(name, version);
  } catch (error) {
    throw toStoreError(error);
  }
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result);
    const tx = wrap(request.transaction!) as unknown as UpgradeTx;
    try {
      migrate(db, tx, event.oldVersion, event.newVersion ?? version);
    } catch {
      request.transaction?.abort();
    }
  });
  let db: IDBPDatabase<unknown>;
  try {
    db = (await wrap(request)) as IDBPDatabase<unknown>;
  } catch (error) {
    throw toStoreError(error);
  }
  db.addEventListener('versionchange', () => {
    db.close();
    options.onClose?.();
  });
  db.addEventListener('close', () => options.onClose?.());
  return db;
}

/** Current record format of each sealed store (the `f` inside every sealed value). */
export const RECORD_FORMATS: { readonly [S in DataStoreName]: number } = {
  identity: 1,
  contacts: 2,
  sessions: 1,
  messages: 2,
  drafts: 1,
  settings: 1,
  callLog: 1,
};

type Upgrader = (record: unknown) => unknown;

/** `RECORD_UPGRADES[store][f]` turns format f into format f + 1. */
export const RECORD_UPGRADES: {
  readonly [S in DataStoreName]?: Readonly<Record<number, Upgrader>>;
} = {
  contacts: {
    1: (record): ContactRecord => {
      const old = record as ContactRecordV1;
      return {
        handle: old.handle,
        identityKey: old.identityKey,
        firstSeen: old.firstSeen,
        keyHistory: [],
        // v1 did not record when; the first sighting is the best lower bound we have.
        verification: old.verified
          ? { state: 'verified', at: old.firstSeen }
          : { state: 'unverified' },
      };
    },
  },
  messages: {
    1: (record): MessageRecord => {
      const old = record as MessageRecordV1;
      return {
        id: old.id,
        conversationId: old.conversationId,
        peer: old.peer,
        direction: old.direction,
        timestamp: old.timestamp,
        kind: 'text',
        text: old.text,
        delivery: old.status,
      };
    },
  },
};

/** Bring a decoded record of format `format` up to the current format of `store`. */
export function upgradeRecord<S extends DataStoreName>(
  store: S,
  format: number,
  record: unknown,
): RecordTypes[S] {
  const current = RECORD_FORMATS[store];
  if (!Number.isInteger(format) || format < 1) throw new StoreError('RECORD_CORRUPT');
  if (format > current) throw new StoreError('VERSION_TOO_NEW');
  let value = record;
  for (let f = format; f < current; f++) {
    const step = RECORD_UPGRADES[store]?.[f];
    if (!step) throw new StoreError('RECORD_CORRUPT');
    value = step(value);
  }
  return value as RecordTypes[S];
}

/** The natural key of a record of `store`; throws INTERNAL if the record has none. */
export function naturalKeyOf<S extends DataStoreName>(
  store: S,
  record: RecordTypes[S],
): KeyTypes[S] {
  const r = record as unknown as Record<string, unknown> | null;
  let key: unknown;
  if (r !== null && typeof r === 'object') {
    switch (store) {
      case 'identity':
        key = r.kind === 'identity' ? 'identity' : [r.kind, r.id];
        break;
      case 'contacts':
        key = r.handle;
        break;
      case 'sessions':
        key = r.contact;
        break;
      case 'messages':
      case 'callLog':
        key = r.id;
        break;
      case 'drafts':
        key = r.conversationId;
        break;
      case 'settings':
        key = r.name;
        break;
    }
  }
  assertNaturalKey(store, key);
  return key as KeyTypes[S];
}

/** Throws INTERNAL unless `key` is a valid natural key for `store`. */
export function assertNaturalKey(store: DataStoreName, key: unknown): asserts key is NaturalKey {
  if (store === 'identity') {
    const ok =
      key === 'identity' ||
      (Array.isArray(key) &&
        key.length === 2 &&
        (key[0] === 'signedPrekey' || key[0] === 'kemPrekey') &&
        Number.isInteger(key[1]));
    if (!ok) throw new StoreError('INTERNAL');
    return;
  }
  if (typeof key !== 'string' || key.length === 0) throw new StoreError('INTERNAL');
}
