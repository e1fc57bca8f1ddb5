import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_STORES, naturalKeyOf, type SealedRow } from '../../../lib/store/schema';
import {
  defaultRandom,
  deriveVaultKeys,
  openRecord,
  rowId,
  sealAt,
  sealRecord,
} from '../../../lib/store/seal';
import type { DataStoreName, KeyTypes } from '../../../lib/store/types';
import { contact, freshFactory, message, ONE_OF_EACH, open, raw, setting } from './helpers';

const keyOf = <S extends DataStoreName>(store: S) => naturalKeyOf(store, ONE_OF_EACH[store]);

async function setup() {
  const factory = freshFactory();
  const store = await open(factory);
  const db = await raw(factory);
  return { factory, store, db };
}

describe('sealing', () => {
  it.each(DATA_STORES)(
    'round-trips a %s record and keeps nothing readable on disk',
    async (name) => {
      const { store, db } = await setup();
      const record = ONE_OF_EACH[name];
      await store.put(name, record);
      expect(await store.get(name, keyOf(name))).toEqual(record);
      expect(await store.getAll(name)).toEqual([record]);
      const rows = (await db.getAll(name)) as SealedRow[];
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(Object.keys(row).sort()).toEqual(
        name === 'messages' ? ['conv', 'id', 'ts', 'v'] : ['id', 'v'],
      );
      // The natural key is blinded, the value is ciphertext.
      const onDisk = Buffer.from(
        JSON.stringify({ ...row, v: Buffer.from(row.v).toString('latin1') }),
        'latin1',
      );
      for (const needle of [
        'alice',
        'secret',
        'conv-1',
        'env-hash-1',
        'signalingUrl',
        'half-written',
        'call-1',
      ]) {
        expect(onDisk.includes(needle)).toBe(false);
      }
      await store.delete(name, keyOf(name));
      expect(await store.get(name, keyOf(name))).toBeUndefined();
      db.close();
      store.close();
    },
  );

  it('round-trips arbitrary plain values (property)', async () => {
    const { store } = await setup();
    const keys = deriveVaultKeys(store.exportUnlockedKey());
    // JSON-normalised (the codec, like JSON, has no -0), plus byte arrays.
    const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    const value = fc.oneof(
      json,
      fc.uint8Array({ maxLength: 64 }),
      fc.record({ bytes: fc.array(fc.uint8Array(), { maxLength: 3 }), json }),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), value, (name, v) => {
        const record = { name, value: v };
        const row = sealRecord(keys, defaultRandom, 'settings', record);
        expect(openRecord(keys, 'settings', row)).toEqual(record);
      }),
      { numRuns: 200 },
    );
  });

  it('gives different ciphertexts for the same record (fresh nonce)', async () => {
    const { store, db } = await setup();
    await store.put('settings', setting);
    const first = ((await db.getAll('settings')) as SealedRow[])[0]!.v;
    await store.put('settings', setting);
    const second = ((await db.getAll('settings')) as SealedRow[])[0]!.v;
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
    db.close();
  });

  it('rejects a record moved to another key in the same store', async () => {
    const { store, db } = await setup();
    await store.put('contacts', contact('alice'));
    await store.put('contacts', contact('mallory'));
    const keys = deriveVaultKeys(store.exportUnlockedKey());
    const alice = (await db.get('contacts', rowId(keys, 'contacts', 'alice'))) as SealedRow;
    // Put alice's sealed value where mallory's was (and vice versa).
    await db.put('contacts', { ...alice, id: rowId(keys, 'contacts', 'mallory') });
    await expect(store.get('contacts', 'mallory')).rejects.toMatchObject({
      code: 'RECORD_CORRUPT',
    });
    await expect(store.getAll('contacts')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    expect(await store.get('contacts', 'alice')).toEqual(contact('alice'));
    db.close();
  });

  it('rejects a message moved to another conversation or time (clear fields are bound)', async () => {
    const { store, db } = await setup();
    await store.put('messages', message('a', 'conv-1', 100));
    await store.put('messages', message('b', 'conv-2', 200));
    const [ra, rb] = (await db.getAll('messages')) as SealedRow[];
    const a = ra!.ts === 100 ? ra! : rb!;
    const b = ra!.ts === 100 ? rb! : ra!;
    await db.put('messages', { ...a, conv: b.conv });
    await expect(store.listMessages('conv-2')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    await db.put('messages', { ...a, ts: 150 });
    await expect(store.listMessages('conv-1')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    await db.put('messages', { id: a.id, v: a.v });
    await expect(store.get('messages', 'a')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    db.close();
  });

  it('rejects a record moved to another store under the same natural key', async () => {
    const { store, db } = await setup();
    const keys = deriveVaultKeys(store.exportUnlockedKey());
    // A draft and a setting both keyed "conv-1": same natural key, different stores.
    await store.put('drafts', { conversationId: 'conv-1', text: 'draft', updatedAt: 1 });
    const row = (await db.get('drafts', rowId(keys, 'drafts', 'conv-1'))) as SealedRow;
    await db.put('settings', { ...row, id: rowId(keys, 'settings', 'conv-1') });
    await db.put('settings', { ...row, id: row.id }); // even under the draft's own id
    await expect(store.get('settings', 'conv-1')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    await expect(store.getAll('settings')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    // And directly: every store refuses every other store's row.
    for (const from of DATA_STORES) {
      const sealed = sealRecord(keys, defaultRandom, from, ONE_OF_EACH[from]);
      for (const to of DATA_STORES) {
        if (to === from) continue;
        expect(() => openRecord(keys, to, sealed)).toThrow(
          expect.objectContaining({ code: 'RECORD_CORRUPT' }),
        );
      }
      expect(openRecord(keys, from, sealed)).toEqual(ONE_OF_EACH[from]);
    }
    db.close();
  });

  it('binds store and id in the associated data, not only by re-checking the natural key', async () => {
    const { store } = await setup();
    const keys = deriveVaultKeys(store.exportUnlockedKey());
    // A value that is a valid settings record and a valid drafts record under the same key "k".
    const both = { name: 'k', value: 1, conversationId: 'k', text: '', updatedAt: 1 };
    const asSetting = sealAt(
      keys,
      defaultRandom,
      'settings',
      rowId(keys, 'drafts', 'k'),
      both,
      1,
      null,
    );
    expect(() => openRecord(keys, 'drafts', asSetting)).toThrow(
      expect.objectContaining({ code: 'RECORD_CORRUPT' }),
    );
    // Sealed for id X, found at the id its natural key maps to.
    const sealedForX = sealAt(
      keys,
      defaultRandom,
      'settings',
      rowId(keys, 'settings', 'x'),
      both,
      1,
      null,
    );
    const moved = { ...sealedForX, id: rowId(keys, 'settings', 'k') };
    expect(() => openRecord(keys, 'settings', moved)).toThrow(
      expect.objectContaining({ code: 'RECORD_CORRUPT' }),
    );
    // Control: sealed where it belongs, it opens.
    const right = sealAt(
      keys,
      defaultRandom,
      'settings',
      rowId(keys, 'settings', 'k'),
      both,
      1,
      null,
    );
    expect(openRecord(keys, 'settings', right)).toEqual(both);
  });

  it('rejects a record sealed under another vault key', async () => {
    const { store, db } = await setup();
    const other = await open(freshFactory());
    const otherKeys = deriveVaultKeys(other.exportUnlockedKey());
    const keys = deriveVaultKeys(store.exportUnlockedKey());
    const foreign = sealRecord(otherKeys, defaultRandom, 'settings', setting);
    await db.put('settings', { ...foreign, id: rowId(keys, 'settings', setting.name) });
    await expect(store.get('settings', setting.name)).rejects.toMatchObject({
      code: 'RECORD_CORRUPT',
    });
    db.close();
  });

  it('rejects every single-byte alteration of a small record', async () => {
    const { store, db } = await setup();
    const small = { name: 'a', value: 1 };
    await store.put('settings', small);
    const keys = deriveVaultKeys(store.exportUnlockedKey());
    const id = rowId(keys, 'settings', 'a');
    const row = (await db.get('settings', id)) as SealedRow;
    expect(row.v.length).toBeLessThan(100);
    for (let i = 0; i < row.v.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const v = row.v.slice();
        v[i]! ^= mask;
        expect(() => openRecord(keys, 'settings', { ...row, v }), `byte ${i}`).toThrow(
          expect.objectContaining({ code: 'RECORD_CORRUPT' }),
        );
      }
    }
    // And through the store, a few positions end to end.
    for (const i of [0, 23, 24, row.v.length - 1]) {
      const v = row.v.slice();
      v[i]! ^= 0xff;
      await db.put('settings', { ...row, v });
      await expect(store.get('settings', 'a')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    }
    await db.put('settings', row);
    expect(await store.get('settings', 'a')).toEqual(small);
    db.close();
  });

  it('rejects truncated, extended and malformed rows', async () => {
    const { store } = await setup();
    const keys = deriveVaultKeys(store.exportUnlockedKey());
    const row = sealRecord(keys, defaultRandom, 'settings', setting);
    for (let len = 0; len < row.v.length; len++) {
      expect(() => openRecord(keys, 'settings', { ...row, v: row.v.slice(0, len) })).toThrow(
        expect.objectContaining({ code: 'RECORD_CORRUPT' }),
      );
    }
    const longer = new Uint8Array(row.v.length + 1);
    longer.set(row.v);
    for (const bad of [
      { ...row, v: longer },
      null,
      'string',
      { id: row.id },
      { id: 5, v: row.v },
      { ...row, v: Array.from(row.v) },
      { ...row, ts: 5 },
    ]) {
      expect(() => openRecord(keys, 'settings', bad)).toThrow(
        expect.objectContaining({ code: 'RECORD_CORRUPT' }),
      );
    }
  });

  it('blinds keys per store and per vault', async () => {
    const { store } = await setup();
    const other = await open(freshFactory());
    const keys = deriveVaultKeys(store.exportUnlockedKey());
    const otherKeys = deriveVaultKeys(other.exportUnlockedKey());
    const a = rowId(keys, 'contacts', 'alice');
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(rowId(keys, 'contacts', 'alice')).toBe(a);
    expect(rowId(keys, 'sessions', 'alice')).not.toBe(a);
    expect(rowId(otherKeys, 'contacts', 'alice')).not.toBe(a);
    expect(rowId(keys, 'identity', ['signedPrekey', 1] as KeyTypes['identity'])).not.toBe(
      rowId(keys, 'identity', ['kemPrekey', 1] as KeyTypes['identity']),
    );
  });

  it('refuses to store what it cannot faithfully restore, as INTERNAL without detail', async () => {
    const { store } = await setup();
    const error = await store
      .put('sessions', {
        contact: 'alice',
        updatedAt: 1,
        state: { when: new Date(), secret: 'hunter2' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL' });
    expect(String((error as Error).message)).not.toMatch(/hunter2|when|Date/);
    await expect(store.put('contacts', { ...contact('x'), handle: '' })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    expect(await store.count('sessions')).toBe(0);
  });
});
