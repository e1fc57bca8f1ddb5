import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { utf8ToBytes } from '@noble/ciphers/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  BACKUP_HEADER_LENGTH,
  BACKUP_MAGIC,
  type BackupProgress,
  exportBackup,
  importBackup,
} from '../../../lib/store/backup';
import { encodeValue } from '../../../lib/store/codec';
import { formatRecoveryKey, parseRecoveryKey } from '../../../lib/store/recovery-key';
import { RECORD_FORMATS } from '../../../lib/store/schema';
import type { Store } from '../../../lib/store/store';
import {
  bytes,
  contact,
  everything,
  freshFactory,
  identity,
  message,
  open,
  populate,
  setting,
  snapshot,
} from './helpers';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Build a backup file by the documented layout, with any payload and version byte. */
function craft(secret: Uint8Array, payload: unknown, version = 1): Uint8Array {
  const salt = bytes(16, 0x51);
  const nonce = bytes(24, 0x52);
  const key = hkdf(sha256, secret, salt, utf8ToBytes('sotto/backup/v1/key'), 32);
  const check = hkdf(sha256, secret, salt, utf8ToBytes('sotto/backup/v1/check'), 16);
  const header = new Uint8Array([...BACKUP_MAGIC, version, ...salt, ...check, ...nonce]);
  const sealed = xchacha20poly1305(key, nonce, header).encrypt(encodeValue(payload));
  return new Uint8Array([...header, ...sealed]);
}

function payload(overrides: Record<string, unknown> = {}) {
  return {
    format: 'sotto-backup',
    version: 1,
    createdAt: 1,
    includes: { history: false, sessions: false },
    formats: { identity: 1, contacts: RECORD_FORMATS.contacts, settings: 1 },
    records: { identity: [identity], contacts: [contact('alice')], settings: [setting] },
    ...overrides,
  };
}

async function source(): Promise<Store> {
  const store = await open(freshFactory());
  await populate(store);
  return store;
}

async function target() {
  const factory = freshFactory();
  const store = await open(factory);
  await store.setPassphrase('target passphrase');
  return { factory, store };
}

describe('recovery key', () => {
  const secret = new Uint8Array(16).map((_, i) => i * 37 + 5);
  const text = formatRecoveryKey(secret);

  it('is 128 random bits plus a checksum, in 8 groups of 4', () => {
    expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(parseRecoveryKey(text)).toEqual(secret);
  });

  it('forgives case, spacing and look-alike letters', () => {
    expect(parseRecoveryKey(` ${text.toLowerCase().replace(/-/g, ' ')} `)).toEqual(secret);
    const withLookAlikes = text.replace(/0/g, 'O').replace(/1/g, 'l');
    expect(parseRecoveryKey(withLookAlikes)).toEqual(secret);
  });

  it('catches every single-symbol typo and every adjacent swap by the checksum', () => {
    const symbols = text.replace(/-/g, '');
    let tried = 0;
    for (let i = 0; i < symbols.length; i++) {
      for (const c of ALPHABET) {
        if (c === symbols[i]) continue;
        const typo = symbols.slice(0, i) + c + symbols.slice(i + 1);
        expect(() => parseRecoveryKey(typo), typo).toThrow(
          expect.objectContaining({ code: 'BACKUP_KEY_TYPO' }),
        );
        tried++;
      }
      if (i + 1 < symbols.length && symbols[i] !== symbols[i + 1]) {
        const swapped = symbols.slice(0, i) + symbols[i + 1] + symbols[i] + symbols.slice(i + 2);
        expect(() => parseRecoveryKey(swapped)).toThrow(
          expect.objectContaining({ code: 'BACKUP_KEY_TYPO' }),
        );
      }
    }
    expect(tried).toBe(32 * 31);
    for (const bad of [
      '',
      symbols.slice(1),
      `${symbols}0`,
      `${symbols.slice(1)}U`,
      42 as unknown as string,
    ]) {
      expect(() => parseRecoveryKey(bad)).toThrow(
        expect.objectContaining({ code: 'BACKUP_KEY_TYPO' }),
      );
    }
  });
});

describe('backup', () => {
  it('round-trips identity, contacts, verification and settings (no history) into a fresh profile', async () => {
    const from = await source();
    const backup = await exportBackup(from);
    expect(backup.counts).toEqual({ identity: 3, contacts: 2, settings: 1 });
    const { store } = await target();
    const result = await importBackup(store, backup.file, backup.recoveryKey);
    expect(result.counts).toEqual({ identity: 3, contacts: 2, settings: 1 });
    expect(result.includes).toEqual({ history: false, sessions: false });
    const want = await everything(from);
    const got = await everything(store);
    for (const name of ['identity', 'contacts', 'settings']) expect(got[name]).toEqual(want[name]);
    expect((await store.get('contacts', 'alice'))?.verification).toEqual({
      state: 'verified',
      at: 1_700_000_000_200,
    });
    for (const name of ['sessions', 'messages', 'drafts', 'callLog']) expect(got[name]).toEqual([]);
    // The restored records are sealed under the target's own key and survive its lock.
    store.lock();
    await store.unlock('target passphrase');
    expect(await everything(store)).toEqual(got);
  });

  it('round-trips everything with history and sessions', async () => {
    const from = await source();
    const backup = await exportBackup(from, { history: true, sessions: true });
    const { store } = await target();
    await importBackup(store, backup.file, backup.recoveryKey);
    expect(await everything(store)).toEqual(await everything(from));
    expect((await store.listMessages('conv-1')).map((m) => m.id)).toEqual([
      'envelope-0',
      'envelope-1',
      'envelope-2',
    ]);
  });

  it('makes a new recovery key and a different file every time', async () => {
    const from = await source();
    const a = await exportBackup(from);
    const b = await exportBackup(from);
    expect(a.recoveryKey).not.toBe(b.recoveryKey);
    expect(Buffer.from(a.file).equals(Buffer.from(b.file))).toBe(false);
    const dump = Buffer.from(a.file).toString('latin1');
    for (const needle of ['alice', 'robert', 'signalingUrl', 'sotto-backup'])
      expect(dump.includes(needle)).toBe(false);
  });

  it('reports progress for a large history, ending at the total', async () => {
    const from = await open(freshFactory());
    await from.transact(['messages'], async (tx) => {
      for (let i = 0; i < 1200; i++) await tx.put('messages', message(`h${i}`, `c${i % 7}`, i));
    });
    const exported: BackupProgress[] = [];
    const backup = await exportBackup(from, { history: true, onProgress: (p) => exported.push(p) });
    expect(exported.at(-1)).toEqual({ phase: 'encrypt', done: 1, total: 1 });
    expect(exported.filter((p) => p.phase === 'read').at(-1)).toEqual({
      phase: 'read',
      done: 1200,
      total: 1200,
    });
    const imported: BackupProgress[] = [];
    const { store } = await target();
    await importBackup(store, backup.file, backup.recoveryKey, {
      onProgress: (p) => {
        imported.push(p);
        throw new Error('a broken progress bar must not break the import');
      },
    });
    const writes = imported.filter((p) => p.phase === 'write');
    expect(writes.length).toBeGreaterThanOrEqual(12);
    expect(writes.map((p) => p.done)).toEqual([...writes.map((p) => p.done)].sort((x, y) => x - y));
    expect(writes.at(-1)).toEqual({ phase: 'write', done: 1200, total: 1200 });
    expect(imported.some((p) => p.phase === 'verify' && p.done === 1200)).toBe(true);
    expect(await store.count('messages')).toBe(1200);
  });

  it('imports into a vault that has only settings, replacing same-named ones', async () => {
    const from = await source();
    const backup = await exportBackup(from);
    const { store } = await target();
    await store.put('settings', { name: setting.name, value: 'local' });
    await store.put('settings', { name: 'localOnly', value: true });
    await importBackup(store, backup.file, backup.recoveryKey);
    expect(await store.get('settings', setting.name)).toEqual(setting);
    expect(await store.get('settings', 'localOnly')).toEqual({ name: 'localOnly', value: true });
  });

  describe('every failure leaves the target untouched', () => {
    async function expectUntouched(
      attempt: (store: Store) => Promise<unknown>,
      code: string,
      prepare?: (store: Store) => Promise<void>,
    ) {
      const { factory, store } = await target();
      await prepare?.(store);
      const before = await snapshot(factory);
      await expect(attempt(store)).rejects.toMatchObject({ code });
      expect(await snapshot(factory)).toEqual(before);
    }

    it("wrong key (another backup's)", async () => {
      const from = await source();
      const a = await exportBackup(from);
      const b = await exportBackup(from);
      await expectUntouched((s) => importBackup(s, a.file, b.recoveryKey), 'BACKUP_KEY_INVALID');
    });

    it('typo in the key, caught by the checksum before decrypting', async () => {
      const backup = await exportBackup(await source());
      const i = 5;
      const c = backup.recoveryKey[i] === 'A' ? 'B' : 'A';
      const typo = backup.recoveryKey.slice(0, i) + c + backup.recoveryKey.slice(i + 1);
      await expectUntouched((s) => importBackup(s, backup.file, typo), 'BACKUP_KEY_TYPO');
    });

    it('truncated anywhere', async () => {
      const backup = await exportBackup(await source(), { history: true });
      const { factory, store } = await target();
      const before = await snapshot(factory);
      const lengths = [
        0,
        1,
        7,
        8,
        9,
        40,
        BACKUP_HEADER_LENGTH,
        BACKUP_HEADER_LENGTH + 15,
        BACKUP_HEADER_LENGTH + 16,
      ];
      for (let len = BACKUP_HEADER_LENGTH + 17; len < backup.file.length; len += 97)
        lengths.push(len);
      lengths.push(backup.file.length - 1);
      for (const len of lengths) {
        await expect(
          importBackup(store, backup.file.slice(0, len), backup.recoveryKey),
          `length ${len}`,
        ).rejects.toMatchObject({
          code: 'BACKUP_CORRUPT',
        });
      }
      expect(await snapshot(factory)).toEqual(before);
    });

    it('a bit flipped in any byte, reported by region', async () => {
      const backup = await exportBackup(await source());
      const { factory, store } = await target();
      const before = await snapshot(factory);
      const expected = (i: number) =>
        i < 8
          ? 'BACKUP_CORRUPT'
          : i === 8
            ? 'BACKUP_VERSION'
            : i < 41
              ? 'BACKUP_KEY_INVALID'
              : 'BACKUP_CORRUPT';
      for (let i = 0; i < backup.file.length; i++) {
        const file = backup.file.slice();
        file[i]! ^= 1 << (i % 8);
        await expect(
          importBackup(store, file, backup.recoveryKey),
          `byte ${i}`,
        ).rejects.toMatchObject({ code: expected(i) });
      }
      const longer = new Uint8Array([...backup.file, 0]);
      await expect(importBackup(store, longer, backup.recoveryKey)).rejects.toMatchObject({
        code: 'BACKUP_CORRUPT',
      });
      expect(await snapshot(factory)).toEqual(before);
      expect(backup.file.length).toBeGreaterThan(1000);
    });

    it('a file version from the future', async () => {
      const secret = bytes(16, 9);
      await expectUntouched(
        (s) => importBackup(s, craft(secret, payload(), 2), formatRecoveryKey(secret)),
        'BACKUP_VERSION',
      );
    });

    it('a payload version or record format from the future', async () => {
      const secret = bytes(16, 9);
      const key = formatRecoveryKey(secret);
      await expectUntouched(
        (s) => importBackup(s, craft(secret, payload({ version: 2 })), key),
        'BACKUP_VERSION',
      );
      await expectUntouched(
        (s) =>
          importBackup(
            s,
            craft(secret, payload({ formats: { identity: 1, contacts: 99, settings: 1 } })),
            key,
          ),
        'BACKUP_VERSION',
      );
    });

    it('an authentic file whose payload is not what Sotto writes', async () => {
      const secret = bytes(16, 9);
      const key = formatRecoveryKey(secret);
      const bad = [
        'not an object',
        { ...payload(), format: 'other' },
        payload({ records: { identity: [identity], nonsense: [] } }),
        payload({ records: { contacts: [{ handle: 42 }] }, formats: { contacts: 2 } }),
        payload({ records: { contacts: [contact('a'), contact('a')] }, formats: { contacts: 2 } }),
        payload({
          records: { messages: [{ ...message('x', 'c', 1), timestamp: 'soon' }] },
          formats: { messages: 2 },
        }),
        payload({ formats: {} }),
        payload({ includes: null }),
      ];
      for (const p of bad)
        await expectUntouched((s) => importBackup(s, craft(secret, p), key), 'BACKUP_CORRUPT');
    });

    it('a target that is not empty', async () => {
      const backup = await exportBackup(await source());
      await expectUntouched(
        (s) => importBackup(s, backup.file, backup.recoveryKey),
        'NOT_EMPTY',
        async (s) => {
          await s.put('messages', message('mine', 'c', 1));
        },
      );
    });

    it('a locked target', async () => {
      const backup = await exportBackup(await source());
      await expectUntouched(
        (s) => importBackup(s, backup.file, backup.recoveryKey),
        'LOCKED',
        async (s) => s.lock(),
      );
    });

    it('a write failing half way (quota) imports nothing', async () => {
      const backup = await exportBackup(await source(), { history: true, sessions: true });
      const { IDBObjectStore } = await import('fake-indexeddb');
      const original = IDBObjectStore.prototype.put;
      let calls = 0;
      await expectUntouched(async (s) => {
        IDBObjectStore.prototype.put = function (
          this: IDBObjectStore,
          ...args: Parameters<IDBObjectStore['put']>
        ) {
          if (++calls === 10) throw new DOMException('full', 'QuotaExceededError');
          return original.apply(this, args);
        };
        try {
          await importBackup(s, backup.file, backup.recoveryKey);
        } finally {
          IDBObjectStore.prototype.put = original;
        }
      }, 'QUOTA');
      expect(calls).toBeGreaterThanOrEqual(10);
    });
  });
});
