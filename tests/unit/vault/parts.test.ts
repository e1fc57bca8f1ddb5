// Envelopes longer than the host's limit travel as parts: collected until complete.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../lib/store';
import { asMessage, Clock, CONV, connect, DAY, person } from './helpers';

const LIMIT = 2_500; // small, so a few KB of text needs several parts

describe('multi-part envelopes', () => {
  it('collects parts in any order, decrypts once complete, and recognises every part afterwards', async () => {
    const alice = await person('alice', undefined, { partLimit: LIMIT });
    const bob = await person('bob', undefined, { partLimit: LIMIT });
    await connect(alice, bob);
    const text = 'long message '.repeat(600); // ~7.8 KB
    const out = await alice.vault.encrypt(CONV, 'bob', text);
    expect(out.parts.length).toBeGreaterThanOrEqual(3);
    for (const p of out.parts) expect(p.length).toBeLessThanOrEqual(LIMIT);

    const order = [...out.parts.keys()].reverse();
    const answers = [];
    for (const i of order) answers.push(await bob.see(CONV, 'alice', 'in', out.parts[i]!));
    // All but the last are pending; the last completes the message.
    expect(answers.slice(0, -1).every((a) => a.kind === 'part-pending')).toBe(true);
    expect(asMessage(answers.at(-1)!)).toEqual({ messageId: out.messageId, state: 'decrypted' });
    expect((await bob.vault.getMessage(out.messageId))?.text).toBe(text);
    // Any single part re-rendered later (even after a restart) maps to the message.
    await bob.restart();
    for (const p of out.parts) {
      expect(asMessage(await bob.see(CONV, 'alice', 'in', p))).toEqual({
        messageId: out.messageId,
        state: 'decrypted',
      });
    }
    // Alice's own parts come back as "sent" one by one.
    for (const p of out.parts) {
      expect(asMessage(await alice.see(CONV, 'bob', 'out', p))).toEqual({
        messageId: out.messageId,
        state: 'sent',
      });
    }
  });

  it('parts survive restarts while incomplete, and duplicates are harmless', async () => {
    const alice = await person('alice', undefined, { partLimit: LIMIT });
    const bob = await person('bob', undefined, { partLimit: LIMIT });
    await connect(alice, bob);
    const out = await alice.vault.encrypt(CONV, 'bob', 'x'.repeat(5_000));
    const [first, ...rest] = out.parts;
    expect((await bob.see(CONV, 'alice', 'in', first!)).kind).toBe('part-pending');
    expect((await bob.see(CONV, 'alice', 'in', first!)).kind).toBe('part-pending');
    await bob.restart();
    let last = null;
    for (const p of rest) {
      last = await bob.see(CONV, 'alice', 'in', p);
      await bob.restart();
    }
    expect(asMessage(last!)).toEqual({ messageId: out.messageId, state: 'decrypted' });
  });

  it('a damaged part makes the message unverifiable; parts from another conversation do not mix', async () => {
    const alice = await person('alice', undefined, { partLimit: LIMIT });
    const bob = await person('bob', undefined, { partLimit: LIMIT });
    await connect(alice, bob);
    const out = await alice.vault.encrypt(CONV, 'bob', 'y'.repeat(5_000));
    // The middle part is altered (a well-formed part with wrong bytes).
    const parts = [...out.parts];
    const mid = parts[1]!;
    parts[1] = `${mid.slice(0, 100)}${mid[100] === 'A' ? 'B' : 'A'}${mid.slice(101)}`;
    // In a different conversation the same parts start their own collection.
    expect((await bob.see('conv-elsewhere', 'alice', 'in', out.parts[0]!)).kind).toBe(
      'part-pending',
    );
    let last = null;
    for (const p of parts) last = await bob.see(CONV, 'alice', 'in', p);
    const r = asMessage(last!);
    expect(r.state).toBe('error');
    expect((await bob.vault.getMessage(r.messageId))?.error).toBe('unverifiable');
  });

  it('after a restore without history, old parts are collected again (and answered, not left pending)', async () => {
    const alice = await person('alice', undefined, { partLimit: LIMIT });
    const bob = await person('bob', undefined, { partLimit: LIMIT });
    await connect(alice, bob);
    const out = await alice.vault.encrypt(CONV, 'bob', 'w'.repeat(5_000));
    for (const p of out.parts) await bob.see(CONV, 'alice', 'in', p);
    const { file, recoveryKey } = await bob.vault.exportBackup({ history: false });
    const restored = await person('bob', undefined, { partLimit: LIMIT });
    await restored.vault.importBackup(file, recoveryKey);
    let last = null;
    for (const p of out.parts) last = await restored.see(CONV, 'alice', 'in', p);
    const r = asMessage(last!);
    expect(r.state).toBe('error');
    expect((await restored.vault.getMessage(r.messageId))?.error).toBe('replay');
  });

  it('incomplete groups are bounded and dropped when stale', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock, { partLimit: LIMIT });
    const bob = await person('bob', clock, { partLimit: LIMIT });
    await connect(alice, bob);
    // 40 different split messages, only their first part each.
    for (let i = 0; i < 40; i++) {
      const out = await alice.vault.encrypt(CONV, 'bob', `${i} `.repeat(2_000));
      expect((await bob.see(CONV, 'alice', 'in', out.parts[0]!)).kind).toBe('part-pending');
    }
    const countGroups = async () => {
      const store = await openStore({ indexedDB: bob.factory });
      const settings = await store.getAll('settings');
      store.close();
      return settings.filter((s) => s.name.startsWith('vault:parts:')).length;
    };
    expect(await countGroups()).toBe(32);
    clock.tick(8 * DAY);
    const late = await alice.vault.encrypt(CONV, 'bob', 'z'.repeat(5_000));
    expect((await bob.see(CONV, 'alice', 'in', late.parts[0]!)).kind).toBe('part-pending');
    expect(await countGroups()).toBe(1);
  });
});
