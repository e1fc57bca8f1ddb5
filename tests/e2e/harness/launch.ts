import type { BrowserName } from './browsers';
import { EXTENSION_DIRS, firefoxAddonId } from './build';
import { launchChromium } from './chromium';
import { launchFirefox } from './firefox';
import { E2E_FIXTURE_HOST } from './host';
import type { BrowserSession } from './session';

/** A browser with the e2e build of Sotto, pointed at the fixture as https://x.com. */
export async function launchBrowser(
  name: BrowserName,
  fixturePort: number,
  options: { profileDir?: string } = {},
): Promise<BrowserSession> {
  if (name === 'chromium') {
    return launchChromium({
      extensionDir: EXTENSION_DIRS.chromium,
      fixturePort,
      fixtureHost: E2E_FIXTURE_HOST,
      ...(options.profileDir ? { userDataDir: options.profileDir } : {}),
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
  });
}
