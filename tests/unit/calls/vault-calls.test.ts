// The vault's part in calls, between two real vaults (fake-indexeddb): presence addresses
// travel inside the ratchet, rings verify against pinned keys, and the call log remembers.
import { describe, expect, test } from 'vitest';
import { parseRing } from '../../../lib/calls';
import { fromHex } from '../../../lib/crypto';
import { Clock, connect, person, send } from '../vault/helpers';

const PEER = 'a'.repeat(32);

describe('calls in the vault', () => {
  test("each side learns the other's presence address from the accept and from text, never from the invite", async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    const invite = await alice.vault.createInvite('c1', 'bob');
    // The invite is public: the address must not be in it (the host could map it to a handle).
    const aliceAddress = await alice.vault.presenceAddress();
    expect(invite.parts.join('')).not.toContain(aliceAddress);
    await connect(alice, bob, 'c2');
    const bobAddress = await bob.vault.presenceAddress();
    expect(bobAddress).toMatch(/^[0-9a-f]{32}$/);
    expect(bobAddress).not.toBe(aliceAddress);
    // Bob's accept carried his address to Alice.
    expect((await alice.vault.prepareCall('bob', 'video', PEER)).presenceAddress).toBe(bobAddress);
    // Alice has sent nothing yet: Bob does not know where to reach her.
    expect((await bob.vault.prepareCall('alice', 'audio', PEER)).presenceAddress).toBeNull();
    await send(alice, bob, 'hello', 'c2');
    expect((await bob.vault.prepareCall('alice', 'audio', PEER)).presenceAddress).toBe(
      aliceAddress,
    );
    // The address is stable across restarts.
    await bob.restart();
    expect(await bob.vault.presenceAddress()).toBe(bobAddress);
  });

  test('a ring verifies once against the pinned key, is logged as missed, and is refused when replayed', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    const carol = await person('carol', clock);
    await connect(alice, bob);
    const ticket = await alice.vault.prepareCall('bob', 'video', PEER);
    const parsed = parseRing(ticket.ring);
    expect(parsed.ok && parsed.value.fields.peerId).toBe(PEER);
    expect(ticket.ownKey).toBe(
      parsed.ok ? Buffer.from(parsed.value.fields.callerKey).toString('hex') : '',
    );

    clock.tick(2000);
    const rung = await bob.vault.receiveRing(ticket.ring!);
    expect(rung).toMatchObject({
      ok: true,
      value: {
        callId: ticket.callId,
        handle: 'alice',
        media: 'video',
        peerId: PEER,
        peerKey: ticket.ownKey,
      },
    });
    expect(await bob.vault.callLog(10)).toEqual([
      expect.objectContaining({
        id: ticket.callId,
        handle: 'alice',
        direction: 'in',
        outcome: 'missed',
      }),
    ]);
    expect(await bob.vault.receiveRing(ticket.ring!)).toEqual({ ok: false, reason: 'replay' });
    // Still refused after a restart: the call log is the replay guard.
    await bob.restart();
    expect(await bob.vault.receiveRing(ticket.ring!)).toEqual({ ok: false, reason: 'replay' });

    // Carol is nobody to Bob.
    await connect(carol, alice, 'c3');
    const stranger = await carol.vault.prepareCall('alice', 'audio', PEER);
    expect(await bob.vault.receiveRing(stranger.ring!)).toEqual({ ok: false, reason: 'stranger' });

    // The answer updates the log entry.
    const entry = (await bob.vault.callLog(1))[0]!;
    await bob.vault.recordCall({ ...entry, outcome: 'answered', endedAt: clock.now() });
    expect((await bob.vault.callLog(1))[0]).toMatchObject({ outcome: 'answered' });
    expect(fromHex(ticket.peerKey)).toHaveLength(32);
  });

  test("a ring replayed to another of the caller's contacts is refused and not logged", async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    const carol = await person('carol', clock);
    await connect(alice, bob);
    await connect(alice, carol, 'c3');
    // Both have Alice pinned; the server hands Carol the ring Alice sent Bob.
    const ticket = await alice.vault.prepareCall('bob', 'video', PEER);
    const parsed = parseRing(ticket.ring);
    expect(parsed.ok && parsed.value.fields.calleeAddress).toBe(await bob.vault.presenceAddress());
    expect(parsed.ok && Buffer.from(parsed.value.fields.calleeKey).toString('hex')).toBe(
      ticket.peerKey,
    );
    expect(await carol.vault.receiveRing(ticket.ring!)).toEqual({
      ok: false,
      reason: 'wrong-callee',
    });
    expect(await carol.vault.callLog(10)).toEqual([]);
    expect(await bob.vault.receiveRing(ticket.ring!)).toMatchObject({ ok: true });
  });

  test("without the callee's presence address there is no ring to send", async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    await connect(alice, bob);
    // Alice has not written to Bob yet, so he does not know where she listens.
    expect(await bob.vault.prepareCall('alice', 'audio', PEER)).toMatchObject({
      presenceAddress: null,
      ring: null,
    });
  });

  test('a stale ring is refused', async () => {
    const clock = new Clock();
    const alice = await person('alice', clock);
    const bob = await person('bob', clock);
    await connect(alice, bob);
    const ticket = await alice.vault.prepareCall('bob', 'audio', PEER);
    clock.tick(5 * 60_000);
    expect(await bob.vault.receiveRing(ticket.ring!)).toEqual({ ok: false, reason: 'stale' });
    expect(await bob.vault.callLog(10)).toEqual([]);
  });
});
