// Trust on first use, key changes, verification, safety numbers, prekey rotation.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../lib/store';
import {
  asMessage,
  Clock,
  CONV,
  connect,
  DAY,
  deliverParts,
  expectVaultError,
  person,
  send,
} from './helpers';

describe('contacts and keys', () => {
  it('pins the first key, shows the same 60-digit safety number on both sides', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    expect(await alice.vault.contact('bob')).toBeNull();
    await connect(alice, bob);
    const bobSeenByAlice = await alice.vault.contact('bob');
    const aliceSeenByBob = await bob.vault.contact('@Alice');
    expect(bobSeenByAlice).toMatchObject({
      handle: 'bob',
      fingerprint: (await bob.vault.identity()).fingerprint,
      verified: false,
      keyChanged: false,
      keyHistory: [],
    });
    expect(aliceSeenByBob?.fingerprint).toBe((await alice.vault.identity()).fingerprint);
    expect(bobSeenByAlice?.safetyNumber).toMatch(/^\d{60}$/);
    expect(bobSeenByAlice?.safetyNumber).toBe(aliceSeenByBob?.safetyNumber);
    expect(bobSeenByAlice?.fingerprint).not.toBe(aliceSeenByBob?.fingerprint);
    // The identity is stable across restarts.
    const before = await alice.vault.identity();
    await alice.restart();
    expect(await alice.vault.identity()).toEqual(before);
  });

  it("a reinstalled contact's new key waits for the user; trusting it moves sending to it", async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    await connect(alice, bob);
    await send(bob, alice, 'before the change');
    await alice.vault.setVerified('bob', true);
    const verified = await alice.vault.contact('bob');
    expect(verified).toMatchObject({ verified: true, keyChanged: false, pendingKey: null });

    // Bob reinstalls (a new identity) — or the host impersonates him; the vault cannot tell,
    // so the new key is pending and the pin stays as it was (tests/unit/vault/pending-keys).
    clock.tick(DAY);
    const bob2 = await person('bob', clock);
    const invite2 = await bob2.vault.createInvite(CONV, 'alice');
    const inv2 = asMessage(await deliverParts(alice, CONV, 'bob', invite2.parts));
    expect(inv2.state).toBe('invite');
    const pending = await alice.vault.contact('bob');
    expect(pending).toMatchObject({
      verified: true,
      keyChanged: true,
      fingerprint: verified!.fingerprint,
      pendingKey: { fingerprint: (await bob2.vault.identity()).fingerprint },
    });
    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('key-changed-blocked');
    await expectVaultError(alice.vault.encrypt(CONV, 'bob', 'blocked?'), 'KEY_CHANGED_BLOCKED');
    await expectVaultError(alice.vault.acceptInvite(inv2.messageId), 'KEY_CHANGED_BLOCKED');
    // Marking them "not verified" is not a way around the decision.
    await alice.vault.setVerified('bob', false);
    await expectVaultError(
      alice.vault.encrypt(CONV, 'bob', 'still blocked?'),
      'KEY_CHANGED_BLOCKED',
    );

    // Trusting the new key: it is pinned (the old one in history, unverified), and Bob's new
    // invitation is now the one to accept.
    await alice.vault.approveKeyChange('bob');
    const changed = await alice.vault.contact('bob');
    expect(changed).toMatchObject({ verified: false, keyChanged: false, pendingKey: null });
    expect(changed?.fingerprint).toBe((await bob2.vault.identity()).fingerprint);
    expect(changed?.keyHistory).toEqual([
      { fingerprint: verified!.fingerprint, seen: verified!.firstSeen },
    ]);
    expect(changed?.safetyNumber).not.toBe(verified?.safetyNumber);
    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('invite-received');
    const accept = await alice.vault.acceptInvite(inv2.messageId);
    expect(asMessage(await deliverParts(bob2, CONV, 'alice', accept.parts)).state).toBe('accepted');
    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('ready');
    // Old messages from the old key stay readable.
    const history = await alice.vault.listMessages(CONV);
    expect(history.find((m) => m.text === 'before the change')?.state).toBe('decrypted');
    const reply = await alice.vault.encrypt(CONV, 'bob', 'welcome back');
    expect(asMessage(await deliverParts(bob2, CONV, 'alice', reply.parts)).state).toBe('decrypted');
    // The old Bob (old key) can no longer read what Alice sends.
    const old = asMessage(await deliverParts(bob, CONV, 'alice', reply.parts));
    expect(old.state).toBe('error');
    await expectVaultError(alice.vault.setVerified('nobody', true), 'BAD_INPUT');
    await expectVaultError(alice.vault.approveKeyChange('nobody'), 'BAD_INPUT');
  });

  it('an init from a new key for a verified contact is held, then readable after approval', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    await connect(alice, bob);
    await alice.vault.setVerified('bob', true);
    // Alice's invite is still in the conversation; a new Bob accepts it and writes at once.
    const aliceInvite = await alice.vault.createInvite(CONV, 'bob');
    const bob2 = await person('bob', clock);
    const seen = asMessage(await deliverParts(bob2, CONV, 'alice', aliceInvite.parts));
    await bob2.vault.acceptInvite(seen.messageId);
    const first = await bob2.vault.encrypt(CONV, 'alice', 'init-carried text');
    // Alice never saw the accept (the host dropped it): the text arrives as a new init.
    const row = asMessage(await deliverParts(alice, CONV, 'bob', first.parts));
    expect(row.state).toBe('error');
    expect((await alice.vault.getMessage(row.messageId))?.error).toBe('key-changed');
    expect((await alice.vault.contact('bob'))?.keyChanged).toBe(true);
    await alice.vault.approveKeyChange('bob');
    expect((await alice.vault.getMessage(row.messageId))?.text).toBe('init-carried text');
  });

  it('prekeys rotate weekly; old invites work through the grace period, then not', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    const carol = await person('carol', clock);
    const early = await alice.vault.createInvite('conv-ac', 'carol');
    const earlyForBob = await alice.vault.createInvite(CONV, 'bob');

    clock.tick(8 * DAY);
    const later = await alice.vault.createInvite(CONV, 'bob');
    expect(later.parts[0]).not.toBe(earlyForBob.parts[0]); // a new prekey
    // Bob accepts the week-old invite: still inside the grace period.
    const seen = asMessage(await deliverParts(bob, CONV, 'alice', earlyForBob.parts));
    const accept = await bob.vault.acceptInvite(seen.messageId);
    expect(asMessage(await deliverParts(alice, CONV, 'bob', accept.parts)).state).toBe('accepted');

    // 40 days after it was retired, the old prekey is gone: accepting that invite fails.
    clock.tick(40 * DAY);
    await alice.vault.identity(); // any use of the keys prunes expired prekeys
    const seenByCarol = asMessage(await deliverParts(carol, 'conv-ac', 'alice', early.parts));
    const late = await carol.vault.acceptInvite(seenByCarol.messageId);
    const row = asMessage(await deliverParts(alice, 'conv-ac', 'carol', late.parts));
    expect(row.state).toBe('error');
    expect((await alice.vault.getMessage(row.messageId))?.error).toBe('unverifiable');

    // On disk: the identity, the current prekey and the one retired 40 days ago (both
    // halves each); the first prekey was deleted.
    const store = await openStore({ indexedDB: alice.factory });
    const records = await store.getAll('identity');
    store.close();
    const ids = records
      .filter((r) => r.kind === 'signedPrekey' || r.kind === 'kemPrekey')
      .map((r) => (r as { id: number }).id)
      .sort();
    expect(records.filter((r) => r.kind === 'identity')).toHaveLength(1);
    expect(ids).toEqual([2, 2, 3, 3]);
    // The session with Bob is unaffected by rotation.
    expect((await send(alice, bob, 'still here')).got.state).toBe('decrypted');
  });
});
