/**
 * The extension's own pages, driven like a user (trusted clicks and keys) in both browsers:
 * the welcome page opened on install, the contacts page, and the settings page with its
 * connection test, do-not-disturb, passphrase, backup/restore and reset — failures included.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { PeerServer } from 'peer';
import decodeQR from 'qr/decode.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { waitForCount } from './harness/actions';
import { selectedBrowsers } from './harness/browsers';
import { E2E_BUILD_ENV } from './harness/build';
import { startE2EFixture } from './harness/host';
import { launchBrowser } from './harness/launch';
import { Pair } from './harness/pair';
import type { BrowserSession, TestPage } from './harness/session';
import { COMPOSE_BUTTON, vaultClient } from './harness/sotto';

/** A PeerServer of this file's own, so a run beside the calls tests does not share theirs. */
const PEER_PORT = 9105;
const PEER_URL = `http://127.0.0.1:${PEER_PORT}/peerjs`;
/** Nothing listens on port 9 (discard): the signaling server that cannot be reached. */
const UNREACHABLE_URL = 'http://127.0.0.1:9/peerjs';
/**
 * coturn for the connection test, on this machine's own network address: Firefox does not
 * use STUN/TURN servers on loopback (Chromium does), so loopback would test only one browser.
 */
const TURN_HOST = ownAddress();
const TURN_PORT = 3499;
const TURN_USER = 'sotto';
const TURN_PASSWORD = 'e2e-only-secret';
const ICE_SERVERS = [
  { urls: `stun:${TURN_HOST}:${TURN_PORT}` },
  {
    urls: `turn:${TURN_HOST}:${TURN_PORT}?transport=udp`,
    username: TURN_USER,
    credential: TURN_PASSWORD,
  },
];

/** The first IPv4 address of a non-loopback interface. */
function ownAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  throw new Error('The connection test needs a network interface other than loopback');
}

/** Ids of the clients that connected to this file's PeerServer, in order. */
const peerClients: string[] = [];
let fixture: Fixture;
let peerServer: { close(): void } | undefined;
let turn: ChildProcess | undefined;

beforeAll(async () => {
  fixture = await startE2EFixture();
  peerServer = await new Promise((resolve) => {
    const app = PeerServer({ host: '127.0.0.1', port: PEER_PORT, path: '/peerjs' }, (server) =>
      resolve(server),
    );
    app.on('connection', (client) => peerClients.push(client.getId()));
  });
  turn = spawn(
    'turnserver',
    [
      '-n',
      `--listening-ip=${TURN_HOST}`,
      `--relay-ip=${TURN_HOST}`,
      `--listening-port=${TURN_PORT}`,
      '--min-port=49200',
      '--max-port=49299',
      '--lt-cred-mech',
      `--user=${TURN_USER}:${TURN_PASSWORD}`,
      '--realm=sotto.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      '--log-file=stdout',
    ],
    { stdio: 'ignore' },
  );
});

afterAll(async () => {
  turn?.kill();
  peerServer?.close();
  await fixture?.close();
});

/** Scrolls `selector` into view (as a person would) and clicks its centre. */
async function click(page: TestPage, selector: string): Promise<void> {
  await page.bringToFront();
  await page.waitFor((s: string) => document.querySelector(s), selector);
  const rect = await page.evaluate((s: string) => {
    const element = document.querySelector(s)!;
    element.scrollIntoView({ block: 'center' });
    const r = element.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, selector);
  await page.clickAt(rect.x, rect.y);
}

/** Puts `text` into the field like a person: focus it, select what is there, type over it. */
async function fill(page: TestPage, selector: string, text: string): Promise<void> {
  await click(page, selector);
  await page.evaluate((s: string) => {
    const field = document.querySelector(s) as HTMLInputElement | HTMLTextAreaElement;
    field.focus();
    field.select();
  }, selector);
  if (text === '') await page.press('Backspace');
  else await page.insertText(text);
}

const textOf = (page: TestPage, selector: string) =>
  page.evaluate((s: string) => document.querySelector(s)?.textContent ?? null, selector);

const attributeOf = (page: TestPage, selector: string, name: string) =>
  page.evaluate(([s, n]: [string, string]) => document.querySelector(s)?.getAttribute(n) ?? null, [
    selector,
    name,
  ] as [string, string]);

async function waitForText(page: TestPage, selector: string, part: string, timeoutMs = 30_000) {
  await page.waitFor(
    ([s, p]: [string, string]) => document.querySelector(s)?.textContent?.includes(p),
    [selector, part] as [string, string],
    timeoutMs,
  );
}

async function waitForAttribute(page: TestPage, selector: string, name: string, value: string) {
  await page.waitFor(
    ([s, n, v]: [string, string, string]) => document.querySelector(s)?.getAttribute(n) === v,
    [selector, name, value] as [string, string, string],
    30_000,
  );
}

async function openPage(browser: BrowserSession, path: string, ready: string): Promise<TestPage> {
  const page = await browser.newPage();
  await page.goto(browser.extensionUrl(path));
  await page.bringToFront();
  await page.waitFor((s: string) => document.querySelector(s), ready);
  return page;
}

/** The QR code on the page, rasterised in the page and decoded here with the `qr` reader. */
async function decodeQrOnPage(page: TestPage, selector: string): Promise<string> {
  const image = await page.evaluate(async (s: string) => {
    const svg = document.querySelector(s) as SVGSVGElement;
    const size = 400;
    const markup = new XMLSerializer().serializeToString(svg);
    const img = new Image(size, size);
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0, size, size);
    const data = context.getImageData(0, 0, size, size).data;
    return { width: size, height: size, data: Array.from(data) };
  }, selector);
  return decodeQR({ width: image.width, height: image.height, data: Uint8Array.from(image.data) });
}

describe.each(selectedBrowsers())('the extension pages in %s', (browserName) => {
  let pair: Pair;
  let alice: BrowserSession;
  let vault: Awaited<ReturnType<typeof vaultClient>>;

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName);
    alice = pair.browser('alice');
    vault = pair.vault('alice');
  });

  afterAll(async () => {
    await pair?.close();
  });

  test('the welcome page opens on install and shows the key, protections and next steps', async () => {
    // A browser of its own: the welcome page is what a first install opens.
    const fresh = await launchBrowser(browserName, fixture.port, { fakeMedia: true });
    try {
      const deadline = Date.now() + 15_000;
      let urls: string[] = [];
      while (Date.now() < deadline) {
        urls = await fresh.pageUrls();
        if (urls.some((url) => url.endsWith('/onboarding.html'))) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(urls.filter((url) => url.endsWith('/onboarding.html'))).toHaveLength(1);

      const page = await openPage(fresh, 'onboarding.html', '[data-sotto="fingerprint"]');
      const freshVault = await vaultClient(fresh);
      const identity = await freshVault.call<{ fingerprint: string }>('identity.get', {});
      expect(await textOf(page, '[data-sotto="fingerprint"]')).toBe(identity.value?.fingerprint);
      expect(await page.evaluate(() => document.title, null)).toBe('Welcome to Sotto');
      const body = await textOf(page, 'main');
      expect(body).toContain('What Sotto protects');
      expect(body).toContain('What it does not hide');

      // The optional passphrase, right here: set, and the vault says so.
      await fill(page, '[data-sotto="new-passphrase"]', 'welcome passphrase');
      await fill(page, '[data-sotto="confirm-passphrase"]', 'welcome passphrase');
      await click(page, '[data-sotto="save-passphrase"]');
      await waitForText(page, '[data-sotto="passphrase-done"]', 'Passphrase set', 60_000);
      expect(
        (await freshVault.call<{ hasPassphrase: boolean }>('status', {})).value?.hasPassphrase,
      ).toBe(true);

      // The backup prompt makes a backup on the spot.
      await click(page, '[data-sotto="export-backup"]');
      await page.waitFor(() => document.querySelector('[data-sotto="recovery-key"]'), null, 30_000);

      // Camera and microphone: the browser grants them (the harness's fake devices), once.
      await click(page, '[data-sotto="media-permission"]');
      await waitForAttribute(page, '[data-sotto="media-state"]', 'data-sotto-state', 'granted');
      expect(await textOf(page, '[data-sotto="media-state"]')).toContain('Allowed');
    } finally {
      await fresh.close();
    }
  });

  test('the contacts page shows the contact, its safety number as digits and QR, and verifies', {
    timeout: 180_000,
  }, async () => {
    await pair.establish();
    const bob = await vault.call<{ fingerprint: string; safetyNumber: string }>('contact.get', {
      handle: 'bob',
    });
    const bobIdentity = await pair.vault('bob').call<{ fingerprint: string }>('identity.get', {});
    expect(bob.value?.fingerprint).toBe(bobIdentity.value?.fingerprint);

    const page = await openPage(alice, 'contacts.html', '[data-sotto="contact-entry"]');
    const entry = '[data-sotto="contact-entry"][data-sotto-handle="bob"]';
    expect(await textOf(page, `${entry} h2`)).toBe('@bob');
    expect(await textOf(page, `${entry} [data-sotto="contact-fingerprint"]`)).toBe(
      bobIdentity.value?.fingerprint,
    );
    expect(await attributeOf(page, entry, 'data-sotto-state')).toBe('unverified');
    expect(await attributeOf(page, `${entry} [data-sotto="key-history"]`, 'data-sotto-count')).toBe(
      '0',
    );
    const digits = (await textOf(page, `${entry} [data-sotto="safety-number"]`)) ?? '';
    expect(digits).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(digits.replaceAll(' ', '')).toBe(bob.value?.safetyNumber);
    // The QR code says the same 60 digits, for comparing phone to screen in person.
    expect(await decodeQrOnPage(page, `${entry} [data-sotto="safety-qr"]`)).toBe(
      bob.value?.safetyNumber,
    );

    await click(page, `${entry} [data-sotto="verify"]`);
    await waitForAttribute(page, entry, 'data-sotto-state', 'verified');
    expect(
      (await vault.call<{ verified: boolean }>('contact.get', { handle: 'bob' })).value?.verified,
    ).toBe(true);
    // Unverify, with the keyboard: the button has focus after the click moved it.
    await page.evaluate(
      () => (document.querySelector('[data-sotto="unverify"]') as HTMLElement).focus(),
      null,
    );
    await page.press('Enter');
    await waitForAttribute(page, entry, 'data-sotto-state', 'unverified');
    expect(
      (await vault.call<{ verified: boolean }>('contact.get', { handle: 'bob' })).value?.verified,
    ).toBe(false);
    await page.close();
  });

  test('the popup shows the lock state and the key, and leads to contacts and settings', async () => {
    const popup = await openPage(alice, 'popup.html', '[data-sotto="fingerprint"]');
    expect(await attributeOf(popup, '[data-sotto="vault-status"]', 'data-sotto-state')).toBe(
      'ready',
    );
    expect(await textOf(popup, '[data-sotto="vault-status"] .badge')).toBe('Unlocked');
    const identity = await vault.call<{ fingerprint: string }>('identity.get', {});
    expect(await textOf(popup, '[data-sotto="fingerprint"]')).toBe(identity.value?.fingerprint);
    // Presence for incoming calls (whatever the signaling server's state here) and the call log.
    await popup.waitFor(() => document.querySelector('[data-sotto="presence"]'), null);
    const presence = await attributeOf(popup, '[data-sotto="presence"]', 'data-sotto-state');
    const presenceText = {
      starting: 'Connecting',
      connecting: 'Connecting',
      connected: 'Reachable',
      offline: 'Not reachable',
    } as Record<string, string>;
    expect(Object.keys(presenceText)).toContain(presence);
    expect(await textOf(popup, '[data-sotto="presence"]')).toContain(presenceText[presence!]);
    await popup.waitFor(() => document.querySelector('[data-sotto="recent-calls"]'), null);
    expect(await attributeOf(popup, '[data-sotto="recent-calls"]', 'data-sotto-count')).toBe('0');
    expect(await textOf(popup, '[data-sotto="recent-calls"]')).toBe('No calls yet.');

    const before = (await alice.pageUrls()).filter((url) => url.endsWith('/contacts.html')).length;
    await click(popup, '[data-sotto="open-contacts"]');
    const deadline = Date.now() + 10_000;
    while (
      (await alice.pageUrls()).filter((url) => url.endsWith('/contacts.html')).length <= before &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await alice.pageUrls()).filter((url) => url.endsWith('/contacts.html')).length).toBe(
      before + 1,
    );

    // "Write securely" opens the compose frame in the X tab's conversation, ready to type.
    const xPage = pair.page('alice');
    const composeOpen = () =>
      xPage.evaluate(
        () =>
          document
            .querySelector('[data-testid="xchatEmbedRoute"]')
            ?.shadowRoot?.querySelector('iframe[data-sotto="compose-frame"]')
            ?.getAttribute('data-sotto-frame') ?? null,
        null,
      );
    // A fresh view of the conversation: no compose frame open yet.
    await xPage.goto(`https://x.com/i/chat/${pair.conversation}`);
    await waitForCount(xPage, COMPOSE_BUTTON, 1);
    expect(await composeOpen()).toBeNull();
    const composePopup = await openPage(alice, 'popup.html', '[data-sotto="popup-compose"]');
    expect(await textOf(composePopup, '[data-sotto="popup-compose"]')).toBe(
      'Write to @bob securely',
    );
    await click(composePopup, '[data-sotto="popup-compose"]');
    // The popup closes and the person looks at the X tab, where the frame loads. (If the tab
    // could not open it, the popup stays open and says so: that is what fails here then.)
    await xPage.bringToFront();
    const composeDeadline = Date.now() + 30_000;
    while ((await composeOpen()) !== 'ready' && Date.now() < composeDeadline) {
      const popupError = await composePopup
        .evaluate(
          () => document.querySelector('[data-sotto="compose-error"]')?.textContent ?? null,
          null,
        )
        .catch(() => null);
      expect(popupError).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await composeOpen()).toBe('ready');

    // With the X conversation open, the popup offers to call its contact; a click places it.
    const withCall = await openPage(
      alice,
      'popup.html',
      '[data-sotto="popup-call"][data-sotto-media="audio"]:not([disabled])',
    );
    // The contact card asks the vault on its own: it can render after the call buttons.
    await withCall.waitFor(() => document.querySelector('[data-sotto="contact"] h2'), null);
    expect(await textOf(withCall, '[data-sotto="contact"] h2')).toBe('@bob');
    const calls = async () =>
      (await alice.pageUrls())
        .filter((url) => /\/call\.html\?/.test(url))
        .map((url) => Object.fromEntries(new URL(url).searchParams));
    const callsBefore = (await calls()).length;
    await click(withCall, '[data-sotto="popup-call"][data-sotto-media="audio"]');
    const callDeadline = Date.now() + 15_000;
    while ((await calls()).length <= callsBefore && Date.now() < callDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await calls()).slice(callsBefore)).toEqual([
      expect.objectContaining({ handle: 'bob', media: 'audio' }),
    ]);
  });

  test('call settings: a bad address is refused, the test reports what works and what does not, saving takes effect', {
    timeout: 120_000,
  }, async () => {
    const page = await openPage(alice, 'options.html', '[data-sotto="signaling-input"]');
    expect(await textOf(page, '[data-sotto="signaling-url"]')).toBe(
      E2E_BUILD_ENV.SOTTO_SIGNALING_URL,
    );

    // A bad URL: the field says why and nothing is saved.
    await fill(page, '[data-sotto="signaling-input"]', 'ftp://peer.example.org');
    await click(page, '[data-sotto="save-calls"]');
    await waitForText(page, '#signaling-error', 'not valid');
    expect(await attributeOf(page, '[data-sotto="signaling-input"]', 'aria-invalid')).toBe('true');
    expect(
      (await vault.call<{ signalingUrl: string }>('settings.get', {})).value?.signalingUrl,
    ).toBe(E2E_BUILD_ENV.SOTTO_SIGNALING_URL);

    // Runs the connection test on what the fields say; answers each check's state and text.
    let runs = 0;
    const runTest = async () => {
      runs++;
      await click(page, '[data-sotto="test-connection"]');
      await page.waitFor(
        (run: number) => {
          const list = document.querySelector('[data-sotto="connection-results"]');
          const checks = [...document.querySelectorAll('[data-sotto="check"]')];
          return (
            list?.getAttribute('data-sotto-run') === String(run) &&
            checks.length === 3 &&
            checks.every((li) => li.getAttribute('data-sotto-state') !== 'running')
          );
        },
        runs,
        60_000,
      );
      return page.evaluate(
        () =>
          Object.fromEntries(
            [...document.querySelectorAll('[data-sotto="check"]')].map((li) => [
              li.getAttribute('data-sotto-check'),
              { state: li.getAttribute('data-sotto-state'), text: li.textContent ?? '' },
            ]),
          ),
        null,
      );
    };

    // Unreachable signaling and STUN servers, no TURN: clear failures and a clear skip.
    await fill(page, '[data-sotto="signaling-input"]', UNREACHABLE_URL);
    await fill(
      page,
      '[data-sotto="ice-input"]',
      JSON.stringify([{ urls: `stun:${TURN_HOST}:${TURN_PORT + 1}` }]),
    );
    const unreachable = await runTest();
    expect(unreachable.signaling).toMatchObject({ state: 'failed' });
    expect(unreachable.signaling?.text).toContain('not reachable');
    expect(unreachable.stun).toMatchObject({ state: 'failed' });
    expect(unreachable.stun?.text).toContain('no public address learned');
    expect(unreachable.turn).toMatchObject({ state: 'skipped' });
    expect(unreachable.turn?.text).toContain('no TURN server configured');

    // The real servers: the PeerServer gives an id (PeerJS open) and coturn gives a relay.
    // (STUN on loopback: the reflexive address equals the host address, which browsers drop
    // as redundant, so what STUN says here is not asserted; the unit tests cover srflx.)
    await fill(page, '[data-sotto="signaling-input"]', PEER_URL);
    await fill(page, '[data-sotto="ice-input"]', JSON.stringify(ICE_SERVERS));
    const working = await runTest();
    expect(working.signaling).toMatchObject({ state: 'ok' });
    expect(working.signaling?.text).toContain('reachable');
    expect(working.turn).toMatchObject({ state: 'ok' });
    expect(working.turn?.text).toContain('gave Sotto a relay');

    // A wrong TURN credential: no relay, and the page says what to check.
    await fill(
      page,
      '[data-sotto="ice-input"]',
      JSON.stringify([{ ...ICE_SERVERS[1], credential: 'wrong' }]),
    );
    const badTurn = await runTest();
    expect(badTurn.turn).toMatchObject({ state: 'failed' });
    expect(badTurn.turn?.text).toContain('username and credential');
    await fill(page, '[data-sotto="ice-input"]', JSON.stringify(ICE_SERVERS));

    // Save: the vault's effective settings change, and survive a reload of the page.
    await click(page, '[data-sotto="save-calls"]');
    await waitForText(page, '[data-sotto="calls-saved"]', 'Saved');
    const saved = await vault.call<{ signalingUrl: string; iceServers: unknown[] }>(
      'settings.get',
      {},
    );
    expect(saved.value).toMatchObject({ signalingUrl: PEER_URL, iceServers: ICE_SERVERS });
    await page.goto(alice.extensionUrl('options.html'));
    await waitForText(page, '[data-sotto="signaling-url"]', PEER_URL);

    // The calls read the effective settings: presence connects to the saved PeerServer, as
    // the popup shows (it asks once per opening, so it is opened until it says so).
    const popup = await alice.newPage();
    const presenceDeadline = Date.now() + 30_000;
    let presence: string | null = null;
    while (presence !== 'connected' && Date.now() < presenceDeadline) {
      await popup.goto(alice.extensionUrl('popup.html'));
      await popup.waitFor(() => document.querySelector('[data-sotto="presence"]'), null);
      presence = await attributeOf(popup, '[data-sotto="presence"]', 'data-sotto-state');
      if (presence !== 'connected') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(presence).toBe('connected');
    expect(await textOf(popup, '[data-sotto="presence"]')).toContain('Reachable');
    // …and it is this file's PeerServer it reached: a presence address (32 hex), not the
    // connection test's server-assigned id.
    expect(peerClients.some((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    await popup.close();
    await page.bringToFront();

    // Back to the build defaults.
    await click(page, '[data-sotto="reset-calls"]');
    await waitForText(page, '[data-sotto="signaling-url"]', E2E_BUILD_ENV.SOTTO_SIGNALING_URL);
    expect(
      (await vault.call<{ signalingUrl: string }>('settings.get', {})).value?.signalingUrl,
    ).toBe(E2E_BUILD_ENV.SOTTO_SIGNALING_URL);

    // Do not disturb: one click, saved at once, still on after a reload.
    await click(page, '[data-sotto="dnd"]');
    await waitForAttribute(page, '[data-sotto="dnd-state"]', 'data-sotto-state', 'on');
    expect(
      (await vault.call<{ doNotDisturb: boolean }>('settings.get', {})).value?.doNotDisturb,
    ).toBe(true);
    await page.goto(alice.extensionUrl('options.html'));
    await waitForAttribute(page, '[data-sotto="dnd-state"]', 'data-sotto-state', 'on');
    await page.close();
  });

  test('passphrase: mismatch and wrong passphrases are refused; set, change and remove work', {
    timeout: 120_000,
  }, async () => {
    const page = await openPage(alice, 'options.html', '[data-sotto="new-passphrase"]');
    await fill(page, '[data-sotto="new-passphrase"]', 'first passphrase');
    await fill(page, '[data-sotto="confirm-passphrase"]', 'first passphrasE');
    await click(page, '[data-sotto="save-passphrase"]');
    await waitForText(page, '[data-sotto="passphrase-error"]', 'differ');
    expect((await vault.call<{ hasPassphrase: boolean }>('status', {})).value?.hasPassphrase).toBe(
      false,
    );

    await fill(page, '[data-sotto="confirm-passphrase"]', 'first passphrase');
    await click(page, '[data-sotto="save-passphrase"]');
    await waitForText(page, '[data-sotto="passphrase-done"]', 'Passphrase set', 60_000);
    expect((await vault.call<{ hasPassphrase: boolean }>('status', {})).value?.hasPassphrase).toBe(
      true,
    );

    // Change with a wrong current passphrase: refused, nothing changed.
    await page.waitFor(() => document.querySelector('[data-sotto="current-passphrase"]'), null);
    await fill(page, '[data-sotto="current-passphrase"]', 'not it');
    await fill(page, '[data-sotto="new-passphrase"]', 'second passphrase');
    await fill(page, '[data-sotto="confirm-passphrase"]', 'second passphrase');
    await click(page, '[data-sotto="save-passphrase"]');
    await waitForText(page, '[data-sotto="passphrase-error"]', 'passphrase is not correct', 60_000);

    await fill(page, '[data-sotto="current-passphrase"]', 'first passphrase');
    await click(page, '[data-sotto="save-passphrase"]');
    await waitForText(page, '[data-sotto="passphrase-done"]', 'Passphrase changed', 60_000);
    // The new one unlocks; the old one no longer does.
    expect((await vault.call('vault.lock', {})).ok).toBe(true);
    expect(await vault.call('vault.unlock', { passphrase: 'first passphrase' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSPHRASE' },
    });
    await page.goto(alice.extensionUrl('options.html'));
    await fill(page, '[data-sotto="passphrase"]', 'second passphrase');
    await page.press('Enter');
    await page.waitFor(
      () => document.querySelector('[data-sotto="current-passphrase"]'),
      null,
      60_000,
    );

    // Remove: asks first; a wrong current passphrase is refused.
    await fill(page, '[data-sotto="current-passphrase"]', 'wrong');
    await click(page, '[data-sotto="remove-passphrase"]');
    await click(page, '[data-sotto="confirm-remove-passphrase"]');
    await waitForText(page, '[data-sotto="passphrase-error"]', 'passphrase is not correct', 60_000);
    await fill(page, '[data-sotto="current-passphrase"]', 'second passphrase');
    await click(page, '[data-sotto="remove-passphrase"]');
    await click(page, '[data-sotto="confirm-remove-passphrase"]');
    await waitForText(page, '[data-sotto="passphrase-done"]', 'Passphrase removed', 60_000);
    expect((await vault.call<{ hasPassphrase: boolean }>('status', {})).value?.hasPassphrase).toBe(
      false,
    );
    await page.close();
  });

  test('backup, reset and restore: a bad file and a wrong key change nothing; the right one brings the key back', {
    timeout: 120_000,
  }, async () => {
    const before = await vault.call<{ fingerprint: string }>('identity.get', {});
    const page = await openPage(alice, 'options.html', '[data-sotto="export-backup"]');
    await click(page, '[data-sotto="export-backup"]');
    await page.waitFor(
      () =>
        document.querySelector('[data-sotto="recovery-key"]') ||
        document.querySelector('[data-sotto="backup-error"]'),
      null,
      30_000,
    );
    expect(await textOf(page, '[data-sotto="backup-error"]')).toBeNull();
    const recoveryKey = (await textOf(page, '[data-sotto="recovery-key"]')) ?? '';
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    // The file as the download link offers it.
    const file = await page.evaluate(async () => {
      const link = document.querySelector('[data-sotto="backup-download"]') as HTMLAnchorElement;
      const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
      return { name: link.download, bytes: Array.from(bytes) };
    }, null);
    expect(file.name).toMatch(/^sotto-backup-\d{4}-\d{2}-\d{2}\.sottobak$/);
    expect(Buffer.from(file.bytes.slice(0, 8)).toString('latin1')).toBe('SOTTOBAK');

    const choose = (bytes: number[], name: string) =>
      page.evaluate(
        ([content, fileName]: [number[], string]) => {
          const input = document.querySelector('[data-sotto="backup-file"]') as HTMLInputElement;
          const transfer = new DataTransfer();
          transfer.items.add(new File([Uint8Array.from(content)], fileName));
          input.files = transfer.files;
          input.dispatchEvent(new Event('change', { bubbles: true }));
        },
        [bytes, name] as [number[], string],
      );

    // Not a backup at all.
    await choose(Array.from(Buffer.from('this is not a backup')), 'notes.txt');
    await fill(page, '[data-sotto="recovery-key-input"]', recoveryKey);
    await click(page, '[data-sotto="restore-backup"]');
    await waitForText(page, '[data-sotto="restore-error"]', 'not a Sotto backup');

    // Reset everything, behind a confirmation (Cancel first does nothing).
    await click(page, '[data-sotto="reset-all"]');
    // The question moves focus to Cancel, so a stray Enter erases nothing.
    await page.waitFor(
      () => document.activeElement?.getAttribute('data-sotto') === 'reset-all-cancel',
      null,
    );
    await page.press('Enter');
    await page.waitFor(() => !document.querySelector('[data-sotto="confirm-reset"]'), null);
    expect((await vault.call<{ fingerprint: string }>('identity.get', {})).value?.fingerprint).toBe(
      before.value?.fingerprint,
    );
    await click(page, '[data-sotto="reset-all"]');
    await click(page, '[data-sotto="confirm-reset"]');
    await waitForText(page, '[data-sotto="reset-done"]', 'reset');
    const fresh = await vault.call<{ fingerprint: string }>('identity.get', {});
    expect(fresh.value?.fingerprint).not.toBe(before.value?.fingerprint);
    expect((await vault.call<unknown[]>('contact.list', {})).value).toEqual([]);

    // The right file with a wrong (well-formed) key: refused, nothing imported.
    await choose(file.bytes, file.name);
    const wrongKey = recoveryKey.replace(/^..../, recoveryKey.startsWith('AAAA') ? 'BBBB' : 'AAAA');
    await fill(page, '[data-sotto="recovery-key-input"]', wrongKey);
    await click(page, '[data-sotto="restore-backup"]');
    await page.waitFor(() => document.querySelector('[data-sotto="restore-error"]'), null, 30_000);
    expect((await vault.call<{ fingerprint: string }>('identity.get', {})).value?.fingerprint).toBe(
      fresh.value?.fingerprint,
    );

    await fill(page, '[data-sotto="recovery-key-input"]', recoveryKey);
    await click(page, '[data-sotto="restore-backup"]');
    await waitForText(page, '[data-sotto="restore-done"]', 'restored');
    expect((await vault.call<{ fingerprint: string }>('identity.get', {})).value?.fingerprint).toBe(
      before.value?.fingerprint,
    );
    expect(
      (await vault.call<{ handle: string }[]>('contact.list', {})).value?.map((c) => c.handle),
    ).toEqual(['bob']);
    await page.close();
  });

  test('removing a contact asks first, then forgets their key', async () => {
    const page = await openPage(alice, 'contacts.html', '[data-sotto="contact-entry"]');
    await click(page, '[data-sotto="remove-contact"]');
    await click(page, '[data-sotto="confirm-remove"]');
    await page.waitFor(() => document.querySelector('[data-sotto="contacts-empty"]'), null);
    expect(await vault.call('contact.get', { handle: 'bob' })).toEqual({ ok: true, value: null });
    await page.close();
  });
});
