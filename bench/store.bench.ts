/**
 * lib/store benchmark: sealed records vs plain `idb` on the same records in the same run.
 *
 * Runs in node on fake-indexeddb (an in-memory IndexedDB written in JS), so absolute figures
 * are not browser figures. A fake-indexeddb request is far cheaper than a browser's on-disk
 * one, so the sealed/plain ratios overstate what sealing adds in a browser. The "seal+open
 * only" line isolates the crypto cost per record, independent of the IndexedDB implementation.
 *
 *   npx tsx bench/store.bench.ts
 */

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { type IDBPDatabase, wrap } from 'idb';
import { PASSPHRASE_KDF } from '../lib/store/kdf';
import { defaultRandom, deriveVaultKeys, openRecord, sealRecord } from '../lib/store/seal';
import { openStore, type Store } from '../lib/store/store';
import type { MessageRecord, SessionRecord } from '../lib/store/types';

/** One benchmark line: median time, and sealed/plain ratio where there is a plain baseline. */
export interface BenchResult {
  name: string;
  medianMs: number;
  ratio: number | null;
}

const TEXT = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ';

function messages(count: number, conversationId = 'conv-bench'): MessageRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `envelope-hash-${i.toString(16).padStart(8, '0')}`,
    conversationId,
    peer: 'alice',
    direction: i % 2 ? 'out' : 'in',
    timestamp: 1_700_000_000_000 + i * 1000,
    kind: 'text',
    text: TEXT.repeat(1 + (i % 4)),
    delivery: i % 2 ? 'sent' : 'received',
    deliveredAt: 1_700_000_000_500 + i * 1000,
  }));
}

function session(): SessionRecord {
  const key = (n: number) => new Uint8Array(32).fill(n);
  return {
    contact: 'alice',
    updatedAt: 1,
    state: {
      rootKey: key(1),
      sending: { chainKey: key(2), ratchetKey: key(3), counter: 12 },
      receiving: { chainKey: key(4), ratchetKey: key(5), counter: 9 },
      skipped: Array.from({ length: 20 }, (_, i) => ({ header: key(i), messageKey: key(i + 1) })),
    },
  };
}

async function openPlain(factory: IDBFactory): Promise<IDBPDatabase<unknown>> {
  const request = factory.open('plain', 1);
  request.onupgradeneeded = () => {
    const db = request.result;
    db.createObjectStore('sessions', { keyPath: 'contact' });
    const m = db.createObjectStore('messages', { keyPath: 'id' });
    m.createIndex('byConversationTime', ['conversationId', 'timestamp']);
  };
  return (await wrap(request)) as IDBPDatabase<unknown>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    xs.push(performance.now() - start);
  }
  return median(xs);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Run every benchmark and return one line per measurement. */
export async function runStoreBench(
  options: { runs?: number; kdfRuns?: number } = {},
): Promise<BenchResult[]> {
  const runs = options.runs ?? 9;
  const factory = new IDBFactory();
  const store: Store = await openStore({ indexedDB: factory });
  const plain = await openPlain(factory);
  const out: BenchResult[] = [];
  const pair = (name: string, sealed: number, base: number) => {
    out.push({ name: `${name} (plain idb)`, medianMs: round(base), ratio: null });
    out.push({ name: `${name} (sealed)`, medianMs: round(sealed), ratio: round(sealed / base) });
  };

  // Single-record write and read, one transaction each (what an RPC does).
  const one = messages(1)[0]!;
  const sess = session();
  pair(
    'write 1 message',
    await time(runs * 20, () => store.put('messages', one)),
    await time(runs * 20, () => plain.put('messages', one)),
  );
  pair(
    'read 1 message',
    await time(runs * 20, () => store.get('messages', one.id)),
    await time(runs * 20, () => plain.get('messages', one.id)),
  );
  pair(
    'write session + message atomically',
    await time(runs * 20, () =>
      store.transact(['sessions', 'messages'], async (tx) => {
        await tx.put('sessions', sess);
        await tx.put('messages', one);
      }),
    ),
    await time(runs * 20, async () => {
      const tx = plain.transaction(['sessions', 'messages'], 'readwrite');
      await tx.objectStore('sessions').put(sess);
      await tx.objectStore('messages').put(one);
      await tx.done;
    }),
  );

  // History: ingest 500 messages in one transaction, then read the conversation back.
  const history = messages(500);
  pair(
    'ingest 500-message history',
    await time(runs, () =>
      store.transact(['messages'], async (tx) => {
        await Promise.all(history.map((m) => tx.put('messages', m)));
      }),
    ),
    await time(runs, async () => {
      const tx = plain.transaction('messages', 'readwrite');
      await Promise.all(history.map((m) => tx.store.put(m)));
      await tx.done;
    }),
  );
  pair(
    'read 500-message conversation',
    await time(runs, () => store.listMessages('conv-bench')),
    await time(runs, () =>
      plain.getAllFromIndex(
        'messages',
        'byConversationTime',
        IDBKeyRange.bound(['conv-bench', -Infinity], ['conv-bench', Infinity]),
      ),
    ),
  );
  pair(
    'read latest 50 of 500',
    await time(runs * 4, () => store.listMessages('conv-bench', { order: 'desc', limit: 50 })),
    await time(runs * 4, async () => {
      const tx = plain.transaction('messages');
      let cursor = await tx.store
        .index('byConversationTime')
        .openCursor(IDBKeyRange.bound(['conv-bench', -Infinity], ['conv-bench', Infinity]), 'prev');
      const got: unknown[] = [];
      while (cursor && got.length < 50) {
        got.push(cursor.value);
        cursor = await cursor.continue();
      }
    }),
  );

  // Crypto alone, per record, no IndexedDB.
  const keys = deriveVaultKeys(store.exportUnlockedKey());
  out.push({
    name: 'seal+open only, 500 messages (no IDB)',
    medianMs: round(
      await time(runs, () => {
        for (const m of history)
          openRecord(keys, 'messages', sealRecord(keys, defaultRandom, 'messages', m));
      }),
    ),
    ratio: null,
  });

  // The passphrase KDF at production parameters (what unlock costs in node).
  const kdfRuns = options.kdfRuns ?? 3;
  const { deriveKek } = await import('../lib/store/kdf');
  const salt = new Uint8Array(16);
  const kdfTimes: number[] = [];
  for (let i = 0; i < kdfRuns; i++) {
    const start = performance.now();
    await deriveKek('correct horse battery staple', salt, PASSPHRASE_KDF);
    kdfTimes.push(performance.now() - start);
  }
  out.push({
    name: `unlock KDF argon2id m=${PASSPHRASE_KDF.m / 1024}MiB t=${PASSPHRASE_KDF.t} p=${PASSPHRASE_KDF.p}`,
    medianMs: round(median(kdfTimes)),
    ratio: null,
  });

  store.close();
  plain.close();
  return out;
}

if (process.argv[1]?.endsWith('store.bench.ts')) {
  const results = await runStoreBench();
  console.log('lib/store benchmark (node, fake-indexeddb; ratio = sealed / plain idb)');
  for (const r of results) {
    console.log(
      `${r.name.padEnd(48)} ${r.medianMs.toFixed(3).padStart(10)} ms${r.ratio === null ? '' : `   ×${r.ratio.toFixed(2)}`}`,
    );
  }
}
