import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { selectedBrowsers } from './harness/browsers';
import { startE2EFixture } from './harness/host';
import { launchBrowser } from './harness/launch';
import { vaultClient } from './harness/sotto';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

describe.each(selectedBrowsers())('the vault in %s', (browserName) => {
  let profileDir: string;

  beforeAll(async () => {
    profileDir = await mkdtemp(join(tmpdir(), `sotto-${browserName}-profile-`));
  });

  afterAll(async () => {
    await rm(profileDir, { recursive: true, force: true });
  });

  test('keys, drafts and the lock survive a browser restart', async () => {
    const passphrase = 'correct horse battery staple';
    const draft = `draft kept across restarts ${browserName}`;

    const first = await launchBrowser(browserName, fixture.port, { profileDir });
    let fingerprint: string;
    try {
      const vault = await vaultClient(first);
      const identity = await vault.call<{ fingerprint: string }>('identity.get', {});
      expect(identity.ok).toBe(true);
      fingerprint = identity.value!.fingerprint;
      expect(fingerprint.length).toBeGreaterThan(10);
      expect(
        (await vault.call('draft.save', { conversationId: '1001-1002', text: draft })).ok,
      ).toBe(true);
      expect((await vault.call('vault.setPassphrase', { passphrase })).ok).toBe(true);
      // Locked: every request that needs keys says so, clearly.
      expect((await vault.call('vault.lock', {})).ok).toBe(true);
      expect(await vault.call('draft.get', { conversationId: '1001-1002' })).toMatchObject({
        ok: false,
        error: { code: 'LOCKED' },
      });
      expect(await vault.call('identity.get', {})).toMatchObject({
        ok: false,
        error: { code: 'LOCKED' },
      });
    } finally {
      await first.close();
    }

    const second = await launchBrowser(browserName, fixture.port, { profileDir });
    try {
      // The popup offers unlock; a wrong passphrase is refused with a message, then the right one works.
      const popup = await second.newPage();
      await popup.goto(second.extensionUrl('popup.html'));
      await popup.waitFor(() => document.querySelector('[data-sotto="passphrase"]'), null);
      await popup.evaluate(
        () => (document.querySelector('[data-sotto="passphrase"]') as HTMLInputElement).focus(),
        null,
      );
      await popup.type('not the passphrase');
      await popup.press('Enter');
      await popup.waitFor(
        () =>
          document
            .querySelector('[data-sotto="unlock-error"]')
            ?.textContent?.includes('passphrase is not correct'),
        null,
        30_000,
      );
      await popup.evaluate(() => {
        const input = document.querySelector('[data-sotto="passphrase"]') as HTMLInputElement;
        input.select();
      }, null);
      await popup.type(passphrase);
      await popup.press('Enter');
      await popup.waitFor(() => document.querySelector('[data-sotto="fingerprint"]'), null, 30_000);
      expect(
        await popup.evaluate(
          () => document.querySelector('[data-sotto="fingerprint"]')?.textContent,
          null,
        ),
      ).toBe(fingerprint);

      const vault = await vaultClient(second);
      expect(await vault.call('draft.get', { conversationId: '1001-1002' })).toEqual({
        ok: true,
        value: { text: draft },
      });
    } finally {
      await second.close();
    }
  });

  test('a backup restores identity into a fresh profile; a wrong key imports nothing', async () => {
    const source = await launchBrowser(browserName, fixture.port);
    let backup: { file: string; recoveryKey: string };
    let fingerprint: string;
    try {
      const vault = await vaultClient(source);
      fingerprint = (await vault.call<{ fingerprint: string }>('identity.get', {})).value!
        .fingerprint;
      const exported = await vault.call<{ file: string; recoveryKey: string }>('backup.export', {
        history: true,
      });
      expect(exported.ok).toBe(true);
      backup = exported.value!;
      expect(backup.recoveryKey.length).toBeGreaterThan(20);
    } finally {
      await source.close();
    }

    const target = await launchBrowser(browserName, fixture.port);
    try {
      const vault = await vaultClient(target);
      // A typo in the recovery key is caught, and nothing is imported.
      const typo = `${backup.recoveryKey.slice(0, -1)}${backup.recoveryKey.endsWith('A') ? 'B' : 'A'}`;
      const refused = await vault.call('backup.import', { file: backup.file, recoveryKey: typo });
      expect(refused).toMatchObject({ ok: false, error: { code: 'BACKUP_FAILED' } });
      const truncated = await vault.call('backup.import', {
        file: backup.file.slice(0, Math.floor(backup.file.length / 2) & ~3),
        recoveryKey: backup.recoveryKey,
      });
      expect(truncated).toMatchObject({ ok: false, error: { code: 'BACKUP_FAILED' } });

      expect(await vault.call('backup.import', backup)).toEqual({ ok: true, value: {} });
      expect(
        (await vault.call<{ fingerprint: string }>('identity.get', {})).value?.fingerprint,
      ).toBe(fingerprint);
    } finally {
      await target.close();
    }
  });

  test('an unlocked vault stays unlocked when the browser restarts its worker', async () => {
    const session = await launchBrowser(browserName, fixture.port);
    try {
      const vault = await vaultClient(session);
      expect(
        (await vault.call('vault.setPassphrase', { passphrase: 'a long passphrase' })).ok,
      ).toBe(true);
      expect(await vault.call('draft.save', { conversationId: '1001-1002', text: 'kept' })).toEqual(
        { ok: true, value: {} },
      );
      if (session.stopBackground) await session.stopBackground();
      // A new worker finds the key in storage.session: no passphrase prompt every 30 idle seconds.
      expect(await vault.call('draft.get', { conversationId: '1001-1002' })).toEqual({
        ok: true,
        value: { text: 'kept' },
      });
      // Locking forgets it, across restarts too.
      expect((await vault.call('vault.lock', {})).ok).toBe(true);
      if (session.stopBackground) await session.stopBackground();
      expect(await vault.call('draft.get', { conversationId: '1001-1002' })).toMatchObject({
        ok: false,
        error: { code: 'LOCKED' },
      });
    } finally {
      await session.close();
    }
  });
});
