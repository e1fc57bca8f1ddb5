// What the contacts and options pages need from the vault: the list, removal, reset.
import { describe, expect, test } from 'vitest';
import { CONV, connect, expectVaultError, person, send } from './helpers';

describe('the contact list', () => {
  test('every contact by handle, with the views contact() gives', async () => {
    const alice = await person('alice');
    expect(await alice.vault.contacts()).toEqual([]);
    const zoe = await person('zoe');
    const bob = await person('bob');
    await connect(alice, zoe, 'conv-alice-zoe');
    await connect(alice, bob);
    const list = await alice.vault.contacts();
    expect(list.map((c) => c.handle)).toEqual(['bob', 'zoe']);
    expect(list[0]).toEqual(await alice.vault.contact('bob'));
    expect(list[0]?.safetyNumber).toMatch(/^\d{60}$/);
  });
});

describe('removing a contact', () => {
  test('forgets their key and sessions, keeps the history, and a new invite starts over', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await send(bob, alice, 'kept in history');
    await alice.vault.setVerified('bob', true);

    await alice.vault.removeContact('@Bob');
    expect(await alice.vault.contact('bob')).toBeNull();
    expect(await alice.vault.contacts()).toEqual([]);
    expect((await alice.vault.composeTarget(CONV, 'bob')).state).toBe('no-session');
    await expectVaultError(alice.vault.encrypt(CONV, 'bob', 'hello'), 'NO_SESSION');
    const history = await alice.vault.listMessages(CONV);
    expect(history.map((m) => m.text)).toContain('kept in history');

    await connect(alice, bob);
    expect(await alice.vault.contact('bob')).toMatchObject({ verified: false, keyChanged: false });
  });

  test('an unknown contact is an error a user can read', async () => {
    const alice = await person('alice');
    await expectVaultError(alice.vault.removeContact('nobody'), 'BAD_INPUT');
  });
});

describe('reset', () => {
  test('erases contacts, messages, settings and the passphrase, even while locked', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await send(bob, alice, 'gone after reset');
    await alice.vault.writeSetting('user:settings', { doNotDisturb: true });
    const before = await alice.vault.identity();
    await alice.vault.setPassphrase('forgotten one');
    alice.vault.lock();
    await expectVaultError(alice.vault.contacts(), 'LOCKED');

    await alice.vault.reset();
    expect(alice.vault.status()).toEqual({ locked: false, hasPassphrase: false });
    expect(await alice.vault.contacts()).toEqual([]);
    expect(await alice.vault.listMessages(CONV)).toEqual([]);
    expect(await alice.vault.readSetting('user:settings')).toBeUndefined();
    expect((await alice.vault.identity()).fingerprint).not.toBe(before.fingerprint);

    // And it stays reset: a fresh vault on the same database sees the same empty state.
    await alice.restart();
    expect(alice.vault.status()).toEqual({ locked: false, hasPassphrase: false });
    expect(await alice.vault.contacts()).toEqual([]);
  });
});
