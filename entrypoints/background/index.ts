import { browser } from 'wxt/browser';
import { createRouter } from '@/lib/rpc/router';
import { openVault } from '@/lib/vault';
import { createHandlers } from './handlers';
import { restoreUnlockedKey } from './key-cache';

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
    const { listener } = createRouter(createHandlers(vault), {
      id: browser.runtime.id,
      baseUrl: browser.runtime.getURL('/'),
    });
    // Registered synchronously, so a message that woke the worker is not missed. The
    // polyfill lets a listener return a promise in Chrome as in Firefox.
    browser.runtime.onMessage.addListener(listener);
    // A first install opens the welcome page (what Sotto protects, key, passphrase, backup).
    browser.runtime.onInstalled.addListener(({ reason }) => {
      if (reason !== 'install') return;
      void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') });
    });
  },
});
