/**
 * `npm run demo`: try Sotto without an X account. Starts the local x.com fixture and a
 * PeerServer on loopback, builds the extension with those as its defaults, and opens
 * Chromium for two users side by side (Alice and Bob). Headed where a display exists;
 * otherwise headless, with screenshots saved and the way to look explained.
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PeerServer } from 'peer';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../tests/e2e/harness/chromium';
import { startFixture } from '../tests/fixtures/server';

const PEER_PORT = 9000;
const OUT_DIR = resolve('.output/demo');
const SCREENSHOTS = resolve('demo-screenshots');
const isRoot = process.getuid?.() === 0;

const fixture = await startFixture({ port: isRoot ? 443 : 8443 });
const peerHttp = await new Promise<{ close(): void }>((ready) => {
  PeerServer({ host: '127.0.0.1', port: PEER_PORT, path: '/peerjs' }, (server) => ready(server));
});
console.log(
  `Local x.com fixture on https://127.0.0.1:${fixture.port}, PeerServer on http://127.0.0.1:${PEER_PORT}/peerjs`,
);

console.log('Building the extension with the local servers as defaults…');
execFileSync('npx', ['wxt', 'build', '-b', 'chrome'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    SOTTO_OUT_DIR: OUT_DIR,
    SOTTO_SIGNALING_URL: `http://127.0.0.1:${PEER_PORT}/peerjs`,
    SOTTO_ICE_SERVERS: '[]',
  },
});
const extensionDir = resolve(OUT_DIR, 'chrome-mv3');

const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const users = [
  { handle: 'alice', x: 0 },
  { handle: 'bob', x: 720 },
];
const conversation = fixture.conversationId('alice', 'bob');

const contexts = await Promise.all(
  users.map(async ({ handle, x }) => {
    const context = await chromium.launchPersistentContext('', {
      executablePath: process.env.SOTTO_CHROMIUM_PATH || '/usr/bin/chromium',
      headless: !headed,
      ignoreHTTPSErrors: true,
      viewport: headed ? null : { width: 1280, height: 900 },
      args: [
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        `--host-resolver-rules=MAP x.com 127.0.0.1:${fixture.port}, MAP twitter.com 127.0.0.1:${fixture.port}`,
        ...CHROMIUM_ARGS,
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--window-position=${x},0`,
        '--window-size=720,900',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(fixture.loginUrl(handle, `/i/chat/${conversation}`));
    return { handle, context, page };
  }),
);

console.log(`
Sotto demo is running: Alice (left) and Bob (right) in the conversation ${conversation}.
Try:
  1. In Alice's window, click the lock button in the message composer: the secure compose
     frame opens. Text typed there never reaches the page.
  2. Open https://x.com/bob in Alice's window, then come back to the chat.
  3. Press Ctrl+C here to stop everything.
`);

if (!headed) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await new Promise((done) => setTimeout(done, 2000));
  for (const { handle, page } of contexts) {
    await page.screenshot({ path: resolve(SCREENSHOTS, `${handle}.png`) });
  }
  console.log(`No display found, so the browsers run headless. Screenshots: ${SCREENSHOTS}/
To watch it live, run it on a machine with a desktop, or under a virtual display you can
view (e.g. Xvfb with x11vnc attached).`);
}

const stop = async () => {
  await Promise.all(contexts.map(({ context }) => context.close().catch(() => {})));
  await fixture.close();
  peerHttp.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
