import { browser } from 'wxt/browser';
import { createRouter } from '@/lib/rpc/router';
import { openVault } from '@/lib/vault';
import { focusCallOnNotificationClick, trackCallWindows } from './call-window';
import { takeAbandonedRing } from './calls';
import { createHandlers } from './handlers';
import { restoreUnlockedKey } from './key-cache';
import { type PresenceHost, startPresenceHost } from './presence';

/**
 * The vault's home: the only context that holds keys. Chrome stops this service worker when
 * idle and at will, so everything lives in IndexedDB; only an unlocked vault key is cached,
 * in `storage.session` (memory-only, trusted contexts only).
 */
export default defineBackground({
  // Firefox (MV2): a persistent background page, so presence for incoming calls can live here.
  persistent: { firefox: true },
  main() {
    const vault = openVault().then(async (opened) => {
      await restoreUnlockedKey(opened);
      return opened;
    });
    let presence: PresenceHost | undefined;
    const handlers = createHandlers(vault, {
      presenceStatus: async () => presence?.status() ?? { state: 'starting', detail: null },
    });
    const { listener } = createRouter(handlers, {
      id: browser.runtime.id,
      baseUrl: browser.runtime.getURL('/'),
    });
    // Registered synchronously, so a message that woke the worker is not missed. The
    // polyfill lets a listener return a promise in Chrome as in Firefox.
    browser.runtime.onMessage.addListener(listener);
    // Incoming calls: the presence listener calls the same handlers a page would.
    const self = {
      caller: 'page',
      tabId: undefined,
      tabUrl: undefined,
      frameId: undefined,
      url: '',
    } as const;
    presence = startPresenceHost({
      config: async () => handlers['presence.config']({}, self),
      ring: async (ring) => (await handlers['call.ring']({ ring }, self)).answer,
      cancel: (callId) => void handlers['call.cancel']({ callId }, self).catch(() => {}),
    });
    // The listener reads its settings when it connects: reconnect when they may have changed.
    for (const type of ['settings.set', 'vault.unlock', 'backup.import'] as const) {
      const handle = handlers[type] as (...args: unknown[]) => Promise<unknown>;
      (handlers as Record<string, unknown>)[type] = async (...args: unknown[]) => {
        const result = await handle(...args);
        presence?.restart();
        return result;
      };
    }
    focusCallOnNotificationClick();
    // A ringing window closed before it could answer: tell the caller, or they keep calling.
    trackCallWindows((callId) => {
      void takeAbandonedRing(callId).then((ring) => {
        if (ring) presence?.declineRing(ring.peerId, callId);
      });
    });
    // A first install opens the welcome page (what Sotto protects, key, passphrase, backup).
    browser.runtime.onInstalled.addListener(({ reason }) => {
      if (reason !== 'install') return;
      void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') });
    });
  },
});
