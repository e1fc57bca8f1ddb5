import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the end-to-end build goes: beside, never over, a build made for shipping.
 * `SOTTO_E2E_OUT_DIR` gives a second, concurrent e2e run its own build.
 */
export const E2E_OUT_DIR = resolve(process.env.SOTTO_E2E_OUT_DIR ?? '.output/e2e');

/**
 * The port of the PeerServer the tests start (harness/peer-server.ts). `SOTTO_E2E_PEER_PORT`
 * gives a concurrent run (or `npm run bench calls` beside `npm test`) its own: two runs on one
 * port fail with EADDRINUSE, or worse, signal through each other's server.
 */
export const E2E_PEER_PORT = Number(process.env.SOTTO_E2E_PEER_PORT || 9000);

/** The defaults the e2e build is made with; tests assert they reach the extension. */
export const E2E_BUILD_ENV = {
  SOTTO_SIGNALING_URL: `http://127.0.0.1:${E2E_PEER_PORT}/peerjs`,
  SOTTO_ICE_SERVERS: JSON.stringify([{ urls: 'stun:127.0.0.1:3478' }]),
};

export const EXTENSION_DIRS = {
  chromium: join(E2E_OUT_DIR, 'chrome-mv3'),
  firefox: join(E2E_OUT_DIR, 'firefox-mv2'),
} as const;

/** Production builds for both browsers, exactly as `npm run build` makes them. */
export function buildExtensionForE2E(): void {
  for (const target of ['chrome', 'firefox']) {
    execFileSync('npx', ['wxt', 'build', '-b', target], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ...E2E_BUILD_ENV, SOTTO_OUT_DIR: E2E_OUT_DIR, NODE_ENV: 'production' },
    });
  }
}

export function firefoxAddonId(): string {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIRS.firefox, 'manifest.json'), 'utf8'));
  return manifest.browser_specific_settings.gecko.id as string;
}
