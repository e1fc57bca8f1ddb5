// The passphrase lock as the vault exposes it: a locked vault refuses everything.
import { describe, expect, it } from 'vitest';
import { inEnglish } from '../../../lib/i18n/english';
import { userText } from '../../../lib/i18n/user-text';
import { MIN_PASSPHRASE_LENGTH } from '../../../lib/store';
import type { Vault } from '../../../lib/vault';
import { asMessage, CONV, connect, deliverParts, expectVaultError, person } from './helpers';

/** Every method that must refuse while locked, called with plausible arguments. */
function lockedCalls(v: Vault, id: string, envelope: string): [string, () => Promise<unknown>][] {
  return [
    ['setPassphrase', () => v.setPassphrase('another passphrase')],
    ['changePassphrase', () => v.changePassphrase('pass phrase long', 'another passphrase')],
    ['removePassphrase', () => v.removePassphrase('pass phrase long')],
    ['exportUnlockedKey', async () => v.exportUnlockedKey()],
    ['identity', () => v.identity()],
    ['composeTarget', () => v.composeTarget(CONV, 'bob')],
    ['createInvite', () => v.createInvite(CONV, 'bob')],
    ['encrypt', () => v.encrypt(CONV, 'bob', 'while locked')],
    ['acceptInvite', () => v.acceptInvite(id)],
    [
      'ingest',
      () =>
        v.ingest({
          conversationId: CONV,
          partner: 'bob',
          rowId: 'r1',
          direction: 'in',
          text: envelope,
        }),
    ],
    [
      'ingest (not sotto)',
      () =>
        v.ingest({
          conversationId: CONV,
          partner: 'bob',
          rowId: 'r2',
          direction: 'in',
          text: 'hi',
        }),
    ],
    ['getMessage', () => v.getMessage(id)],
    ['listMessages', () => v.listMessages(CONV)],
    ['reportDelivery', () => v.reportDelivery(id, 'sent')],
    ['contact', () => v.contact('bob')],
    ['setVerified', () => v.setVerified('bob', true)],
    ['approveKeyChange', () => v.approveKeyChange('bob')],
    ['saveDraft', () => v.saveDraft(CONV, 'draft')],
    ['getDraft', () => v.getDraft(CONV)],
    ['exportBackup', () => v.exportBackup({ history: true })],
    ['importBackup', () => v.importBackup(new Uint8Array(100), 'AAAA-AAAA')],
  ];
}

describe('the lock', () => {
  it('a locked vault refuses every method with LOCKED and changes nothing', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await alice.vault.setPassphrase('pass phrase long');
    const pending = await bob.vault.encrypt(CONV, 'alice', 'arrives while locked');
    const sentId = (await alice.vault.encrypt(CONV, 'bob', 'before the lock')).messageId;

    alice.vault.lock();
    expect(alice.vault.status()).toEqual({ locked: true, hasPassphrase: true });
    const calls = lockedCalls(alice.vault, sentId, pending.parts[0]!);
    expect(calls).toHaveLength(21);
    for (const [name, call] of calls) {
      let code = 'resolved';
      try {
        await call();
      } catch (error) {
        code = (error as { code?: string }).code ?? String(error);
      }
      expect(`${name}: ${code}`).toBe(`${name}: LOCKED`);
    }
    // After a restart it is still locked.
    await alice.restart();
    expect(alice.vault.status().locked).toBe(true);
    await expectVaultError(alice.vault.identity(), 'LOCKED');

    await expectVaultError(alice.vault.unlock('wrong phrase'), 'WRONG_PASSPHRASE');
    expect(alice.vault.status().locked).toBe(true);
    await alice.vault.unlock('pass phrase long');
    // The envelope that arrived while locked was not consumed.
    expect(asMessage(await deliverParts(alice, CONV, 'bob', pending.parts))).toEqual({
      messageId: pending.messageId,
      state: 'decrypted',
    });
    expect((await alice.vault.getMessage(sentId))?.text).toBe('before the lock');
  });

  it('passphrase management maps the store errors', async () => {
    const alice = await person('alice');
    await expectVaultError(alice.vault.unlock('anything'), 'BAD_INPUT'); // no passphrase set
    expect(() => alice.vault.lock()).toThrowError(/passphrase/i);
    await expectVaultError(alice.vault.setPassphrase(''), 'BAD_INPUT');
    // Too short: BAD_INPUT with the store's sentence, which names the minimum.
    const short = await alice.vault.setPassphrase('eleven char').catch((e: unknown) => e);
    expect(short).toMatchObject({ code: 'BAD_INPUT', text: { key: 'errorPassphraseTooShort' } });
    expect(inEnglish(userText('errorPassphraseTooShort'))).toContain(
      ` ${MIN_PASSPHRASE_LENGTH} characters`,
    );
    expect(alice.vault.status()).toEqual({ locked: false, hasPassphrase: false });
    await alice.vault.setPassphrase('first passphrase');
    await expectVaultError(alice.vault.changePassphrase('first passphrase', 'second'), 'BAD_INPUT');
    await expectVaultError(alice.vault.setPassphrase('again passphrase'), 'BAD_INPUT');
    await expectVaultError(
      alice.vault.changePassphrase('wrong', 'second passphrase'),
      'WRONG_PASSPHRASE',
    );
    await alice.vault.changePassphrase('first passphrase', 'second passphrase');
    alice.vault.lock();
    await expectVaultError(alice.vault.unlock('first passphrase'), 'WRONG_PASSPHRASE');
    await alice.vault.unlock('second passphrase');
    const key = alice.vault.exportUnlockedKey();
    await alice.vault.removePassphrase('second passphrase');
    expect(alice.vault.status()).toEqual({ locked: false, hasPassphrase: false });
    // A stale cached key (the key was replaced when the passphrase changed) is refused.
    await alice.vault.setPassphrase('third passphrase');
    await alice.restart();
    await expectVaultError(alice.vault.openWithKey(key), 'LOCKED');
    await alice.vault.unlock('third passphrase');
    expect(alice.vault.status().locked).toBe(false);
  });

  it('a lock during an encrypt either lets it finish or refuses it; no key is reused', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    await connect(alice, bob);
    await alice.vault.setPassphrase('pass phrase long');
    const inFlight = alice.vault.encrypt(CONV, 'bob', 'racing the lock').then(
      (r) => r,
      (e: { code: string }) => e.code,
    );
    alice.vault.lock();
    const outcome = await inFlight;
    await alice.vault.unlock('pass phrase long');
    const after = await alice.vault.encrypt(CONV, 'bob', 'after the lock');
    if (typeof outcome === 'string') {
      expect(outcome).toBe('LOCKED');
    } else {
      expect(asMessage(await deliverParts(bob, CONV, 'alice', outcome.parts)).state).toBe(
        'decrypted',
      );
    }
    expect(asMessage(await deliverParts(bob, CONV, 'alice', after.parts)).state).toBe('decrypted');
  });
});
