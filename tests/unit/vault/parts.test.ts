// Envelopes longer than the host's limit travel as parts: collected until complete.
import { describe, expect, it } from 'vitest';
import { concatBytes as concat } from '../../../lib/crypto/bytes';
import { FRAME_PART } from '../../../lib/crypto/constants';
import { encodeFrameText, parseText } from '../../../lib/crypto/envelope';
import { openStore } from '../../../lib/store';
import { parsePartGroup } from '../../../lib/vault/records';
import { asMessage, Clock, CONV, connect, DAY, deliverParts, person } from './helpers';

const LIMIT = 2_500; // small, so a few KB of text needs several parts

/** A well-formed part with the same id, index and count but other bytes (variant `n`). */
function forge(part: string, n: number): string {
  const at = 100 + 10 * n;
  return `${part.slice(0, at)}${part[at] === 'A' ? 'B' : 'A'}${part.slice(at + 1)}`;
}

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

  it('a forged part shown before the real one does not stop the message; parts from another conversation do not mix', async () => {
    const alice = await person('alice', undefined, { partLimit: LIMIT });
    const bob = await person('bob', undefined, { partLimit: LIMIT });
    await connect(alice, bob);
    const out = await alice.vault.encrypt(CONV, 'bob', 'y'.repeat(5_000));
    // In a different conversation the same parts start their own collection.
    expect((await bob.see('conv-elsewhere', 'alice', 'in', out.parts[0]!)).kind).toBe(
      'part-pending',
    );
    // The host shows a forged part 2 (well-formed, same part id, wrong bytes) first…
    const forged = forge(out.parts[1]!, 0);
    for (const p of [out.parts[0]!, forged, ...out.parts.slice(2)]) {
      // …so nothing joins yet: every row waits for the rest, none is marked unverifiable.
      expect((await bob.see(CONV, 'alice', 'in', p)).kind).toBe('part-pending');
    }
    // The real part 2 still makes the message.
    expect(asMessage(await bob.see(CONV, 'alice', 'in', out.parts[1]!))).toEqual({
      messageId: out.messageId,
      state: 'decrypted',
    });
    expect((await bob.vault.getMessage(out.messageId))?.text).toBe('y'.repeat(5_000));
    // The forged text, shown again later, answers with the message like any part of it.
    expect(asMessage(await bob.see(CONV, 'alice', 'in', forged)).messageId).toBe(out.messageId);
  });

  it('a part claiming another part count, shown first, does not shut the real parts out', async () => {
    const alice = await person('alice', undefined, { partLimit: LIMIT });
    const bob = await person('bob', undefined, { partLimit: LIMIT });
    await connect(alice, bob);
    const out = await alice.vault.encrypt(CONV, 'bob', 'v'.repeat(5_000));
    const parsed = parseText(out.parts[1]!);
    if (!parsed.ok || parsed.value.frame.kind !== 'part') throw new Error('not a part');
    const { messageId, index, total, chunk } = parsed.value.frame;
    const recounted = encodeFrameText(
      concat(Uint8Array.of(FRAME_PART), messageId, Uint8Array.of(index, total + 1), chunk),
    );
    expect((await bob.see(CONV, 'alice', 'in', recounted)).kind).toBe('part-pending');
    expect(asMessage(await deliverParts(bob, CONV, 'alice', out.parts))).toEqual({
      messageId: out.messageId,
      state: 'decrypted',
    });
  });

  it('candidates are bounded: once every index is full of texts that do not join, the message is unverifiable', async () => {
    const alice = await person('alice', undefined, { partLimit: LIMIT });
    const bob = await person('bob', undefined, { partLimit: LIMIT });
    await connect(alice, bob);
    const out = await alice.vault.encrypt(CONV, 'bob', 'u'.repeat(5_000));
    const forgeries = out.parts.flatMap((p) => [0, 1, 2, 3].map((n) => forge(p, n)));
    const answers = [];
    for (const f of forgeries) answers.push(await bob.see(CONV, 'alice', 'in', f));
    expect(answers.slice(0, -1).every((a) => a.kind === 'part-pending')).toBe(true);
    const r = asMessage(answers.at(-1)!);
    expect(r.state).toBe('error');
    expect((await bob.vault.getMessage(r.messageId))?.error).toBe('unverifiable');
    // The real parts come too late: every index already holds its four candidates.
    const late = asMessage(await deliverParts(bob, CONV, 'alice', out.parts));
    expect(late).toEqual(r);
    expect(await bob.vault.getMessage(out.messageId)).toBeNull();
  });

  it('a part group stored before candidates were kept is read as one candidate per index', () => {
    const old = {
      conversationId: CONV,
      partId: 'ab'.repeat(8),
      total: 3,
      firstSeen: 5,
      parts: ['SOTTO1.one.', '', 'SOTTO1.three.'],
      messageId: null,
    };
    expect(parsePartGroup(old)).toEqual({
      ...old,
      parts: ['SOTTO1.one.', 'SOTTO1.three.'],
      slots: [
        { index: 1, total: 3 },
        { index: 3, total: 3 },
      ],
    });
    const done = { ...old, parts: [], messageId: 'cd'.repeat(32) };
    expect(parsePartGroup(done)).toEqual({ ...done, slots: [] });
    // A new record's slots must match its candidates.
    expect(() => parsePartGroup({ ...old, slots: [{ index: 1, total: 3 }] })).toThrow();
    expect(() =>
      parsePartGroup({ ...old, parts: ['a'], slots: [{ index: 4, total: 3 }] }),
    ).toThrow();
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
