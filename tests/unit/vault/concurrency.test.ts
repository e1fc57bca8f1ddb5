// One writer per conversation: concurrent calls never use the same chain key.
import { describe, expect, it } from 'vitest';
import { asMessage, CONV, connect, deliverParts, person, send } from './helpers';

describe('serialisation per conversation', () => {
  it('20 concurrent encrypts give 20 distinct envelopes, each decrypted by Bob exactly once', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await send(bob, alice, 'so Alice has a fresh chain');

    const texts = Array.from({ length: 20 }, (_, i) => `concurrent ${i}`);
    const outs = await Promise.all(texts.map((t) => alice.vault.encrypt(CONV, 'bob', t)));
    expect(new Set(outs.map((o) => o.parts[0])).size).toBe(20);
    expect(new Set(outs.map((o) => o.messageId)).size).toBe(20);

    // Bob reads them backwards (worst case for skipped keys), then every one again.
    const decrypted = new Map<string, string>();
    for (const o of [...outs].reverse()) {
      const got = asMessage(await deliverParts(bob, CONV, 'alice', o.parts));
      expect(got).toEqual({ messageId: o.messageId, state: 'decrypted' });
      decrypted.set(o.messageId, (await bob.vault.getMessage(got.messageId))!.text!);
    }
    for (const o of outs) {
      expect(asMessage(await deliverParts(bob, CONV, 'alice', o.parts))).toEqual({
        messageId: o.messageId,
        state: 'decrypted',
      });
    }
    expect([...decrypted.values()].sort()).toEqual([...texts].sort());
    outs.forEach((o, i) => {
      expect(decrypted.get(o.messageId)).toBe(texts[i]);
    });
    // Bob's history holds each exactly once.
    const inbound = (await bob.vault.listMessages(CONV)).filter(
      (m) => m.direction === 'in' && m.kind === 'text',
    );
    expect(inbound).toHaveLength(20);
  }, 20_000);

  it('concurrent ingest of the same envelope, and ingest racing encrypt, stay consistent', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    const out = await alice.vault.encrypt(CONV, 'bob', 'seen by three rows at once');
    const results = await Promise.all(
      [1, 2, 3].map(() => bob.see(CONV, 'alice', 'in', out.parts[0]!)),
    );
    for (const r of results)
      expect(asMessage(r)).toEqual({ messageId: out.messageId, state: 'decrypted' });

    // Bob replies while more of Alice's messages arrive.
    const more = await Promise.all(
      [0, 1, 2, 3].map((i) => alice.vault.encrypt(CONV, 'bob', `more ${i}`)),
    );
    const mixed = await Promise.all([
      ...more.map((m) => bob.see(CONV, 'alice', 'in', m.parts[0]!)),
      bob.vault.encrypt(CONV, 'alice', 'reply A'),
      bob.vault.encrypt(CONV, 'alice', 'reply B'),
    ]);
    for (const [i, m] of more.entries()) {
      expect(asMessage(mixed[i] as never)).toEqual({ messageId: m.messageId, state: 'decrypted' });
    }
    for (const reply of mixed.slice(4) as { messageId: string; parts: string[] }[]) {
      expect(asMessage(await deliverParts(alice, CONV, 'bob', reply.parts)).state).toBe(
        'decrypted',
      );
    }
  });

  it('conversations do not block each other, and each keeps its own session', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const carol = await person('carol');
    await connect(alice, bob, 'conv-ab');
    await connect(alice, carol, 'conv-ac');
    const [toBob, toCarol] = await Promise.all([
      Promise.all([0, 1, 2].map((i) => alice.vault.encrypt('conv-ab', 'bob', `bob ${i}`))),
      Promise.all([0, 1, 2].map((i) => alice.vault.encrypt('conv-ac', 'carol', `carol ${i}`))),
    ]);
    for (const m of toBob)
      expect(asMessage(await bob.see('conv-ab', 'alice', 'in', m.parts[0]!)).state).toBe(
        'decrypted',
      );
    for (const m of toCarol) {
      expect(asMessage(await carol.see('conv-ac', 'alice', 'in', m.parts[0]!)).state).toBe(
        'decrypted',
      );
    }
  });
});
