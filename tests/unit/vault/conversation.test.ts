// Two vaults talking through arrays of envelope strings: invite, accept, a long exchange, a
// burst, re-rendered rows, own messages coming back, reordering, drafts and delivery.
import { describe, expect, it } from 'vitest';
import { asMessage, CONV, connect, deliverParts, expectVaultError, person, send } from './helpers';

describe('a conversation between two vaults', () => {
  it('invite → accept → 20 alternating + a burst of 10, all decrypted in order; re-renders are recognised', async () => {
    const alice = await person('alice');
    const bob = await person('bob');

    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('no-session');
    const invite = await alice.vault.createInvite(CONV, 'bob');
    expect(invite.parts).toHaveLength(1);
    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('invite-sent');
    const ownInvite = asMessage(await alice.see(CONV, 'bob', 'out', invite.parts[0]!));
    expect(ownInvite).toEqual({ messageId: invite.messageId, state: 'invite' });

    const seenInvite = asMessage(await bob.see(CONV, 'alice', 'in', invite.parts[0]!));
    expect(seenInvite.state).toBe('invite');
    const inviteView = await bob.vault.getMessage(seenInvite.messageId);
    expect(inviteView?.inviteFrom).toEqual({
      handle: 'alice',
      fingerprint: (await alice.vault.identity()).fingerprint,
    });
    expect(inviteView?.text).toBeNull();
    expect((await bob.vault.composeTarget(CONV, 'alice')).state).toBe('invite-received');
    await expectVaultError(bob.vault.encrypt(CONV, 'alice', 'too early'), 'NO_SESSION');

    const accept = await bob.vault.acceptInvite(seenInvite.messageId);
    expect((await bob.vault.getMessage(seenInvite.messageId))?.state).toBe('accepted');
    expect((await bob.vault.composeTarget(CONV, 'alice')).state).toBe('ready');
    const accepted = asMessage(await deliverParts(alice, CONV, 'bob', accept.parts));
    expect(accepted.state).toBe('accepted');
    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('ready');

    // Every envelope either side ever saw, with the answer it got, per person.
    const seenByAlice: [string, string, string][] = [];
    const seenByBob: [string, string, string][] = [];
    const expected: { from: string; text: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
      const text = `message ${i} from ${from.handle} ✓`;
      const r = await send(from, to, text);
      expect(r.own).toEqual({ messageId: r.sent.messageId, state: 'sent' });
      expect(r.got).toEqual({ messageId: r.sent.messageId, state: 'decrypted' });
      const mine = from === alice ? seenByAlice : seenByBob;
      const theirs = from === alice ? seenByBob : seenByAlice;
      mine.push([r.sent.parts[0]!, r.sent.messageId, 'sent']);
      theirs.push([r.sent.parts[0]!, r.sent.messageId, 'decrypted']);
      expected.push({ from: from.handle, text });
    }
    // A burst: Alice sends 10 before Bob reads any.
    const burst = [];
    for (let i = 0; i < 10; i++) {
      const text = `burst ${i}`;
      burst.push({ text, out: await alice.vault.encrypt(CONV, 'bob', text) });
      expected.push({ from: 'alice', text });
    }
    for (const { out } of burst) {
      expect(asMessage(await bob.see(CONV, 'alice', 'in', out.parts[0]!))).toEqual({
        messageId: out.messageId,
        state: 'decrypted',
      });
      seenByBob.push([out.parts[0]!, out.messageId, 'decrypted']);
    }

    // Bob's history, in order, with the plaintext.
    const history = (await bob.vault.listMessages(CONV)).filter((m) => m.kind === 'text');
    expect(
      history.map((m) => ({ from: m.direction === 'in' ? m.sender : 'bob', text: m.text })),
    ).toEqual(expected);
    expect(history.every((m) => m.state === (m.direction === 'in' ? 'decrypted' : 'sent'))).toBe(
      true,
    );
    const latest = await bob.vault.listMessages(CONV, { limit: 3 });
    expect(latest.map((m) => m.text)).toEqual(['burst 7', 'burst 8', 'burst 9']);

    // A virtualised list re-renders every row (new row ids): same ids, same states, no errors.
    for (const [text, id, state] of seenByBob) {
      expect(
        asMessage(await bob.see(CONV, 'alice', state === 'sent' ? 'out' : 'in', text)),
      ).toEqual({
        messageId: id,
        state,
      });
    }
    for (const [text, id, state] of seenByAlice) {
      expect(
        asMessage(await alice.see(CONV, 'bob', state === 'sent' ? 'out' : 'in', text)),
      ).toEqual({
        messageId: id,
        state,
      });
    }
    // Including with surrounding whitespace, as a DOM's textContent may have.
    const [firstText, firstId] = seenByBob[0]!;
    expect(asMessage(await bob.see(CONV, 'alice', 'out', `\n  ${firstText} `)).messageId).toBe(
      firstId,
    );
    expect((await bob.vault.listMessages(CONV)).some((m) => m.state === 'error')).toBe(false);
  }, 30_000);

  it('own sent envelopes come back as "sent" and confirm delivery; a failed send keeps the draft', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);

    await alice.vault.saveDraft(CONV, 'hello there');
    expect(await alice.vault.getDraft(CONV)).toBe('hello there');
    const first = await alice.vault.encrypt(CONV, 'bob', 'hello there');
    expect((await alice.vault.getMessage(first.messageId))?.delivery).toBe('pending');
    // While it is on its way the draft is not offered again.
    expect(await alice.vault.getDraft(CONV)).toBe('');
    await alice.vault.reportDelivery(first.messageId, 'failed');
    expect((await alice.vault.getMessage(first.messageId))?.delivery).toBe('failed');
    expect(await alice.vault.getDraft(CONV)).toBe('hello there');

    // The row appears after all (the host was slow): seeing it confirms delivery.
    expect(asMessage(await alice.see(CONV, 'bob', 'out', first.parts[0]!)).state).toBe('sent');
    const view = await alice.vault.getMessage(first.messageId);
    expect(view).toMatchObject({
      direction: 'out',
      sender: 'me',
      text: 'hello there',
      delivery: 'sent',
    });
    expect(await alice.vault.getDraft(CONV)).toBe('');

    await alice.vault.saveDraft(CONV, 'second');
    const second = await alice.vault.encrypt(CONV, 'bob', 'second');
    await alice.vault.reportDelivery(second.messageId, 'sent');
    expect(await alice.vault.getDraft(CONV)).toBe('');
    // A late "failed" does not undo a confirmed delivery.
    await alice.vault.reportDelivery(second.messageId, 'failed');
    expect((await alice.vault.getMessage(second.messageId))?.delivery).toBe('sent');

    // Delivery is only for our own messages.
    const got = asMessage(await bob.see(CONV, 'alice', 'in', second.parts[0]!));
    await expectVaultError(bob.vault.reportDelivery(got.messageId, 'sent'), 'BAD_INPUT');
    await expectVaultError(bob.vault.reportDelivery('00'.repeat(32), 'sent'), 'UNKNOWN_MESSAGE');
  });

  it('reordered delivery decrypts everything, each exactly once', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await send(bob, alice, 'bob speaks first'); // Alice's next chain starts with a DH step
    const out: { text: string; parts: string[]; messageId: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const text = `m${i}`;
      out.push({ text, ...(await alice.vault.encrypt(CONV, 'bob', text)) });
      if (i === 5) {
        // A reply in the middle: Alice's later messages belong to a new chain.
        await send(bob, alice, 'interjection');
      }
    }
    const order = [11, 0, 7, 3, 3, 10, 1, 6, 2, 9, 5, 8, 4, 11];
    const results = new Map<number, string>();
    for (const i of order) {
      const r = asMessage(await bob.see(CONV, 'alice', 'in', out[i]!.parts[0]!));
      expect(r).toEqual({ messageId: out[i]!.messageId, state: 'decrypted' });
      results.set(i, r.messageId);
    }
    expect(results.size).toBe(12);
    for (const m of out) expect((await bob.vault.getMessage(m.messageId))?.text).toBe(m.text);
  });

  it('drafts persist across restarts and are per conversation', async () => {
    const alice = await person('alice');
    await alice.vault.saveDraft(CONV, 'unfinished thought');
    await alice.vault.saveDraft('conv-other', 'another');
    await alice.restart();
    expect(await alice.vault.getDraft(CONV)).toBe('unfinished thought');
    expect(await alice.vault.getDraft('conv-other')).toBe('another');
    expect(await alice.vault.getDraft('conv-none')).toBe('');
    await alice.vault.saveDraft(CONV, '');
    await alice.restart();
    expect(await alice.vault.getDraft(CONV)).toBe('');
  });

  it('ordinary text is not Sotto, and a marker in prose is left alone', async () => {
    const alice = await person('alice');
    expect(await alice.see(CONV, 'bob', 'in', 'hi there')).toEqual({ kind: 'not-sotto' });
    expect(await alice.see(CONV, 'bob', 'in', 'have you tried SOTTO1. yet?')).toEqual({
      kind: 'not-sotto',
    });
    expect(await alice.vault.listMessages(CONV)).toEqual([]);
  });

  it('rejects malformed requests with BAD_INPUT / UNKNOWN_MESSAGE / NOT_AN_INVITE', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const { accept } = await connect(alice, bob);
    await expectVaultError(alice.vault.encrypt(CONV, 'bob', ''), 'BAD_INPUT');
    await expectVaultError(alice.vault.encrypt(CONV, 'not a handle!', 'x'), 'BAD_INPUT');
    await expectVaultError(alice.vault.encrypt('', 'bob', 'x'), 'BAD_INPUT');
    await expectVaultError(alice.vault.encrypt(CONV, 'bob', 'x'.repeat(70_000)), 'BAD_INPUT');
    await expectVaultError(
      alice.vault.ingest({
        conversationId: CONV,
        partner: 'bob',
        rowId: 'r',
        direction: 'up' as 'in',
        text: 'x',
      }),
      'BAD_INPUT',
    );
    await expectVaultError(alice.vault.acceptInvite('nope'), 'UNKNOWN_MESSAGE');
    await expectVaultError(alice.vault.acceptInvite('ab'.repeat(32)), 'UNKNOWN_MESSAGE');
    const acceptRow = asMessage(await alice.see(CONV, 'bob', 'in', accept.parts[0]!));
    await expectVaultError(alice.vault.acceptInvite(acceptRow.messageId), 'NOT_AN_INVITE');
    // The conversation belongs to bob: it cannot be re-bound to someone else.
    await expectVaultError(alice.vault.encrypt(CONV, 'carol', 'x'), 'BAD_INPUT');
    await expectVaultError(alice.vault.createInvite(CONV, 'carol'), 'BAD_INPUT');
    expect((await alice.vault.composeTarget(CONV, 'carol')).state).toBe('no-session');
    // Handles are normalised.
    expect((await alice.vault.composeTarget(CONV, '@Bob')).state).toBe('ready');
    expect(await alice.vault.getMessage('not-an-id')).toBeNull();
  });
});
