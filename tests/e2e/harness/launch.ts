import type { BrowserName } from './browsers';
import { EXTENSION_DIRS, firefoxAddonId } from './build';
import { launchChromium } from './chromium';
import { launchFirefox } from './firefox';
import { E2E_FIXTURE_HOST } from './host';
import type { BrowserSession } from './session';

/** Calls: a synthetic camera and microphone, granted without a prompt (TESTING.md). */
export const FAKE_MEDIA_CHROMIUM_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Call windows and background tabs must keep decoding media and running timers.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];
export const FAKE_MEDIA_FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
};

/** A browser with the e2e build of Sotto, pointed at the fixture as https://x.com. */
export async function launchBrowser(
  name: BrowserName,
  fixturePort: number,
  options: { profileDir?: string; fakeMedia?: boolean } = {},
): Promise<BrowserSession> {
  if (name === 'chromium') {
    return launchChromium({
      extensionDir: EXTENSION_DIRS.chromium,
      fixturePort,
      fixtureHost: E2E_FIXTURE_HOST,
      ...(options.profileDir ? { userDataDir: options.profileDir } : {}),
      ...(options.fakeMedia ? { extraArgs: FAKE_MEDIA_CHROMIUM_ARGS } : {}),
    });
  }
  if (fixturePort !== 443) {
    throw new Error(
      'Firefox reaches https://x.com only on port 443: start the fixture there (as root).',
    );
  }
  return launchFirefox({
    extensionDir: EXTENSION_DIRS.firefox,
    addonId: firefoxAddonId(),
    fixtureHost: E2E_FIXTURE_HOST,
    ...(options.profileDir ? { profileDir: options.profileDir } : {}),
    ...(options.fakeMedia ? { extraPrefs: FAKE_MEDIA_FIREFOX_PREFS } : {}),
  });
}
