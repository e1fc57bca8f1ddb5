// The lock broadcast: the background tells open pages the vault locked, and only it can.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { isLockedError, LOCKED_NOTICE } from '../../../components/useVaultLock';
import { createHandlers } from '../../../entrypoints/background/handlers';
import { inEnglish } from '../../../lib/i18n/english';
import { rpcError } from '../../../lib/rpc/errors';
import { announceVaultLocked, isVaultLockedEvent, onVaultLocked } from '../../../lib/rpc/events';
import type { Vault } from '../../../lib/vault';

const ext = () => ({ id: fakeBrowser.runtime.id, baseUrl: fakeBrowser.runtime.getURL('/') });
const background = () => ({ id: ext().id, url: `${ext().baseUrl}background.js` });
const contentScript = () => ({
  id: ext().id,
  url: 'https://x.com/messages/1001-1002',
  tab: { id: 3 },
  frameId: 0,
});

describe('the lock broadcast', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({
      manifest_version: 3,
      name: 'Sotto',
      version: '0.0.0',
    });
  });

  test('vault.lock locks the vault and tells open pages, with nothing but the event', async () => {
    const sent = vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(undefined);
    const lock = vi.fn();
    const handlers = createHandlers(Promise.resolve({ lock } as unknown as Vault), {
      presenceStatus: () => 'offline',
    } as never);
    await handlers['vault.lock']!({}, {} as never);
    expect(lock).toHaveBeenCalledTimes(1);
    expect(sent).toHaveBeenCalledTimes(1);
    const [event] = sent.mock.calls[0]!;
    expect(event).toEqual({ sottoEvent: 'vault.locked' });
    // The handler's event is the one pages listen for (and the one announceVaultLocked sends).
    expect(isVaultLockedEvent(event, background(), ext())).toBe(true);
    sent.mockClear();
    announceVaultLocked();
    expect(sent.mock.calls[0]![0]).toEqual(event);
  });

  test('pages take it from the background only, never from a content script', () => {
    const event = { sottoEvent: 'vault.locked' };
    expect(isVaultLockedEvent(event, background(), ext())).toBe(true);
    expect(isVaultLockedEvent(event, contentScript(), ext())).toBe(false);
    expect(isVaultLockedEvent(event, { ...background(), id: 'another' }, ext())).toBe(false);
    expect(isVaultLockedEvent({ sottoEvent: 'vault.changed' }, background(), ext())).toBe(false);
    expect(isVaultLockedEvent(null, background(), ext())).toBe(false);
  });

  test('onVaultLocked calls back for the broadcast, and stops when unsubscribed', async () => {
    const listener = vi.fn();
    const stop = onVaultLocked(listener);
    await fakeBrowser.runtime.onMessage.trigger(
      { sottoEvent: 'vault.locked' },
      contentScript() as never,
    );
    expect(listener).not.toHaveBeenCalled();
    await fakeBrowser.runtime.onMessage.trigger(
      { sottoEvent: 'vault.locked' },
      background() as never,
    );
    expect(listener).toHaveBeenCalledTimes(1);
    stop();
    await fakeBrowser.runtime.onMessage.trigger(
      { sottoEvent: 'vault.locked' },
      background() as never,
    );
    expect(listener).toHaveBeenCalledTimes(1);
  });

  test('a LOCKED reply counts as a lock; the notice has a sentence', () => {
    expect(isLockedError(rpcError('LOCKED'))).toBe(true);
    expect(isLockedError(rpcError('BAD_INPUT'))).toBe(false);
    expect(isLockedError(null)).toBe(false);
    expect(inEnglish(LOCKED_NOTICE)).toMatch(/locked/i);
  });
});
