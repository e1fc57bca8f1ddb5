// What a hostile host can do with envelopes: alter, forge, move, replay, reflect.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../lib/store';
import { alter, asMessage, CONV, connect, deliverParts, person, send } from './helpers';

describe('a hostile host', () => {
  it('an altered or forged envelope is an "unverifiable" error, and costs the session nothing', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await send(bob, alice, 'warm up');
    const out = await alice.vault.encrypt(CONV, 'bob', 'the real one');

    const tampered = [
      alter(out.parts[0]!), // a body byte
      alter(out.parts[0]!, 20), // inside the session id / header
      alter(out.parts[0]!, out.parts[0]!.length - 3), // the tag
    ];
    for (const t of tampered) {
      const r = asMessage(await bob.see(CONV, 'alice', 'in', t));
      expect(r.state).toBe('error');
      expect((await bob.vault.getMessage(r.messageId))?.error).toBe('unverifiable');
      // Same tampered row again: the same error record, not a new one.
      expect(asMessage(await bob.see(CONV, 'alice', 'in', t)).messageId).toBe(r.messageId);
    }
    // Truncated, extended, garbage with a marker.
    for (const t of [
      out.parts[0]!.slice(0, -10),
      `${out.parts[0]!}x`,
      'SOTTO1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.',
    ]) {
      const r = asMessage(await bob.see(CONV, 'alice', 'in', t));
      expect(r.state).toBe('error');
      expect((await bob.vault.getMessage(r.messageId))?.error).toBe('unverifiable');
    }
    // A forged message for a session nobody has: random bytes shaped like a message.
    const forged = `SOTTO1.AAED${'q'.repeat(150)}.`;
    const f = asMessage(await bob.see(CONV, 'alice', 'in', forged));
    expect((await bob.vault.getMessage(f.messageId))?.error).toBe('unverifiable');
    // From a newer Sotto.
    const newer = asMessage(
      await bob.see(CONV, 'alice', 'in', out.parts[0]!.replace('SOTTO1.', 'SOTTO2.')),
    );
    expect((await bob.vault.getMessage(newer.messageId))?.error).toBe('version-too-new');

    // The genuine envelope still decrypts after all that.
    expect(asMessage(await bob.see(CONV, 'alice', 'in', out.parts[0]!))).toEqual({
      messageId: out.messageId,
      state: 'decrypted',
    });
  });

  it('an envelope shown in another conversation is "other-conversation", and does not poison the real one', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const carol = await person('carol');
    await connect(bob, alice, 'conv-ab');
    await connect(carol, alice, 'conv-ac');
    const toAlice = await bob.vault.encrypt('conv-ab', 'alice', 'for alice, in conv-ab');

    // The host shows it first in Alice's conversation with Carol…
    const wrong = asMessage(await alice.see('conv-ac', 'carol', 'in', toAlice.parts[0]!));
    expect(wrong.state).toBe('error');
    expect(await alice.vault.getMessage(wrong.messageId)).toMatchObject({
      conversationId: 'conv-ac',
      error: 'other-conversation',
      text: null,
    });
    // …then where it belongs: it decrypts.
    const right = asMessage(await alice.see('conv-ab', 'bob', 'in', toAlice.parts[0]!));
    expect(right).toEqual({ messageId: toAlice.messageId, state: 'decrypted' });
    // Moved again after decrypting: still an error there, still fine here.
    expect(asMessage(await alice.see('conv-ac', 'carol', 'in', toAlice.parts[0]!)).state).toBe(
      'error',
    );
    expect(asMessage(await alice.see('conv-ab', 'bob', 'in', toAlice.parts[0]!)).state).toBe(
      'decrypted',
    );
    // Same conversation id but claimed to be from someone else.
    const otherPartner = asMessage(await alice.see('conv-ab', 'mallory', 'in', toAlice.parts[0]!));
    expect((await alice.vault.getMessage(otherPartner.messageId))?.error).toBe(
      'other-conversation',
    );
    // Carol's conversation is unharmed.
    const fromCarol = await carol.vault.encrypt('conv-ac', 'alice', 'carol here');
    expect(asMessage(await alice.see('conv-ac', 'carol', 'in', fromCarol.parts[0]!)).state).toBe(
      'decrypted',
    );
  });

  it('a replayed envelope (new row id) is the same message, shown once', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await alice.vault.encrypt(CONV, 'bob', `once ${i}`));
    const first = [];
    for (const s of sent) first.push(asMessage(await bob.see(CONV, 'alice', 'in', s.parts[0]!)));
    // The host replays all of them later, as new rows.
    for (const [i, s] of sent.entries()) {
      expect(asMessage(await bob.see(CONV, 'alice', 'in', s.parts[0]!))).toEqual(first[i]);
    }
    const texts = (await bob.vault.listMessages(CONV))
      .filter((m) => m.kind === 'text')
      .map((m) => m.text);
    expect(texts).toEqual(['once 0', 'once 1', 'once 2']);
  });

  it('an envelope "from us" that we never sent is an error; our own reflected back is ours', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    const fromBob = await bob.vault.encrypt(CONV, 'alice', 'bob wrote this');
    // The host shows Bob's message on Alice's side as if Alice had sent it.
    const forgedOut = asMessage(await alice.see(CONV, 'bob', 'out', fromBob.parts[0]!));
    expect(forgedOut.state).toBe('error');
    expect((await alice.vault.getMessage(forgedOut.messageId))?.error).toBe('unverifiable');
    // The same envelope in its real place still decrypts (the forged row did not use its key).
    expect(asMessage(await alice.see(CONV, 'bob', 'in', fromBob.parts[0]!))).toEqual({
      messageId: fromBob.messageId,
      state: 'decrypted',
    });
    // Our own message reflected to us as incoming: recognised as ours, not decrypted.
    const mine = await alice.vault.encrypt(CONV, 'bob', 'alice wrote this');
    const reflected = asMessage(await alice.see(CONV, 'bob', 'in', mine.parts[0]!));
    expect(reflected).toEqual({ messageId: mine.messageId, state: 'sent' });
    expect(await alice.vault.getMessage(mine.messageId)).toMatchObject({
      direction: 'out',
      sender: 'me',
    });
  });

  it('a NEW envelope replaying a used ratchet message is "replay"', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    const out = await alice.vault.encrypt(CONV, 'bob', 'once');
    const first = asMessage(await bob.see(CONV, 'alice', 'in', out.parts[0]!));
    expect(first.state).toBe('decrypted');
    // Make the envelope new to Bob's vault by removing its record behind the vault's back (as
    // a lost write or a history wipe would): the ratchet itself must refuse the used key.
    const store = await openStore({ indexedDB: bob.factory });
    await store.delete('messages', first.messageId);
    store.close();
    const replayed = asMessage(await bob.see(CONV, 'alice', 'in', out.parts[0]!));
    expect(replayed.state).toBe('error');
    expect((await bob.vault.getMessage(replayed.messageId))?.error).toBe('replay');
    // And it did not disturb the session.
    const next = await alice.vault.encrypt(CONV, 'bob', 'twice');
    expect(asMessage(await bob.see(CONV, 'alice', 'in', next.parts[0]!)).state).toBe('decrypted');
  });

  it('after a restore without sessions, old envelopes are "replay", not a new session', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    const out = await alice.vault.encrypt(CONV, 'bob', 'once');
    await bob.see(CONV, 'alice', 'in', out.parts[0]!);
    // Bob's vault restored from a backup without history still remembers the session id, so
    // the same envelope is new to it but its session cannot be started again: replay.
    const { file, recoveryKey } = await bob.vault.exportBackup({ history: false });
    const bob2 = await person('bob');
    await bob2.vault.importBackup(file, recoveryKey);
    const again = asMessage(await bob2.see(CONV, 'alice', 'in', out.parts[0]!));
    expect((await bob2.vault.getMessage(again.messageId))?.error).toBe('replay');
  });

  it('a replayed init never recreates a session', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const { accept } = await connect(alice, bob); // Bob's accept is an init envelope
    const after = await bob.vault.encrypt(CONV, 'alice', 'hello');
    await deliverParts(alice, CONV, 'bob', after.parts);
    // Alice loses her sessions (restored from a backup without them), then the host replays
    // Bob's init: her prekeys came back with the backup, so the init would still work, but
    // the session id is remembered.
    const { file, recoveryKey } = await alice.vault.exportBackup({ history: false });
    const alice2 = await person('alice');
    await alice2.vault.importBackup(file, recoveryKey);
    const replay = asMessage(await alice2.see(CONV, 'bob', 'in', accept.parts[0]!));
    expect(replay.state).toBe('error');
    expect((await alice2.vault.getMessage(replay.messageId))?.error).toBe('replay');
    expect((await alice2.vault.composeTarget(CONV, 'bob')).state).toBe('no-session');
    const replay2 = asMessage(await alice2.see(CONV, 'bob', 'in', after.parts[0]!));
    expect(replay2.state).toBe('error');
  });
});

describe('resource limits', () => {
  it('a message more than MAX_SKIP ahead is "too-many-skipped" and leaves the session usable', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    const outs = [];
    for (let i = 0; i < 1002; i++) outs.push(await alice.vault.encrypt(CONV, 'bob', `n${i}`));
    const far = asMessage(await bob.see(CONV, 'alice', 'in', outs[1001]!.parts[0]!));
    expect(far.state).toBe('error');
    expect((await bob.vault.getMessage(far.messageId))?.error).toBe('too-many-skipped');
    const near = asMessage(await bob.see(CONV, 'alice', 'in', outs[3]!.parts[0]!));
    expect(near).toEqual({ messageId: outs[3]!.messageId, state: 'decrypted' });
  }, 30_000);
});
