// Backups: identity, contacts and verification come back; a bad key or file imports nothing.
import { describe, expect, it } from 'vitest';
import { asMessage, CONV, connect, deliverParts, expectVaultError, person, send } from './helpers';

describe('backup and restore', () => {
  it('restores identity, contacts and verification into a fresh vault; sessions restart by invite', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await send(alice, bob, 'before the backup');
    await alice.vault.setVerified('bob', true);
    const identity = await alice.vault.identity();
    const contact = await alice.vault.contact('bob');

    const { file, recoveryKey } = await alice.vault.exportBackup({ history: false });
    expect(recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);

    const restored = await person('alice');
    await restored.vault.importBackup(file, recoveryKey);
    expect(await restored.vault.identity()).toEqual(identity);
    expect(await restored.vault.contact('bob')).toEqual(contact);
    expect(await restored.vault.listMessages(CONV)).toEqual([]); // no history asked for
    expect((await restored.vault.composeTarget(CONV, 'bob')).state).toBe('no-session');

    // Starting over: the restored Alice invites, Bob (who still has the old session) sees a
    // newer invite from the same, verified key and accepts it.
    const invite = await restored.vault.createInvite(CONV, 'bob');
    const inv = asMessage(await deliverParts(bob, CONV, 'alice', invite.parts));
    expect((await bob.vault.composeTarget(CONV, 'alice')).state).toBe('invite-received');
    const accept = await bob.vault.acceptInvite(inv.messageId);
    expect(asMessage(await deliverParts(restored, CONV, 'bob', accept.parts)).state).toBe(
      'accepted',
    );
    expect((await send(restored, bob, 'after the restore')).got.state).toBe('decrypted');
    expect((await send(bob, restored, 'welcome back')).got.state).toBe('decrypted');
    expect((await restored.vault.contact('bob'))?.verified).toBe(true);
  });

  it('with history, messages and drafts come back too', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    const r = await send(bob, alice, 'keep me');
    await alice.vault.saveDraft(CONV, 'half-written');
    const { file, recoveryKey } = await alice.vault.exportBackup({ history: true });
    const restored = await person('alice');
    await restored.vault.importBackup(file, recoveryKey);
    expect((await restored.vault.getMessage(r.sent.messageId))?.text).toBe('keep me');
    expect(await restored.vault.getDraft(CONV)).toBe('half-written');
    // A re-rendered row is recognised from history, not decrypted.
    expect(asMessage(await restored.see(CONV, 'bob', 'in', r.sent.parts[0]!))).toEqual({
      messageId: r.sent.messageId,
      state: 'decrypted',
    });
  });

  it('a fresh install that already browsed X can be restored; one that sent anything cannot', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await alice.vault.setVerified('bob', true);
    const identity = await alice.vault.identity();
    const { file, recoveryKey } = await alice.vault.exportBackup({ history: false });

    // The new profile: the popup showed a (new) fingerprint, and a row with an invite from
    // "bob" was ingested, which pinned a key. Nothing was sent.
    const fresh = await person('alice');
    const throwaway = await fresh.vault.identity();
    expect(throwaway).not.toEqual(identity);
    const carol = await person('carol');
    const carolInvite = await carol.vault.createInvite(CONV, 'alice');
    await deliverParts(fresh, CONV, 'bob', carolInvite.parts); // the host says it is bob's
    expect((await fresh.vault.contact('bob'))?.fingerprint).toBe(
      (await carol.vault.identity()).fingerprint,
    );

    // A wrong key changes nothing, even here.
    const other = await alice.vault.exportBackup({ history: false });
    await expectVaultError(fresh.vault.importBackup(file, other.recoveryKey), 'BACKUP_FAILED');
    expect(await fresh.vault.identity()).toEqual(throwaway);
    expect((await fresh.vault.contact('bob'))?.fingerprint).toBe(
      (await carol.vault.identity()).fingerprint,
    );

    await fresh.vault.importBackup(file, recoveryKey);
    expect(await fresh.vault.identity()).toEqual(identity);
    expect(await fresh.vault.contact('bob')).toMatchObject({
      fingerprint: (await bob.vault.identity()).fingerprint,
      verified: true,
    });
    expect(await fresh.vault.listMessages(CONV)).toEqual([]);

    // A vault that published its identity (sent an invite) is not overwritten.
    const used = await person('alice');
    await used.vault.createInvite('conv-x', 'someone');
    await expectVaultError(used.vault.importBackup(file, recoveryKey), 'BACKUP_FAILED');
    expect(await used.vault.identity()).not.toEqual(identity);
  });

  it('a wrong key, a typo, a damaged file or a non-empty vault import nothing', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await alice.vault.setVerified('bob', true);
    const { file, recoveryKey } = await alice.vault.exportBackup({ history: true });
    const other = await alice.vault.exportBackup({ history: false });

    const fresh = await person('alice');
    const typo = recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const truncated = file.slice(0, file.length - 10);
    const altered = file.slice();
    altered[altered.length - 20]! ^= 1;
    for (const [f, k] of [
      [file, other.recoveryKey],
      [file, typo],
      [file, 'not a key'],
      [truncated, recoveryKey],
      [altered, recoveryKey],
      [new Uint8Array(0), recoveryKey],
    ] as [Uint8Array, string][]) {
      await expectVaultError(fresh.vault.importBackup(f, k), 'BACKUP_FAILED');
      expect(await fresh.vault.contact('bob')).toBeNull();
      expect(await fresh.vault.listMessages(CONV)).toEqual([]);
    }
    // Nothing was half-imported: the right key still works afterwards.
    await fresh.vault.importBackup(file, recoveryKey);
    expect((await fresh.vault.contact('bob'))?.verified).toBe(true);
    // …and a second import into the now non-empty vault is refused.
    await expectVaultError(fresh.vault.importBackup(file, recoveryKey), 'BACKUP_FAILED');
    await expectVaultError(fresh.vault.exportBackup({} as { history: boolean }), 'BAD_INPUT');
  });
});
