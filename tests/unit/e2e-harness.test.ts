import { afterEach, describe, expect, test } from 'vitest';
import { browserExecutable, selectedBrowsers } from '../e2e/harness/browsers';

// The e2e suite must fail loudly, naming the package, when a browser is missing: never skip.
describe('browserExecutable', () => {
  afterEach(() => {
    delete process.env.SOTTO_CHROMIUM_PATH;
    delete process.env.SOTTO_FIREFOX_PATH;
    delete process.env.SOTTO_E2E_BROWSERS;
  });

  test.each([
    ['chromium', 'SOTTO_CHROMIUM_PATH', 'apt-get install -y chromium'],
    ['firefox', 'SOTTO_FIREFOX_PATH', 'apt-get install -y firefox-esr'],
  ] as const)('a missing %s names the Debian package to install', (name, variable, hint) => {
    process.env[variable] = '/nonexistent/browser';
    expect(() => browserExecutable(name)).toThrow(hint);
  });

  test('both browsers run unless narrowed; an unknown name is an error', () => {
    expect(selectedBrowsers()).toEqual(['chromium', 'firefox']);
    process.env.SOTTO_E2E_BROWSERS = 'firefox';
    expect(selectedBrowsers()).toEqual(['firefox']);
    process.env.SOTTO_E2E_BROWSERS = 'safari';
    expect(() => selectedBrowsers()).toThrow('Unknown browser');
  });
});
