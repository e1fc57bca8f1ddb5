// Session crossing: both people accept each other's invites at once.
import { describe, expect, it } from 'vitest';
import { inspectEnvelope } from '../../../lib/crypto';
import { asMessage, CONV, deliverParts, type Person, person, send } from './helpers';

function sessionOf(envelope: string): string {
  const info = inspectEnvelope(envelope);
  if (!info.ok || (info.value.kind !== 'message' && info.value.kind !== 'init')) {
    throw new Error('not a ratchet envelope');
  }
  return info.value.sessionId;
}

async function crossInvites(alice: Person, bob: Person) {
  const fromAlice = await alice.vault.createInvite(CONV, 'bob');
  const fromBob = await bob.vault.createInvite(CONV, 'alice');
  const atBob = asMessage(await deliverParts(bob, CONV, 'alice', fromAlice.parts));
  const atAlice = asMessage(await deliverParts(alice, CONV, 'bob', fromBob.parts));
  // Both accept before either sees the other's acceptance.
  const aliceAccepts = await alice.vault.acceptInvite(atAlice.messageId);
  const bobAccepts = await bob.vault.acceptInvite(atBob.messageId);
  return { aliceAccepts, bobAccepts };
}

describe('session crossing', () => {
  for (const aliceFirst of [true, false]) {
    it(`both sides converge on one session (${aliceFirst ? 'Alice' : 'Bob'} reads the other's acceptance first)`, async () => {
      const alice = await person('alice');
      const bob = await person('bob');
      const { aliceAccepts, bobAccepts } = await crossInvites(alice, bob);
      const sA = sessionOf(aliceAccepts.parts[0]!);
      const sB = sessionOf(bobAccepts.parts[0]!);
      expect(sA).not.toBe(sB);

      if (aliceFirst) {
        expect(asMessage(await deliverParts(alice, CONV, 'bob', bobAccepts.parts)).state).toBe(
          'accepted',
        );
        expect(asMessage(await deliverParts(bob, CONV, 'alice', aliceAccepts.parts)).state).toBe(
          'accepted',
        );
      } else {
        expect(asMessage(await deliverParts(bob, CONV, 'alice', aliceAccepts.parts)).state).toBe(
          'accepted',
        );
        expect(asMessage(await deliverParts(alice, CONV, 'bob', bobAccepts.parts)).state).toBe(
          'accepted',
        );
      }
      expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('ready');
      expect((await bob.vault.composeTarget(CONV, 'alice')).state).toBe('ready');

      // Both now send on the same session: the one with the smaller id.
      const chosen = [sA, sB].sort()[0];
      const a1 = await alice.vault.encrypt(CONV, 'bob', 'alice after crossing');
      const b1 = await bob.vault.encrypt(CONV, 'alice', 'bob after crossing');
      expect(sessionOf(a1.parts[0]!)).toBe(chosen);
      expect(sessionOf(b1.parts[0]!)).toBe(chosen);
      expect(asMessage(await deliverParts(bob, CONV, 'alice', a1.parts)).state).toBe('decrypted');
      expect(asMessage(await deliverParts(alice, CONV, 'bob', b1.parts)).state).toBe('decrypted');
      // And stay there through a conversation.
      for (let i = 0; i < 6; i++) {
        const r = i % 2 === 0 ? await send(alice, bob, `a${i}`) : await send(bob, alice, `b${i}`);
        expect(r.got.state).toBe('decrypted');
        expect(sessionOf(r.sent.parts[0]!)).toBe(chosen);
      }
    });
  }

  it('messages sent on the other session before convergence still decrypt', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const { aliceAccepts, bobAccepts } = await crossInvites(alice, bob);
    // Before reading anything, each writes on their own new session.
    const early = await alice.vault.encrypt(CONV, 'bob', 'early from alice');
    const earlyBob = await bob.vault.encrypt(CONV, 'alice', 'early from bob');
    await deliverParts(alice, CONV, 'bob', bobAccepts.parts);
    await deliverParts(bob, CONV, 'alice', aliceAccepts.parts);
    expect(asMessage(await deliverParts(bob, CONV, 'alice', early.parts)).state).toBe('decrypted');
    expect(asMessage(await deliverParts(alice, CONV, 'bob', earlyBob.parts)).state).toBe(
      'decrypted',
    );
    const after = await send(alice, bob, 'converged');
    expect(after.got.state).toBe('decrypted');
    expect((await send(bob, alice, 'yes')).got.state).toBe('decrypted');
  });
});
