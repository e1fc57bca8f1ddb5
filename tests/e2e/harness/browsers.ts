import { existsSync } from 'node:fs';

export type BrowserName = 'chromium' | 'firefox';

const EXECUTABLES: Record<BrowserName, { path: string; debianPackage: string }> = {
  chromium: { path: '/usr/bin/chromium', debianPackage: 'chromium' },
  firefox: { path: '/usr/bin/firefox-esr', debianPackage: 'firefox-esr' },
};

/**
 * The browser's executable, or an error that says how to get it. A missing browser fails
 * the run: end-to-end tests are never skipped.
 */
export function browserExecutable(name: BrowserName): string {
  const override = process.env[`SOTTO_${name.toUpperCase()}_PATH`];
  const { path, debianPackage } = EXECUTABLES[name];
  const executable = override || path;
  if (!existsSync(executable)) {
    throw new Error(
      `${name} was not found at ${executable}. Install it with "apt-get install -y ${debianPackage}" ` +
        `(or set SOTTO_${name.toUpperCase()}_PATH). End-to-end tests need both Chromium and Firefox ESR.`,
    );
  }
  return executable;
}

/** Which browsers to run; all by default. `SOTTO_E2E_BROWSERS=chromium` narrows it locally. */
export function selectedBrowsers(): BrowserName[] {
  const raw = process.env.SOTTO_E2E_BROWSERS;
  if (!raw) return ['chromium', 'firefox'];
  return raw.split(',').map((name) => {
    if (name !== 'chromium' && name !== 'firefox') throw new Error(`Unknown browser "${name}"`);
    return name;
  });
}
