import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { callDefaultsFromEnv } from './lib/config/build-defaults';
import { inEnglish } from './lib/i18n/english';
import { FRAME_PAGES } from './lib/rpc/sender';
import { HOST_MATCHES } from './lib/sites/hosts';

// A bad SOTTO_* value must stop the build rather than ship an extension that cannot call.
const callDefaults = callDefaultsFromEnv(process.env);
if (!callDefaults.ok) {
  throw new Error(
    `Sotto build configuration: ${callDefaults.variable}: ${inEnglish(callDefaults.error)}`,
  );
}

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // WXT's default targets: Chrome MV3, Firefox MV2. Firefox stays on MV2 because incoming
  // calls need a persistent background page with a DOM (WebRTC); Firefox's MV3 background is
  // an event page that is unloaded when idle. See README.
  // Tests build into their own folder so they never overwrite a build made for shipping.
  outDir: process.env.SOTTO_OUT_DIR || '.output',
  vite: () => ({
    plugins: [preact()],
    define: {
      __SOTTO_CALL_DEFAULTS__: JSON.stringify(callDefaults.value),
    },
    build: {
      // Readable stack traces from users' bug reports cost nothing here.
      sourcemap: false,
    },
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    short_name: 'Sotto',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // storage: only for storage.session, which keeps an unlocked vault key in memory across
    // Chrome's worker restarts (never readable by content scripts).
    // notifications: an incoming call rings with a system notification beside its window.
    // offscreen (Chrome only): the presence listener for incoming calls needs WebRTC, which
    // an MV3 service worker lacks; Firefox's MV2 background page has it.
    permissions: ['storage', 'notifications', ...(browser === 'firefox' ? [] : ['offscreen'])],
    host_permissions: HOST_MATCHES,
    web_accessible_resources: [
      {
        // The only pages x.com can embed; lib/rpc/sender.ts refuses them anything that
        // changes trust, so the list lives there.
        resources: [...FRAME_PAGES],
        matches: HOST_MATCHES,
      },
    ],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'sotto@sotto-messenger.org',
              // 140: the first release that reads data_collection_permissions (an ESR).
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
});
