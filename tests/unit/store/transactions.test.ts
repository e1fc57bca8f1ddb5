import { describe, expect, it } from 'vitest';
import { contact, freshFactory, message, open, session, setting, snapshot } from './helpers';

describe('transactions', () => {
  it('commits several stores together', async () => {
    const store = await open(freshFactory());
    await store.transact(['sessions', 'messages'], async (tx) => {
      await tx.put('sessions', session('alice', 1));
      await tx.put(
        'messages',
        message('out-1', 'conv-1', 10, { direction: 'out', delivery: 'pending' }),
      );
    });
    expect((await store.get('sessions', 'alice'))?.updatedAt).toBe(session('alice', 1).updatedAt);
    expect((await store.get('messages', 'out-1'))?.delivery).toBe('pending');
  });

  it('returns what the callback returns and can read its own writes', async () => {
    const store = await open(freshFactory());
    const result = await store.transact(['contacts'], async (tx) => {
      await tx.put('contacts', contact('alice'));
      return (await tx.get('contacts', 'alice'))?.handle;
    });
    expect(result).toBe('alice');
  });

  it.each([
    ['a throw in the middle', 'throw'],
    ['a write outside the scope', 'scope'],
    ['an unstorable record', 'unstorable'],
    ['a lock in the middle', 'lock'],
  ] as const)('%s commits nothing', async (_label, how) => {
    const factory = freshFactory();
    const store = await open(factory);
    await store.put('sessions', session('alice', 0));
    await store.setPassphrase('pw long enough');
    const before = await snapshot(factory);
    const error = await store
      .transact(['sessions', 'messages'], async (tx) => {
        await tx.put('sessions', session('alice', 1));
        await tx.put('messages', message('out-1', 'conv-1', 10));
        await tx.delete('sessions', 'alice');
        if (how === 'throw') throw new Error('boom');
        if (how === 'scope') await tx.put('contacts' as 'sessions', contact('x') as never);
        if (how === 'unstorable')
          await tx.put('sessions', { contact: 'bob', updatedAt: 1, state: { f: () => 1 } });
        if (how === 'lock') {
          store.lock();
          await tx.put('messages', message('out-2', 'conv-1', 11));
        }
      })
      .catch((e: unknown) => e);
    if (how === 'throw') expect(error).toMatchObject({ code: 'INTERNAL' });
    if (how === 'lock') expect(error).toMatchObject({ code: 'LOCKED' });
    if (how === 'scope' || how === 'unstorable') expect(error).toMatchObject({ code: 'INTERNAL' });
    expect(await snapshot(factory)).toEqual(before);
    if (how === 'lock') await store.unlock('pw long enough');
    expect((await store.get('sessions', 'alice'))?.updatedAt).toBe(session('alice', 0).updatedAt);
    expect(await store.count('messages')).toBe(0);
  });

  it('passes a StoreError thrown by the callback through unchanged', async () => {
    const store = await open(freshFactory());
    const { StoreError } = await import('../../../lib/store/errors');
    await expect(
      store.transact(['settings'], async () => {
        throw new StoreError('NOT_EMPTY');
      }),
    ).rejects.toMatchObject({ code: 'NOT_EMPTY' });
  });

  it('refuses a callback that awaits something else (the transaction would have committed early)', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    const error = await store
      .transact(['settings'], async (tx) => {
        await tx.put('settings', setting);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx.put('settings', { name: 'second', value: 2 });
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL' });
    // Loud, not atomic: the first write may have committed before the misuse was seen.
    expect(await store.get('settings', 'second')).toBeUndefined();
  });

  it('refuses the unsealed meta store and unknown stores in a transaction scope', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    const before = await snapshot(factory);
    for (const name of ['meta', 'nope']) {
      await expect(
        store.transact([name as 'settings'], (tx) => tx.put(name as 'settings', setting)),
      ).rejects.toMatchObject({ code: 'INTERNAL' });
    }
    expect(await snapshot(factory)).toEqual(before);
  });

  it('deleteStore resets everything; the next open starts a new, empty vault', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    await store.put('contacts', contact('alice'));
    const oldKey = store.exportUnlockedKey();
    const { deleteStore } = await import('../../../lib/store/store');
    await deleteStore({ indexedDB: factory });
    expect(store.closed).toBe(true);
    await expect(store.count('contacts')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const fresh = await open(factory);
    expect(await fresh.count('contacts')).toBe(0);
    expect(Buffer.from(fresh.exportUnlockedKey()).equals(Buffer.from(oldKey))).toBe(false);
  });

  it('a read-only transaction refuses writes', async () => {
    const store = await open(freshFactory());
    await expect(
      store.transact(['settings'], (tx) => tx.put('settings', setting), { readonly: true }),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await store.count('settings')).toBe(0);
  });

  it('concurrent read-modify-write updates lose nothing (one instance and two)', async () => {
    const factory = freshFactory();
    const a = await open(factory);
    const b = await open(factory);
    await a.put('settings', { name: 'counter', value: 0 });
    const bump = (s: typeof a) =>
      s.update('settings', 'counter', (current) => ({
        name: 'counter',
        value: (current!.value as number) + 1,
      }));
    await Promise.all(Array.from({ length: 60 }, (_, i) => bump(i % 2 ? a : b)));
    expect(await a.get('settings', 'counter')).toEqual({ name: 'counter', value: 60 });
  });

  it('concurrent transactions over a session and messages keep both consistent', async () => {
    const store = await open(freshFactory());
    await store.put('sessions', session('alice', 0));
    // Each "send" reads the chain counter, writes counter+1 and a message numbered by it.
    const send = () =>
      store.transact(['sessions', 'messages'], async (tx) => {
        const s = (await tx.get('sessions', 'alice'))!;
        const state = s.state as { sending: { counter: number } };
        const n = state.sending.counter;
        await tx.put('sessions', {
          ...s,
          state: { ...state, sending: { ...state.sending, counter: n + 1 } },
        });
        await tx.put('messages', message(`msg-${n}`, 'conv-1', 1000 + n, { direction: 'out' }));
        return n;
      });
    const used = await Promise.all(Array.from({ length: 40 }, send));
    expect([...used].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(await store.count('messages')).toBe(40);
  });

  it('update deletes when the function returns undefined and refuses a changed key', async () => {
    const store = await open(freshFactory());
    await store.put('contacts', contact('alice'));
    await expect(
      store.update('contacts', 'alice', (c) => ({ ...c!, handle: 'mallory' })),
    ).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    expect(await store.get('contacts', 'mallory')).toBeUndefined();
    await store.update('contacts', 'alice', () => undefined);
    expect(await store.count('contacts')).toBe(0);
    expect(await store.update('contacts', 'nobody', () => undefined)).toBeUndefined();
  });

  it('maps QuotaExceededError to QUOTA and commits nothing', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    await store.put('settings', setting);
    const before = await snapshot(factory);
    const { IDBObjectStore } = await import('fake-indexeddb');
    const original = IDBObjectStore.prototype.put;
    let calls = 0;
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['put']>
    ) {
      calls++;
      if (calls === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.apply(this, args);
    };
    try {
      await expect(
        store.transact(['messages'], async (tx) => {
          await tx.put('messages', message('a', 'c', 1));
          await tx.put('messages', message('b', 'c', 2));
        }),
      ).rejects.toMatchObject({ code: 'QUOTA' });
    } finally {
      IDBObjectStore.prototype.put = original;
    }
    expect(calls).toBe(2);
    expect(await snapshot(factory)).toEqual(before);
  });
});

describe('listMessages', () => {
  it('pages a conversation by time, in both orders, and keeps conversations apart', async () => {
    const store = await open(freshFactory());
    const times = [50, 10, 40, 20, 30, 30];
    await store.transact(['messages'], async (tx) => {
      for (const [i, t] of times.entries()) await tx.put('messages', message(`a${i}`, 'conv-a', t));
      await tx.put('messages', message('b0', 'conv-b', 25));
      await tx.put('messages', message('c0', 'conv-a-suffix', 25));
    });
    const ts = (list: { timestamp: number }[]) => list.map((m) => m.timestamp);
    expect(ts(await store.listMessages('conv-a'))).toEqual([10, 20, 30, 30, 40, 50]);
    expect(ts(await store.listMessages('conv-a', { order: 'desc', limit: 2 }))).toEqual([50, 40]);
    expect(ts(await store.listMessages('conv-a', { before: 30, order: 'desc', limit: 5 }))).toEqual(
      [20, 10],
    );
    expect(ts(await store.listMessages('conv-a', { after: 20, before: 50 }))).toEqual([30, 30, 40]);
    expect(ts(await store.listMessages('conv-a', { limit: 3 }))).toEqual([10, 20, 30]);
    expect(await store.listMessages('conv-a', { limit: 0 })).toEqual([]);
    expect((await store.listMessages('conv-b')).map((m) => m.id)).toEqual(['b0']);
    expect(await store.listMessages('nope')).toEqual([]);
  });
});
