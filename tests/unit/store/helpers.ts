// Shared fixtures for the store tests: a fresh fake IndexedDB per test, cheap KDF parameters,
// and one realistic record per store.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { canonicalJson } from '../../../lib/store/codec';
import type { KdfParams } from '../../../lib/store/kdf';
import { DATA_STORES, openDatabase } from '../../../lib/store/schema';
import { type OpenStoreOptions, openStore, type Store } from '../../../lib/store/store';
import type {
  CallLogRecord,
  ContactRecord,
  DataStoreName,
  DraftRecord,
  IdentityRecord,
  MessageRecord,
  PrekeyRecord,
  RecordTypes,
  SessionRecord,
  SettingRecord,
} from '../../../lib/store/types';

/** Argon2id at its minimum: the tests check logic, not cost. */
export const CHEAP_KDF: KdfParams = { alg: 'argon2id', m: 8, t: 1, p: 1 };

/** A fresh, empty IndexedDB. */
export function freshFactory(): IDBFactory {
  return new IDBFactory();
}

/** Open a store on `factory` with cheap KDF parameters. */
export function open(factory: IDBFactory, options: OpenStoreOptions = {}): Promise<Store> {
  return openStore({ indexedDB: factory, kdf: CHEAP_KDF, ...options });
}

/** The raw database, to look at and tamper with what is on disk. */
export function raw(factory: IDBFactory, name = 'sotto') {
  return openDatabase(factory, name);
}

export function bytes(length: number, fill: number): Uint8Array {
  return new Uint8Array(length).fill(fill);
}

export const identity: IdentityRecord = {
  kind: 'identity',
  createdAt: 1_700_000_000_000,
  signingPublicKey: bytes(32, 1),
  signingPrivateKey: bytes(32, 2),
  dhPublicKey: bytes(32, 3),
  dhPrivateKey: bytes(32, 4),
  dhSignature: bytes(64, 5),
};

export const prekey: PrekeyRecord = {
  kind: 'signedPrekey',
  id: 7,
  createdAt: 1_700_000_000_001,
  publicKey: bytes(32, 6),
  privateKey: bytes(32, 7),
  signature: bytes(64, 8),
};

export const kemPrekey: PrekeyRecord = {
  kind: 'kemPrekey',
  id: 7,
  createdAt: 1_700_000_000_002,
  publicKey: bytes(1184, 9),
  privateKey: bytes(2400, 10),
  signature: bytes(64, 11),
};

export function contact(handle: string, extra: Partial<ContactRecord> = {}): ContactRecord {
  return {
    handle,
    identityKey: bytes(32, handle.length),
    firstSeen: 1_700_000_000_100,
    keyHistory: [
      { identityKey: bytes(32, 99), firstSeen: 1_600_000_000_000, replacedAt: 1_700_000_000_100 },
    ],
    verification: { state: 'verified', at: 1_700_000_000_200 },
    ...extra,
  };
}

export function session(contactHandle: string, counter = 0): SessionRecord {
  return {
    contact: contactHandle,
    updatedAt: 1_700_000_000_300 + counter,
    state: {
      rootKey: bytes(32, 12),
      sending: { chainKey: bytes(32, 13), counter },
      receiving: [{ ratchetKey: bytes(32, 14), chainKey: bytes(32, 15), counter: 3 }],
      skipped: [],
      $weird: 'dollar keys survive',
    },
  };
}

export function message(
  id: string,
  conversationId: string,
  timestamp: number,
  extra: Partial<MessageRecord> = {},
): MessageRecord {
  return {
    id,
    conversationId,
    peer: 'alice',
    direction: 'in',
    timestamp,
    kind: 'text',
    text: `secret message ${id}`,
    delivery: 'received',
    ...extra,
  };
}

export const draft: DraftRecord = {
  conversationId: 'conv-1',
  text: 'half-written secret',
  updatedAt: 1_700_000_000_400,
};

export const setting: SettingRecord = {
  name: 'signalingUrl',
  value: { url: 'http://127.0.0.1:9000/peerjs', enabled: true },
};

export const call: CallLogRecord = {
  id: 'call-1',
  peer: 'alice',
  direction: 'out',
  media: 'video',
  startedAt: 1_700_000_000_500,
  endedAt: 1_700_000_060_500,
  outcome: 'answered',
};

/** One record per sealed store, with its natural key. */
export const ONE_OF_EACH: { [S in DataStoreName]: RecordTypes[S] } = {
  identity,
  contacts: contact('alice'),
  sessions: session('alice'),
  messages: message('env-hash-1', 'conv-1', 1_700_000_001_000),
  drafts: draft,
  settings: setting,
  callLog: call,
};

/** Fill a store with one of everything plus a few more. */
export async function populate(store: Store): Promise<void> {
  await store.transact(
    ['identity', 'contacts', 'sessions', 'messages', 'drafts', 'settings', 'callLog'],
    async (tx) => {
      await tx.put('identity', identity);
      await tx.put('identity', prekey);
      await tx.put('identity', kemPrekey);
      await tx.put('contacts', contact('alice'));
      await tx.put(
        'contacts',
        contact('robert', { verification: { state: 'unverified' }, keyHistory: [] }),
      );
      await tx.put('sessions', session('alice'));
      for (let i = 0; i < 5; i++) {
        await tx.put(
          'messages',
          message(`envelope-${i}`, i < 3 ? 'conv-1' : 'conv-2', 1_700_000_001_000 + i),
        );
      }
      await tx.put('drafts', draft);
      await tx.put('settings', setting);
      await tx.put('callLog', call);
    },
  );
}

/** Everything on disk, store by store, rows sorted by id (to compare before/after). */
export async function snapshot(factory: IDBFactory): Promise<Record<string, unknown[]>> {
  const db = await raw(factory);
  const out: Record<string, unknown[]> = {};
  for (const name of [...db.objectStoreNames].sort()) out[name] = await db.getAll(name);
  db.close();
  return out;
}

/** Every record of every sealed store, each list in a stable order (ids are blinded per key). */
export async function everything(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of DATA_STORES) {
    const all = await store.getAll(name);
    out[name] = all
      .map((r) => [canonicalJson(r), r] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([, r]) => r);
  }
  return out;
}
