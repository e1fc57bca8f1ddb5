// The host is the adversary, including X logged in as your contact: a new key for a pinned
// handle is pending, never applied on arrival, whether the contact was verified or not.
import { describe, expect, it } from 'vitest';
import {
  asMessage,
  Clock,
  CONV,
  connect,
  DAY,
  deliverParts,
  expectVaultError,
  type Person,
  person,
  send,
} from './helpers';

/**
 * The attack from the hostile review: a fresh Sotto logged in as @bob (the host can do this
 * from its servers) accepts Alice's earlier invitation and writes in Bob's name.
 */
async function impostorAcceptsOldInvite(alice: Person, oldInvite: { parts: string[] }) {
  const impostor = await person('bob', alice.clock);
  const seen = asMessage(await deliverParts(impostor, CONV, 'alice', oldInvite.parts));
  const accept = await impostor.vault.acceptInvite(seen.messageId);
  const acceptRow = asMessage(await deliverParts(alice, CONV, 'bob', accept.parts));
  const text = await impostor.vault.encrypt(CONV, 'alice', 'it is me, bob, new laptop');
  const textRow = asMessage(await deliverParts(alice, CONV, 'bob', text.parts));
  return { impostor, acceptRow, textRow };
}

/** Alice sends `text` and says who of `readers` can read it. */
async function whoReads(alice: Person, text: string, readers: Person[]) {
  const sent = await alice.vault.encrypt(CONV, 'bob', text);
  const states: string[] = [];
  for (const reader of readers) {
    states.push(asMessage(await deliverParts(reader, CONV, 'alice', sent.parts)).state);
  }
  return states;
}

describe.each([
  ['an unverified', false],
  ['a verified', true],
])('a forged session start for %s contact', (_label, verified) => {
  it('leaves the pin and the sending session alone, holds its text, and waits for a decision', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    const { invite } = await connect(alice, bob);
    await send(bob, alice, 'real bob');
    if (verified) await alice.vault.setVerified('bob', true);
    const pinned = await alice.vault.contact('bob');

    clock.tick(DAY);
    const { impostor, acceptRow, textRow } = await impostorAcceptsOldInvite(alice, invite);

    // Nothing the impostor sent reads as genuine.
    expect(acceptRow.state).toBe('error');
    expect(textRow.state).toBe('error');
    expect(await alice.vault.getMessage(textRow.messageId)).toMatchObject({
      state: 'error',
      error: 'key-changed',
      text: null,
    });
    // The pin is Bob's; the impostor's key is pending, shown with its own safety number.
    const after = await alice.vault.contact('bob');
    expect(after).toMatchObject({
      fingerprint: pinned!.fingerprint,
      safetyNumber: pinned!.safetyNumber,
      verified,
      keyChanged: true,
      blocked: false,
    });
    expect(after?.pendingKey?.fingerprint).toBe((await impostor.vault.identity()).fingerprint);
    expect(after?.pendingKey?.safetyNumber).not.toBe(pinned!.safetyNumber);
    // Sending waits, with the reason, until Alice decides.
    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('key-changed-blocked');
    await expectVaultError(alice.vault.encrypt(CONV, 'bob', 'to whom?'), 'KEY_CHANGED_BLOCKED');
    expect((await alice.vault.callTarget('bob')).state).toBe('key-changed-blocked');

    // Keep the old key: sending resumes on Bob's session; the impostor reads nothing. The
    // answer names the conversations with Bob, whose compose frames must look again.
    expect(await alice.vault.decideKey('bob', 'keep')).toEqual([CONV]);
    expect(await alice.vault.contact('bob')).toMatchObject({
      fingerprint: pinned!.fingerprint,
      verified,
      keyChanged: false,
      pendingKey: null,
    });
    expect(await whoReads(alice, 'for bob only', [bob, impostor])).toEqual(['decrypted', 'error']);
    // What the impostor said stays held, and more from its session decrypts to nothing.
    expect((await alice.vault.getMessage(textRow.messageId))?.text).toBeNull();
    const more = await impostor.vault.encrypt(CONV, 'alice', 'still me');
    expect(asMessage(await deliverParts(alice, CONV, 'bob', more.parts)).state).toBe('error');
  });
});

describe('pending keys', () => {
  it('a forged invite for a verified contact changes nothing until decided', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    await connect(alice, bob);
    await alice.vault.setVerified('bob', true);
    const pinned = await alice.vault.contact('bob');

    const impostor = await person('bob', clock);
    const forged = await impostor.vault.createInvite(CONV, 'alice');
    const row = asMessage(await deliverParts(alice, CONV, 'bob', forged.parts));
    expect(row.state).toBe('invite');
    expect(await alice.vault.contact('bob')).toMatchObject({
      fingerprint: pinned!.fingerprint,
      verified: true,
      keyChanged: true,
    });
    // The invite cannot be accepted past the pending key, and nothing goes out meanwhile.
    await expectVaultError(alice.vault.acceptInvite(row.messageId), 'KEY_CHANGED_BLOCKED');
    await expectVaultError(alice.vault.encrypt(CONV, 'bob', 'hm'), 'KEY_CHANGED_BLOCKED');
    await alice.vault.decideKey('bob', 'keep');
    expect(await alice.vault.contact('bob')).toMatchObject({ verified: true, keyChanged: false });
    expect(await whoReads(alice, 'verified still', [bob])).toEqual(['decrypted']);
  });

  it('trusting the new key shows its held text and sends on its session', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    const { invite } = await connect(alice, bob);
    await alice.vault.setVerified('bob', true);
    const old = await alice.vault.contact('bob');
    const { impostor: newBob, textRow } = await impostorAcceptsOldInvite(alice, invite);

    await alice.vault.decideKey('bob', 'trust');
    const now = await alice.vault.contact('bob');
    expect(now).toMatchObject({
      fingerprint: (await newBob.vault.identity()).fingerprint,
      verified: false,
      keyChanged: false,
      pendingKey: null,
    });
    expect(now?.keyHistory.map((k) => k.fingerprint)).toEqual([old!.fingerprint]);
    expect((await alice.vault.getMessage(textRow.messageId))?.text).toBe(
      'it is me, bob, new laptop',
    );
    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('ready');
    expect(await whoReads(alice, 'welcome, new bob', [newBob, bob])).toEqual([
      'decrypted',
      'error',
    ]);
  });

  it('blocking sends to neither key and holds what comes; keeping the old key lifts it', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    const { invite } = await connect(alice, bob);
    const { impostor } = await impostorAcceptsOldInvite(alice, invite);

    await alice.vault.decideKey('bob', 'block');
    expect(await alice.vault.contact('bob')).toMatchObject({
      blocked: true,
      pendingKey: { fingerprint: (await impostor.vault.identity()).fingerprint },
    });
    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('blocked');
    await expectVaultError(alice.vault.encrypt(CONV, 'bob', 'no'), 'KEY_CHANGED_BLOCKED');
    const fromBob = (await send(bob, alice, 'while blocked')).got;
    expect(fromBob.state).toBe('error');
    expect((await alice.vault.getMessage(fromBob.messageId))?.error).toBe('key-changed');
    const fromImpostor = await impostor.vault.encrypt(CONV, 'alice', 'me too');
    expect(asMessage(await deliverParts(alice, CONV, 'bob', fromImpostor.parts)).state).toBe(
      'error',
    );

    await alice.vault.decideKey('bob', 'keep');
    expect((await alice.vault.getMessage(fromBob.messageId))?.text).toBe('while blocked');
    expect(await whoReads(alice, 'unblocked', [bob, impostor])).toEqual(['decrypted', 'error']);
  });

  it('a blocked contact cannot ring', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    await connect(alice, bob);
    await send(alice, bob, 'my address rides along');
    await send(bob, alice, 'and mine');
    const ring = async () => {
      const ticket = await bob.vault.prepareCall('alice', 'audio', 'c'.repeat(32));
      return alice.vault.receiveRing(ticket.ring!);
    };
    expect((await ring()).ok).toBe(true);
    await alice.vault.decideKey('bob', 'block');
    expect(await ring()).toEqual({ ok: false, reason: 'stranger' });
  });

  it('a pending key carries no presence address: rings go to the pinned installation', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    const { invite } = await connect(alice, bob);
    await send(bob, alice, 'my address rides along');
    const before = await alice.vault.prepareCall('bob', 'audio', 'a'.repeat(32));
    await impostorAcceptsOldInvite(alice, invite);
    await alice.vault.decideKey('bob', 'keep');
    const after = await alice.vault.prepareCall('bob', 'audio', 'b'.repeat(32));
    expect(after.presenceAddress).toBe(before.presenceAddress);
    expect(after.presenceAddress).toBe(await bob.vault.presenceAddress());
  });
});
