// Whether a call button may place a call: only with an established session, by handle.
import { describe, expect, it } from 'vitest';
import { asMessage, Clock, CONV, connect, DAY, deliverParts, person } from './helpers';

describe('call target', () => {
  it('is no-session until the invite is accepted, then ready on both sides', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    expect(await alice.vault.callTarget('bob')).toEqual({ state: 'no-session' });

    const invite = await alice.vault.createInvite(CONV, 'bob');
    await deliverParts(alice, CONV, 'bob', invite.parts, 'out');
    const seen = asMessage(await deliverParts(bob, CONV, 'alice', invite.parts));
    // Bob has Alice's key pinned from the invite, but no session until he accepts.
    expect(await bob.vault.callTarget('alice')).toEqual({ state: 'no-session' });
    expect(await alice.vault.callTarget('bob')).toEqual({ state: 'no-session' });

    const accept = await bob.vault.acceptInvite(seen.messageId);
    expect(await bob.vault.callTarget('alice')).toEqual({ state: 'ready' });
    await deliverParts(alice, CONV, 'bob', accept.parts);
    expect(await alice.vault.callTarget('bob')).toEqual({ state: 'ready' });
    // Handles are case-insensitive on X; other people are still strangers.
    expect(await alice.vault.callTarget('Bob')).toEqual({ state: 'ready' });
    expect(await alice.vault.callTarget('carol')).toEqual({ state: 'no-session' });
  });

  it("is blocked after a verified contact's key changed", async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    await connect(alice, bob);
    await alice.vault.setVerified('bob', true);
    clock.tick(DAY);
    const bob2 = await person('bob', clock);
    const invite2 = await bob2.vault.createInvite(CONV, 'alice');
    await deliverParts(alice, CONV, 'bob', invite2.parts);
    expect(await alice.vault.callTarget('bob')).toEqual({ state: 'key-changed-blocked' });
  });
});
