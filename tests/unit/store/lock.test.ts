import { describe, expect, it } from 'vitest';
import { exportBackup, importBackup } from '../../../lib/store/backup';
import { PASSPHRASE_KDF } from '../../../lib/store/kdf';
import {
  longEnoughPassphrase,
  MIN_PASSPHRASE_LENGTH,
  passphraseLength,
} from '../../../lib/store/passphrase-policy';
import { DATA_STORES, type SealedRow } from '../../../lib/store/schema';
import { deriveVaultKeys, openRecord } from '../../../lib/store/seal';
import type { Store } from '../../../lib/store/store';
import {
  CHEAP_KDF,
  contact,
  everything,
  freshFactory,
  message,
  ONE_OF_EACH,
  open,
  populate,
  raw,
  setting,
  snapshot,
} from './helpers';

const byId = <T extends { id: string }>(list: T[]) =>
  [...list].sort((a, b) => a.id.localeCompare(b.id));

async function lockedStore() {
  const factory = freshFactory();
  const store = await open(factory);
  await populate(store);
  await store.setPassphrase('correct horse');
  store.lock();
  return { factory, store };
}

/** Every operation that reads or writes records, or manages keys. */
const RECORD_OPERATIONS: [string, (s: Store) => Promise<unknown> | unknown][] = [
  ...DATA_STORES.flatMap((name): [string, (s: Store) => Promise<unknown>][] => [
    [`get ${name}`, (s) => s.get(name, 'x' as never)],
    [`put ${name}`, (s) => s.put(name, ONE_OF_EACH[name] as never)],
    [`delete ${name}`, (s) => s.delete(name, 'x' as never)],
    [`getAll ${name}`, (s) => s.getAll(name)],
    [`count ${name}`, (s) => s.count(name)],
    [`update ${name}`, (s) => s.update(name, 'x' as never, () => undefined)],
  ]),
  ['listMessages', (s) => s.listMessages('conv-1')],
  ['transact', (s) => s.transact(['settings'], async () => 1)],
  ['exportUnlockedKey', (s) => s.exportUnlockedKey()],
  ['setPassphrase', (s) => s.setPassphrase('a new passphrase')],
  ['changePassphrase', (s) => s.changePassphrase('correct horse', 'a new passphrase')],
  ['removePassphrase', (s) => s.removePassphrase('correct horse')],
  ['exportBackup', (s) => exportBackup(s)],
  ['importBackup', (s) => importBackup(s, new Uint8Array(100), 'x')],
];

describe('lock', () => {
  it('production KDF parameters are the documented ones', () => {
    expect(PASSPHRASE_KDF).toEqual({ alg: 'argon2id', m: 65536, t: 2, p: 1 });
    expect(Object.isFrozen(PASSPHRASE_KDF)).toBe(true);
  });

  it('uses the production parameters unless told otherwise', async () => {
    const factory = freshFactory();
    const { openStore } = await import('../../../lib/store/store');
    const store = await openStore({ indexedDB: factory });
    // Deriving at production cost takes ~0.6 s here; do it once to prove the default is used.
    await store.setPassphrase('production passphrase');
    const db = await raw(factory);
    expect((await db.get('meta', 'vault')).kdf).toEqual(PASSPHRASE_KDF);
    db.close();
  });

  it('without a passphrase the vault key sits in meta as-is and the store opens unlocked', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    expect(store.lockState).toBe('unlocked');
    expect(store.hasPassphrase).toBe(false);
    const db = await raw(factory);
    const row = await db.get('meta', 'vault');
    expect(row.protection).toBe('none');
    expect(Buffer.from(row.key).equals(Buffer.from(store.exportUnlockedKey()))).toBe(true);
    db.close();
    expect(() => store.lock()).toThrow(expect.objectContaining({ code: 'NO_PASSPHRASE' }));
    await expect(store.unlock('anything')).rejects.toMatchObject({ code: 'NO_PASSPHRASE' });
    await expect(store.removePassphrase('anything')).rejects.toMatchObject({
      code: 'NO_PASSPHRASE',
    });
    await expect(store.changePassphrase('a', 'a new passphrase')).rejects.toMatchObject({
      code: 'NO_PASSPHRASE',
    });
    await expect(store.setPassphrase('')).rejects.toMatchObject({ code: 'PASSPHRASE_INVALID' });
  });

  it(`a new passphrase needs ${MIN_PASSPHRASE_LENGTH} characters; unlocking does not check the length`, async () => {
    const factory = freshFactory();
    const store = await open(factory);
    await populate(store);
    const before = await snapshot(factory);
    // Eleven characters: refused, nothing written, still no passphrase.
    await expect(store.setPassphrase('eleven char')).rejects.toMatchObject({
      code: 'PASSPHRASE_TOO_SHORT',
    });
    // Six emoji are twelve UTF-16 units but six characters; what counts is code points (NFKC).
    await expect(store.setPassphrase('\u{1F600}'.repeat(6))).rejects.toMatchObject({
      code: 'PASSPHRASE_TOO_SHORT',
    });
    expect(await snapshot(factory)).toEqual(before);
    expect(store.hasPassphrase).toBe(false);
    await store.setPassphrase('twelve chars');
    // Changing to a short one is refused before the current one is even checked; the old stays.
    await expect(store.changePassphrase('twelve chars', 'short')).rejects.toMatchObject({
      code: 'PASSPHRASE_TOO_SHORT',
    });
    store.lock();
    // A short guess on unlock is just wrong (a vault protected before the rule still opens).
    await expect(store.unlock('short')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await store.unlock('twelve chars');
    expect(store.lockState).toBe('unlocked');
  });

  it('the length rule counts code points after NFKC', () => {
    expect(MIN_PASSPHRASE_LENGTH).toBe(12);
    expect(passphraseLength('cafe\u0301')).toBe(4);
    expect(passphraseLength('\u{1F600}\u{1F600}')).toBe(2);
    expect(passphraseLength('\uFB01')).toBe(2); // the "fi" ligature is two letters under NFKC
    expect(longEnoughPassphrase('x'.repeat(11))).toBe(false);
    expect(longEnoughPassphrase('x'.repeat(12))).toBe(true);
  });

  it('keeps the same vault key across reopening', async () => {
    const factory = freshFactory();
    const a = await open(factory);
    await a.put('settings', setting);
    a.close();
    const b = await open(factory);
    expect(await b.get('settings', setting.name)).toEqual(setting);
  });

  it('set → lock → unlock keeps every record; reopening starts locked', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    await populate(store);
    const before = await everything(store);
    await store.setPassphrase('correct horse');
    expect(store.hasPassphrase).toBe(true);
    expect(store.lockState).toBe('unlocked');
    expect(await everything(store)).toEqual(before);
    store.lock();
    expect(store.lockState).toBe('locked');
    await store.unlock('correct horse');
    expect(await everything(store)).toEqual(before);
    store.close();

    const again = await open(factory);
    expect(again.lockState).toBe('locked');
    expect(again.hasPassphrase).toBe(true);
    await again.unlock('correct horse');
    expect(await everything(again)).toEqual(before);
  });

  it('normalises the passphrase (NFC and NFD spellings are the same passphrase)', async () => {
    const { store } = await lockedStore();
    await store.unlock('correct horse');
    await store.changePassphrase('correct horse', 'caf\u00e9 au lait please');
    store.lock();
    await store.unlock('cafe\u0301 au lait please');
    expect(store.lockState).toBe('unlocked');
  });

  it('while locked, every record and key operation fails with LOCKED and nothing changes', async () => {
    const { factory, store } = await lockedStore();
    const before = await snapshot(factory);
    for (const [name, op] of RECORD_OPERATIONS) {
      const error = await Promise.resolve()
        .then(() => op(store))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error, name).toMatchObject({ code: 'LOCKED' });
    }
    expect(await snapshot(factory)).toEqual(before);
    expect(RECORD_OPERATIONS.length).toBeGreaterThan(40);
  });

  it('a wrong passphrase is WRONG_PASSPHRASE and changes nothing, locked or unlocked', async () => {
    const { factory, store } = await lockedStore();
    const before = await snapshot(factory);
    await expect(store.unlock('wrong horse')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(store.lockState).toBe('locked');
    await store.unlock('correct horse');
    await expect(store.unlock('wrong horse')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(store.lockState).toBe('unlocked');
    await expect(store.changePassphrase('wrong horse', 'a new passphrase')).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    await expect(store.removePassphrase('wrong horse')).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    await expect(store.setPassphrase('another passphrase')).rejects.toMatchObject({
      code: 'PASSPHRASE_SET',
    });
    expect(await snapshot(factory)).toEqual(before);
    store.lock();
    await expect(store.unlock('')).rejects.toMatchObject({ code: 'PASSPHRASE_INVALID' });
  });

  it('change: the old passphrase stops working, the new one opens the same records', async () => {
    const { factory, store } = await lockedStore();
    await store.unlock('correct horse');
    const before = byId(await store.getAll('messages'));
    await store.changePassphrase('correct horse', 'battery staple');
    store.lock();
    await expect(store.unlock('correct horse')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await store.unlock('battery staple');
    expect(byId(await store.getAll('messages'))).toEqual(before);
    store.close();
    const again = await open(factory);
    await again.unlock('battery staple');
    expect(byId(await again.getAll('messages'))).toEqual(before);
  });

  it('remove: the key is stored as-is again and the store opens unlocked', async () => {
    const { factory, store } = await lockedStore();
    await store.unlock('correct horse');
    await store.removePassphrase('correct horse');
    expect(store.hasPassphrase).toBe(false);
    store.close();
    const again = await open(factory);
    expect(again.lockState).toBe('unlocked');
    expect(await again.get('contacts', 'alice')).toEqual(contact('alice'));
  });

  it('setting or changing the passphrase replaces the vault key: the old key opens nothing', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    await populate(store);
    const firstKey = store.exportUnlockedKey();
    await store.setPassphrase('passphrase one');
    const secondKey = store.exportUnlockedKey();
    await store.changePassphrase('passphrase one', 'passphrase two');
    const thirdKey = store.exportUnlockedKey();
    expect(
      new Set([firstKey, secondKey, thirdKey].map((k) => Buffer.from(k).toString('hex'))).size,
    ).toBe(3);
    const db = await raw(factory);
    const meta = await db.get('meta', 'vault');
    expect(meta.protection).toBe('passphrase');
    expect(meta.key).toBeUndefined();
    const onDisk = await snapshot(factory);
    const serialised = Buffer.from(
      JSON.stringify(onDisk, (_k, v) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
      ),
    );
    for (const k of [firstKey, secondKey, thirdKey]) {
      expect(serialised.includes(Buffer.from(k).toString('hex'))).toBe(false);
    }
    for (const name of DATA_STORES) {
      for (const row of (await db.getAll(name)) as SealedRow[]) {
        for (const old of [firstKey, secondKey]) {
          expect(() => openRecord(deriveVaultKeys(old), name, row)).toThrow(
            expect.objectContaining({ code: 'RECORD_CORRUPT' }),
          );
        }
        expect(() => openRecord(deriveVaultKeys(thirdKey), name, row)).not.toThrow();
      }
    }
    db.close();
    // A cached old key is refused.
    store.lock();
    await expect(store.openWithKey(firstKey)).rejects.toMatchObject({ code: 'WRONG_KEY' });
    await store.openWithKey(thirdKey);
    expect(await store.count('messages')).toBe(5);
  });

  it('a disk copy holds no plaintext, natural key or vault key while locked', async () => {
    const { factory, store } = await lockedStore();
    await store.unlock('correct horse');
    const key = Buffer.from(store.exportUnlockedKey()).toString('hex');
    store.lock();
    const dump = JSON.stringify(await snapshot(factory), (_k, v) =>
      v instanceof Uint8Array
        ? Buffer.from(v).toString('latin1') + Buffer.from(v).toString('hex')
        : v,
    );
    for (const needle of [
      'alice',
      'robert',
      'secret message',
      'conv-1',
      'conv-2',
      'envelope-0',
      'half-written',
      'signalingUrl',
      'call-1',
      key,
    ]) {
      expect(dump.includes(needle), needle).toBe(false);
    }
  });

  it('exportUnlockedKey / openWithKey let another instance (a restarted worker) unlock', async () => {
    const { factory, store } = await lockedStore();
    await store.unlock('correct horse');
    const cached = store.exportUnlockedKey();
    store.close();
    const restarted = await open(factory);
    expect(restarted.lockState).toBe('locked');
    await expect(restarted.openWithKey(new Uint8Array(32))).rejects.toMatchObject({
      code: 'WRONG_KEY',
    });
    await expect(restarted.openWithKey(new Uint8Array(31))).rejects.toMatchObject({
      code: 'WRONG_KEY',
    });
    expect(restarted.lockState).toBe('locked');
    await restarted.openWithKey(cached);
    expect(await restarted.get('contacts', 'alice')).toEqual(contact('alice'));
    // The exported key is a copy: wiping it does not lock the store.
    cached.fill(0);
    expect(await restarted.count('contacts')).toBe(2);
  });

  it('lock() during an unlock or a passphrase change wins', async () => {
    const factory = freshFactory();
    let trigger: (() => void) | undefined;
    const random = (b: Uint8Array) => {
      const fire = trigger;
      trigger = undefined;
      fire?.();
      return crypto.getRandomValues(b);
    };
    const store = await open(factory, { random });
    await populate(store);
    await store.setPassphrase('correct horse');
    store.lock();
    const unlocking = store.unlock('correct horse');
    store.lock();
    await unlocking;
    expect(store.lockState).toBe('locked');
    await store.unlock('correct horse');
    const before = await snapshot(factory);
    // Lock while the change is under way (its first random draw, after the lock check):
    // the change is abandoned, nothing on disk changes, and the store stays locked.
    trigger = () => store.lock();
    await expect(store.changePassphrase('correct horse', 'next passphrase')).rejects.toMatchObject({
      code: 'LOCKED',
    });
    expect(trigger).toBeUndefined();
    expect(store.lockState).toBe('locked');
    expect(await snapshot(factory)).toEqual(before);
    await expect(store.unlock('next passphrase')).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    await store.unlock('correct horse');
    expect(await store.count('contacts')).toBe(2);
  });

  it('an instance whose key was replaced elsewhere locks itself instead of writing', async () => {
    const factory = freshFactory();
    const a = await open(factory);
    const b = await open(factory);
    await a.put('messages', message('x', 'c', 1));
    await b.setPassphrase('pw long enough');
    await expect(a.put('messages', message('y', 'c', 2))).rejects.toMatchObject({ code: 'LOCKED' });
    expect(a.lockState).toBe('locked');
    expect(a.hasPassphrase).toBe(true);
    await a.unlock('pw long enough');
    await a.put('messages', message('y', 'c', 2));
    expect((await b.listMessages('c')).map((m) => m.id)).toEqual(['x', 'y']);
  });

  it('concurrent passphrase operations on one instance are serialised', async () => {
    const { store } = await lockedStore();
    await store.unlock('correct horse');
    const results = await Promise.allSettled([
      store.changePassphrase('correct horse', 'passphrase two'),
      store.changePassphrase('correct horse', 'passphrase three'),
      store.changePassphrase('passphrase two', 'passphrase four'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    store.lock();
    await store.unlock('passphrase four');
    expect(await store.count('contacts')).toBe(2);
  });

  it('refuses a tampered vault row with RECORD_CORRUPT', async () => {
    const factory = freshFactory();
    const store = await open(factory, { kdf: CHEAP_KDF });
    await store.setPassphrase('pw long enough');
    store.close();
    const db = await raw(factory);
    const row = await db.get('meta', 'vault');
    await db.put('meta', { ...row, kdf: { ...row.kdf, m: 1 << 30 } });
    db.close();
    await expect(open(factory)).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
  });
});
