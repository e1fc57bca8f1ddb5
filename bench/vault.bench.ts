/**
 * Vault benchmark (node, fake-indexeddb): ingesting a 500-message history whose plaintext the
 * vault already holds — what happens on every reload and whenever X re-creates rows — against
 * reading the same 500 sealed message records straight from the store, in the same run.
 * fake-indexeddb is cheaper per request than a browser's IndexedDB; ratios are what count.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openStore } from '../lib/store';
import { openVault, type Vault } from '../lib/vault';
import type { BenchRow } from './run';

const CHEAP_KDF = { alg: 'argon2id', m: 8, t: 1, p: 1 } as const;
const CONV = '1001-1002';
const HISTORY = 500;

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function deliver(
  to: Vault,
  partner: string,
  direction: 'in' | 'out',
  parts: string[],
  row: () => string,
) {
  let last = null;
  for (const text of parts)
    last = await to.ingest({ conversationId: CONV, partner, rowId: row(), direction, text });
  return last;
}

export async function runVaultBench(options: { runs?: number } = {}): Promise<BenchRow[]> {
  const runs = options.runs ?? 5;
  let rows = 0;
  const row = () => `row-${++rows}`;
  const aliceDb = new IDBFactory();
  const alice = await openVault({ indexedDB: aliceDb, kdf: CHEAP_KDF });
  const bob = await openVault({ indexedDB: new IDBFactory(), kdf: CHEAP_KDF });

  const invite = await alice.createInvite(CONV, 'bob');
  const seen = await deliver(bob, 'alice', 'in', invite.parts, row);
  if (seen?.kind !== 'message') throw new Error('invite not seen');
  const accept = await bob.acceptInvite(seen.messageId);
  await deliver(alice, 'bob', 'in', accept.parts, row);

  const envelopes: string[] = [];
  for (let i = 0; i < HISTORY; i++) {
    const { parts } = await bob.encrypt(CONV, 'alice', `message ${i} `.repeat(8));
    envelopes.push(...parts);
  }
  // First sight: each envelope decrypted once, its plaintext stored.
  for (const text of envelopes) await deliver(alice, 'bob', 'in', [text], row);

  const cachedIngest: number[] = [];
  const storeRead: number[] = [];
  const store = await openStore({ indexedDB: aliceDb, kdf: CHEAP_KDF });
  for (let r = 0; r < runs + 1; r++) {
    let start = performance.now();
    for (const text of envelopes)
      await alice.ingest({
        conversationId: CONV,
        partner: 'bob',
        rowId: row(),
        direction: 'in',
        text,
      });
    const ingestMs = performance.now() - start;
    start = performance.now();
    await store.listMessages(CONV, { limit: HISTORY + 10 });
    const readMs = performance.now() - start;
    if (r > 0) {
      cachedIngest.push(ingestMs);
      storeRead.push(readMs);
    }
  }
  store.close();
  const baseline = median(storeRead);
  const ingest = median(cachedIngest);
  return [
    {
      name: `read ${HISTORY} sealed messages from the store (baseline)`,
      medianMs: baseline,
      ratio: 1,
    },
    {
      name: `ingest ${HISTORY} envelopes already decrypted (reload)`,
      medianMs: ingest,
      ratio: ingest / baseline,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runVaultBench());
}
