import { describe, expect, test } from 'vitest';
import { Clock, expectVaultError, Person } from './helpers';

describe('user settings in the vault', () => {
  test('are sealed records that survive a restart and need the vault unlocked', async () => {
    const alice = new Person('alice', new Clock());
    await alice.open();
    expect(await alice.vault.readSetting('user:settings')).toBeUndefined();
    await alice.vault.writeSetting('user:settings', { doNotDisturb: true });
    await alice.restart();
    expect(await alice.vault.readSetting('user:settings')).toEqual({ doNotDisturb: true });

    await alice.vault.setPassphrase('correct horse');
    alice.vault.lock();
    await expectVaultError(alice.vault.readSetting('user:settings'), 'LOCKED');
    await expectVaultError(alice.vault.writeSetting('user:settings', {}), 'LOCKED');
  });

  test('two updates at once each keep their change (read, change, write is one step)', async () => {
    const alice = new Person('alice', new Clock());
    await alice.open();
    const setField = (field: string) =>
      alice.vault.updateSetting('user:settings', (current) => ({
        ...(current as Record<string, unknown> | undefined),
        [field]: true,
      }));
    await Promise.all([setField('doNotDisturb'), setField('relayOnly'), setField('third')]);
    expect(await alice.vault.readSetting('user:settings')).toEqual({
      doNotDisturb: true,
      relayOnly: true,
      third: true,
    });
    await expectVaultError(
      alice.vault.updateSetting('vault:session:x', () => 1),
      'BAD_INPUT',
    );
  });

  test("cannot reach the vault's own bookkeeping", async () => {
    const alice = new Person('alice', new Clock());
    await alice.open();
    await expectVaultError(alice.vault.readSetting('vault:parts-pending'), 'BAD_INPUT');
    await expectVaultError(alice.vault.writeSetting('vault:session:x', 1), 'BAD_INPUT');
  });
});
