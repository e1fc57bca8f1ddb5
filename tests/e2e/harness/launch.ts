import type { BrowserName } from './browsers';
import { EXTENSION_DIRS, firefoxAddonId } from './build';
import { launchChromium } from './chromium';
import { launchFirefox } from './firefox';
import { E2E_FIXTURE_HOST } from './host';
import type { BrowserSession } from './session';

/** Calls: synthetic cameras and microphone (TESTING.md). */
export interface FakeMedia {
  /** How many synthetic cameras there are (Chromium; Firefox's fake capture has one). */
  cameras?: number;
  /**
   * Camera/microphone permission: `granted` (the default) grants every request without a
   * prompt; `ask` leaves it to the browser as for a person, and the test allows or blocks it
   * with `setMediaPermission` (Chromium); `blocked` refuses every request, as a person's
   * "Block" does (Firefox, whose WebDriver BiDi cannot set this permission).
   */
  permission?: 'granted' | 'ask' | 'blocked';
}

function fakeMediaChromiumArgs({ cameras, permission = 'granted' }: FakeMedia): string[] {
  if (permission === 'blocked') {
    throw new Error("Chromium: launch with permission 'ask', then setMediaPermission('denied')");
  }
  return [
    cameras
      ? `--use-fake-device-for-media-stream=device-count=${cameras}`
      : '--use-fake-device-for-media-stream',
    ...(permission === 'granted' ? ['--use-fake-ui-for-media-stream'] : []),
    // Call windows and background tabs must keep decoding media and running timers.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
  ];
}

function fakeMediaFirefoxPrefs({ cameras, permission = 'granted' }: FakeMedia) {
  if (cameras !== undefined || permission === 'ask') {
    throw new Error('Firefox: one fake camera, and a permission that is granted or blocked');
  }
  const prefs = { 'media.navigator.streams.fake': true };
  if (permission === 'granted') return { ...prefs, 'media.navigator.permission.disabled': true };
  // Firefox's own per-device defaults; 2 is "block".
  return {
    ...prefs,
    'media.navigator.permission.disabled': false,
    'permissions.default.camera': 2,
    'permissions.default.microphone': 2,
  };
}

/** A browser with the e2e build of Sotto, pointed at the fixture as https://x.com. */
export async function launchBrowser(
  name: BrowserName,
  fixturePort: number,
  options: { profileDir?: string; fakeMedia?: boolean | FakeMedia } = {},
): Promise<BrowserSession> {
  const media = options.fakeMedia === true ? {} : options.fakeMedia || null;
  if (name === 'chromium') {
    return launchChromium({
      extensionDir: EXTENSION_DIRS.chromium,
      fixturePort,
      fixtureHost: E2E_FIXTURE_HOST,
      ...(options.profileDir ? { userDataDir: options.profileDir } : {}),
      ...(media ? { extraArgs: fakeMediaChromiumArgs(media) } : {}),
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
    ...(media ? { extraPrefs: fakeMediaFirefoxPrefs(media) } : {}),
  });
}
