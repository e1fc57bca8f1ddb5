// The MV3 worker can be killed between any two calls: re-open both vaults from their
// IndexedDB before every single step and check nothing is lost or reused.
import { describe, expect, it } from 'vitest';
import { asMessage, CONV, deliverParts, person } from './helpers';

describe('surviving worker restarts', () => {
  it('re-opening between every step of a conversation loses nothing and reuses no key', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const both = async () => {
      await alice.restart();
      await bob.restart();
    };

    const invite = await alice.vault.createInvite(CONV, 'bob');
    await both();
    const inv = asMessage(await deliverParts(bob, CONV, 'alice', invite.parts));
    await both();
    expect((await bob.vault.composeTarget(CONV, 'alice')).state).toBe('invite-received');
    await both();
    const accept = await bob.vault.acceptInvite(inv.messageId);
    await both();
    expect(asMessage(await deliverParts(alice, CONV, 'bob', accept.parts)).state).toBe('accepted');
    await both();

    const sent: { from: 'alice' | 'bob'; text: string; envelope: string; id: string }[] = [];
    // Alternating, then runs from each side, with a restart around every call.
    const plan: ('alice' | 'bob')[] = [
      ...Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 'alice' : 'bob') as 'alice' | 'bob'),
      'alice',
      'alice',
      'alice',
      'bob',
      'bob',
      'alice',
    ];
    for (const [i, who] of plan.entries()) {
      const [from, to] = who === 'alice' ? [alice, bob] : [bob, alice];
      const text = `step ${i} by ${who}`;
      const out = await from.vault.encrypt(CONV, to.handle, text);
      await both();
      expect(asMessage(await deliverParts(from, CONV, to.handle, out.parts, 'out'))).toEqual({
        messageId: out.messageId,
        state: 'sent',
      });
      await both();
      expect(asMessage(await deliverParts(to, CONV, from.handle, out.parts))).toEqual({
        messageId: out.messageId,
        state: 'decrypted',
      });
      await both();
      sent.push({ from: who, text, envelope: out.parts[0]!, id: out.messageId });
    }

    // No envelope was produced twice (a rolled-back ratchet would re-derive a used key; the
    // receiver would then answer "replay" or fail, which the loop above would have caught).
    expect(new Set(sent.map((s) => s.envelope)).size).toBe(sent.length);
    // Everything is still there, readable, in order, after one more restart.
    await both();
    for (const p of [alice, bob]) {
      const texts = (await p.vault.listMessages(CONV))
        .filter((m) => m.kind === 'text')
        .map((m) => m.text);
      expect(texts).toEqual(sent.map((s) => s.text));
      for (const s of sent) {
        const view = await p.vault.getMessage(s.id);
        expect(view?.state).toBe(s.from === p.handle ? 'sent' : 'decrypted');
      }
    }
    // Re-rendered after restarts: recognised, not decrypted again.
    for (const s of sent) {
      const viewer = s.from === 'alice' ? bob : alice;
      expect(asMessage(await viewer.see(CONV, s.from, 'in', s.envelope)).messageId).toBe(s.id);
    }
  }, 30_000);

  it('a passphrase-locked vault re-opens locked, and a cached key re-opens it unlocked', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await alice.vault.setPassphrase('correct horse');
    const invite = await alice.vault.createInvite(CONV, 'bob');
    const key = alice.vault.exportUnlockedKey();

    await alice.restart();
    expect(alice.vault.status()).toEqual({ locked: true, hasPassphrase: true });
    await alice.vault.openWithKey(key);
    expect(alice.vault.status()).toEqual({ locked: false, hasPassphrase: true });

    const inv = asMessage(await deliverParts(bob, CONV, 'alice', invite.parts));
    const accept = await bob.vault.acceptInvite(inv.messageId);
    await alice.restart();
    await alice.vault.unlock('correct horse');
    expect(asMessage(await deliverParts(alice, CONV, 'bob', accept.parts)).state).toBe('accepted');
    await alice.restart();
    await alice.vault.openWithKey(key);
    const out = await alice.vault.encrypt(CONV, 'bob', 'after three restarts');
    expect(asMessage(await deliverParts(bob, CONV, 'alice', out.parts)).state).toBe('decrypted');
    expect((await bob.vault.getMessage(out.messageId))?.text).toBe('after three restarts');
  });

  it('two vault instances on one database never commit from the same ratchet state', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const invite = await alice.vault.createInvite(CONV, 'bob');
    const inv = asMessage(await deliverParts(bob, CONV, 'alice', invite.parts));
    const accept = await bob.vault.acceptInvite(inv.messageId);
    await deliverParts(alice, CONV, 'bob', accept.parts);

    // A second instance on Alice's database (e.g. a worker that started before the old one
    // finished). Their mutexes are separate; the revision check must still serialise them.
    const first = alice.vault;
    const { openVault } = await import('../../../lib/vault');
    const second = await openVault({ indexedDB: alice.factory, now: alice.clock.now });
    const outs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? first : second).encrypt(CONV, 'bob', `instance msg ${i}`),
      ),
    );
    expect(new Set(outs.map((o) => o.parts[0])).size).toBe(10);
    for (const [i, o] of outs.entries()) {
      const got = asMessage(await deliverParts(bob, CONV, 'alice', o.parts));
      expect(got.state).toBe('decrypted');
      expect((await bob.vault.getMessage(got.messageId))?.text).toBe(`instance msg ${i}`);
    }
    second.close();
  });
});
