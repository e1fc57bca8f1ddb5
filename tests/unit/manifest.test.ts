import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The manifests as built, for both browsers: what we promise about permissions and exposure.
const outDir = mkdtempSync(join(tmpdir(), 'sotto-manifest-'));
const manifests: Record<'chrome' | 'firefox', Record<string, unknown>> = {
  chrome: {},
  firefox: {},
};

beforeAll(() => {
  for (const [browser, folder] of [
    ['chrome', 'chrome-mv3'],
    ['firefox', 'firefox-mv2'],
  ] as const) {
    execFileSync('npx', ['wxt', 'build', '-b', browser], {
      stdio: 'ignore',
      env: { ...process.env, SOTTO_OUT_DIR: outDir },
    });
    manifests[browser] = JSON.parse(readFileSync(join(outDir, folder, 'manifest.json'), 'utf8'));
  }
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const HOSTS = ['https://x.com/*', 'https://twitter.com/*'];

describe('Chrome MV3 manifest', () => {
  test('minimal permissions and host access to X only', () => {
    const m = manifests.chrome;
    expect(m.manifest_version).toBe(3);
    // notifications: incoming calls ring; offscreen: the presence listener (README).
    expect(m.permissions).toEqual(['storage', 'notifications', 'offscreen']);
    expect(m.host_permissions).toEqual(HOSTS);
    const scripts = m.content_scripts as { matches: string[] }[];
    expect(scripts.flatMap((script) => script.matches).sort()).toEqual([...HOSTS].sort());
  });

  test('only the frames are web-accessible, and only to X', () => {
    expect(manifests.chrome.web_accessible_resources).toEqual([
      { resources: ['compose.html', 'reader.html'], matches: HOSTS },
    ]);
  });

  test('name and description come from _locales', () => {
    expect(manifests.chrome.name).toBe('__MSG_extName__');
    expect(manifests.chrome.description).toBe('__MSG_extDescription__');
    expect(manifests.chrome.default_locale).toBe('en');
    expect(Object.keys(manifests.chrome.icons as object).sort()).toEqual([
      '128',
      '16',
      '32',
      '48',
      '96',
    ]);
  });
});

describe('Firefox MV2 manifest', () => {
  test('a persistent background page, an add-on id, host access to X only', () => {
    const m = manifests.firefox;
    expect(m.manifest_version).toBe(2);
    expect(m.background).toMatchObject({ persistent: true });
    expect(m.browser_specific_settings).toMatchObject({
      gecko: { id: 'sotto@sotto-messenger.org' },
    });
    expect(m.permissions).toEqual(['storage', 'notifications', ...HOSTS]);
    expect(m.web_accessible_resources).toEqual(['compose.html', 'reader.html']);
  });
});
