import { browser } from 'wxt/browser';
import { BUILD_CALL_DEFAULTS } from '@/lib/config';
import { createRouter, type Handlers } from '@/lib/rpc/router';

/**
 * The vault's home: the only context that will hold keys. Chrome may stop this service
 * worker at any time, so nothing here may live only in memory (later: IndexedDB).
 */
export default defineBackground({
  // Firefox (MV2): a persistent background page, so presence for incoming calls can live here.
  persistent: { firefox: true },
  main() {
    const manifest = browser.runtime.getManifest();

    const handlers: Handlers = {
      status: () => ({ version: manifest.version, state: 'ready' }),
      'content.hello': (_input, context) => ({ tabId: context.tabId ?? -1 }),
      'settings.get': () => BUILD_CALL_DEFAULTS,
    };

    const { listener } = createRouter(handlers, {
      id: browser.runtime.id,
      baseUrl: browser.runtime.getURL('/'),
    });
    // The polyfill lets a listener return a promise in Chrome as in Firefox.
    browser.runtime.onMessage.addListener(listener);
  },
});
