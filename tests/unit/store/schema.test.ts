import type { IDBPDatabase } from 'idb';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../lib/store/errors';
import { deriveKek, plainVaultKeyRow, wrapVaultKey } from '../../../lib/store/kdf';
import {
  DATA_STORES,
  DB_VERSION,
  MESSAGES_BY_CONVERSATION_TIME,
  MIGRATIONS,
  openDatabase,
  RECORD_FORMATS,
} from '../../../lib/store/schema';
import {
  blindKey,
  defaultRandom,
  deriveVaultKeys,
  rowId,
  sealAt,
  type VaultKeys,
} from '../../../lib/store/seal';
import type { ContactRecordV1, MessageRecordV1 } from '../../../lib/store/types';
import { bytes, CHEAP_KDF, freshFactory, open, raw } from './helpers';

const ALL_STORES = ['meta', ...DATA_STORES].sort();

function indexes(db: IDBPDatabase<unknown>, store: string) {
  const os = db.transaction(store).objectStore(store);
  return [...os.indexNames].map((name) => ({ name, keyPath: os.index(name).keyPath }));
}

const v1Contact: ContactRecordV1 = {
  handle: 'alice',
  identityKey: bytes(32, 1),
  firstSeen: 1_600_000_000_000,
  verified: true,
};
const v1Unverified: ContactRecordV1 = { ...v1Contact, handle: 'bob', verified: false };
const v1Messages: MessageRecordV1[] = [
  {
    id: 'h1',
    conversationId: 'c1',
    peer: 'alice',
    direction: 'in',
    timestamp: 30,
    text: 'third',
    status: 'received',
  },
  {
    id: 'h2',
    conversationId: 'c1',
    peer: 'alice',
    direction: 'out',
    timestamp: 10,
    text: 'first',
    status: 'sent',
  },
  {
    id: 'h3',
    conversationId: 'c2',
    peer: 'bob',
    direction: 'in',
    timestamp: 20,
    text: 'other',
    status: 'received',
  },
];

/** Writes realistic data in the layout version v used, returns nothing; one per earlier version. */
const FIXTURES: Record<number, (db: IDBPDatabase<unknown>, keys: VaultKeys) => Promise<void>> = {
  1: async (db, keys) => {
    const tx = db.transaction(['contacts', 'messages', 'settings'], 'readwrite');
    for (const c of [v1Contact, v1Unverified]) {
      await tx.objectStore('contacts').put!(
        sealAt(keys, defaultRandom, 'contacts', rowId(keys, 'contacts', c.handle), c, 1, null),
      );
    }
    for (const m of v1Messages) {
      const clear = { conv: blindKey(keys, 'conversation', m.conversationId), ts: m.timestamp };
      await tx.objectStore('messages').put!(
        sealAt(keys, defaultRandom, 'messages', rowId(keys, 'messages', m.id), m, 1, clear),
      );
    }
    await tx.objectStore('settings').put!(
      sealAt(
        keys,
        defaultRandom,
        'settings',
        rowId(keys, 'settings', 'theme'),
        { name: 'theme', value: 'dark' },
        1,
        null,
      ),
    );
    await tx.done;
  },
};

async function buildAt(version: number, protect: boolean) {
  const factory = freshFactory();
  const db = await openDatabase(factory, 'sotto', { version });
  const vaultKey = bytes(32, 42);
  const row = protect
    ? wrapVaultKey(
        await deriveKek('old passphrase', bytes(16, 3), CHEAP_KDF),
        vaultKey,
        CHEAP_KDF,
        bytes(16, 3),
        defaultRandom,
      )
    : plainVaultKeyRow(vaultKey);
  await db.put('meta', row);
  await FIXTURES[version]!(db, deriveVaultKeys(vaultKey));
  db.close();
  return factory;
}

describe('schema', () => {
  it('has a migration for every version and a fixture for every earlier one', () => {
    expect(MIGRATIONS).toHaveLength(DB_VERSION);
    expect(Object.keys(FIXTURES).map(Number)).toEqual(
      Array.from({ length: DB_VERSION - 1 }, (_, i) => i + 1),
    );
  });

  it('creates the current schema from nothing', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    store.close();
    const db = await raw(factory);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(ALL_STORES);
    expect(indexes(db, 'messages')).toEqual([
      { name: MESSAGES_BY_CONVERSATION_TIME, keyPath: ['conv', 'ts'] },
    ]);
    for (const name of ALL_STORES) {
      expect(db.transaction(name).objectStore(name).keyPath).toBe('id');
    }
    expect(await db.get('meta', 'schema')).toEqual({
      id: 'schema',
      version: DB_VERSION,
      createdVersion: DB_VERSION,
    });
    const vault = await db.get('meta', 'vault');
    expect(vault.protection).toBe('none');
    db.close();
  });

  it('v1 had the shape the fixtures assume', async () => {
    const factory = freshFactory();
    const db = await openDatabase(factory, 'sotto', { version: 1 });
    expect([...db.objectStoreNames].sort()).toEqual([
      'contacts',
      'identity',
      'messages',
      'meta',
      'sessions',
      'settings',
    ]);
    expect(indexes(db, 'messages').sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'byConversation', keyPath: 'conv' },
      { name: 'byTime', keyPath: 'ts' },
    ]);
    db.close();
  });

  for (let from = 1; from < DB_VERSION; from++) {
    for (const protect of [false, true]) {
      it(`migrates from v${from} (${protect ? 'passphrase' : 'no passphrase'}) and upgrades records on read`, async () => {
        const factory = await buildAt(from, protect);
        const store = await open(factory);
        expect(store.lockState).toBe(protect ? 'locked' : 'unlocked');
        if (protect) {
          await expect(store.getAll('contacts')).rejects.toMatchObject({ code: 'LOCKED' });
          await store.unlock('old passphrase');
        }

        expect(await store.get('contacts', 'alice')).toEqual({
          handle: 'alice',
          identityKey: bytes(32, 1),
          firstSeen: 1_600_000_000_000,
          keyHistory: [],
          verification: { state: 'verified', at: 1_600_000_000_000 },
        });
        expect((await store.get('contacts', 'bob'))?.verification).toEqual({ state: 'unverified' });
        const c1 = await store.listMessages('c1');
        expect(c1.map((m) => [m.text, m.delivery, m.kind])).toEqual([
          ['first', 'sent', 'text'],
          ['third', 'received', 'text'],
        ]);
        expect((await store.listMessages('c2')).map((m) => m.id)).toEqual(['h3']);
        expect(await store.get('settings', 'theme')).toEqual({ name: 'theme', value: 'dark' });
        // New stores work.
        await store.put('drafts', { conversationId: 'c1', text: 'x', updatedAt: 1 });
        expect(await store.count('drafts')).toBe(1);
        // Rewriting an upgraded record stores it in the current format and it reads back the same.
        const alice = (await store.get('contacts', 'alice'))!;
        await store.put('contacts', alice);
        expect(await store.get('contacts', 'alice')).toEqual(alice);
        store.close();

        const db = await raw(factory);
        expect([...db.objectStoreNames].sort()).toEqual(ALL_STORES);
        expect(indexes(db, 'messages')).toEqual([
          { name: MESSAGES_BY_CONVERSATION_TIME, keyPath: ['conv', 'ts'] },
        ]);
        expect(await db.get('meta', 'schema')).toEqual({
          id: 'schema',
          version: DB_VERSION,
          createdVersion: from,
        });
        db.close();
      });
    }
  }

  it('refuses a database written by a newer version', async () => {
    const factory = freshFactory();
    await new Promise<void>((resolve, reject) => {
      const req = factory.open('sotto', DB_VERSION + 1);
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
    await expect(open(factory)).rejects.toMatchObject({ code: 'VERSION_TOO_NEW' });
  });

  it('refuses a record of a newer or nonsense format', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    const keys = deriveVaultKeys(store.exportUnlockedKey());
    const db = await raw(factory);
    const id = rowId(keys, 'settings', 'x');
    await db.put(
      'settings',
      sealAt(
        keys,
        defaultRandom,
        'settings',
        id,
        { name: 'x', value: 1 },
        RECORD_FORMATS.settings + 1,
        null,
      ),
    );
    await expect(store.get('settings', 'x')).rejects.toMatchObject({ code: 'VERSION_TOO_NEW' });
    await db.put(
      'settings',
      sealAt(keys, defaultRandom, 'settings', id, { name: 'x', value: 1 }, 0, null),
    );
    await expect(store.get('settings', 'x')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    db.close();
    store.close();
  });

  it('steps aside when another connection upgrades, then reports UNAVAILABLE', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    await store.put('settings', { name: 'a', value: 1 });
    await new Promise<void>((resolve, reject) => {
      const req = factory.open('sotto', DB_VERSION + 1);
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('blocked by our own connection'));
    });
    expect(store.closed).toBe(true);
    const error = await store.get('settings', 'a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('UNAVAILABLE');
  });
});
