import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Fixture, startFixture } from '../fixtures/server';
import { selectedBrowsers } from './harness/browsers';
import { launchBrowser } from './harness/launch';
import type { BrowserSession, TestPage } from './harness/session';
import {
  activateReaderButton,
  flushSpy,
  openCompose,
  readerState,
  timeline,
  vaultClient,
  waitForTimeline,
} from './harness/sotto';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture({ port: 443 });
});

afterAll(async () => {
  await fixture?.close();
});

type Client = Awaited<ReturnType<typeof vaultClient>>;

describe.each(selectedBrowsers())('encrypted messages in %s', (browserName) => {
  const conversation = '1001-1002';
  const url = `https://x.com/i/chat/${conversation}`;
  let alice: BrowserSession;
  let bob: BrowserSession;
  let alicePage: TestPage;
  let bobPage: TestPage;
  let aliceVault: Client;
  let bobVault: Client;
  const plaintexts: string[] = [];
  const secret = (i: number) =>
    `plain-${browserName}-${i}-${Math.random().toString(36).slice(2, 10)} ✓`;

  beforeAll(async () => {
    fixture.reset();
    [alice, bob] = await Promise.all([
      launchBrowser(browserName, fixture.port),
      launchBrowser(browserName, fixture.port),
    ]);
    [alicePage, bobPage] = await Promise.all([alice.newPage(), bob.newPage()]);
    await alicePage.goto(fixture.loginUrl('alice', `/i/chat/${conversation}`));
    await bobPage.goto(fixture.loginUrl('bob', `/i/chat/${conversation}`));
    [aliceVault, bobVault] = await Promise.all([vaultClient(alice), vaultClient(bob)]);
  });

  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
  });

  /** Types a message in the sender's compose frame, presses Enter, and waits for delivery. */
  async function send(from: 'alice' | 'bob', text: string): Promise<void> {
    const page = from === 'alice' ? alicePage : bobPage;
    const to = from === 'alice' ? 'bob' : 'alice';
    const before = timeline(fixture, conversation, to).length;
    await openCompose(page);
    await page.type(text);
    await page.press('Enter');
    await waitForTimeline(fixture, conversation, to, before + 1);
  }

  async function waitForComposeState(
    client: Client,
    partner: string,
    state: string,
  ): Promise<void> {
    const deadline = Date.now() + 15_000;
    let seen = '';
    while (Date.now() < deadline) {
      seen = await client.composeState(conversation, partner);
      if (seen === state) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`compose state stayed "${seen}", expected "${state}"`);
  }

  /** What each side's vault holds for the conversation, oldest first. */
  async function shown(viewer: 'alice' | 'bob') {
    return (viewer === 'alice' ? aliceVault : bobVault).conversation(conversation);
  }

  test('an invitation, accepted, starts a session', async () => {
    expect(await aliceVault.composeState(conversation, 'bob')).toBe('no-session');
    await openCompose(alicePage);
    // Keyboard only: from the message box, Tab reaches "Send invitation".
    await alicePage.press('Tab');
    await alicePage.press('Enter');
    await waitForTimeline(fixture, conversation, 'bob', 1);
    await waitForComposeState(aliceVault, 'bob', 'invite-sent');

    await bobPage.waitFor(
      () =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector('iframe[data-sotto="reader"][data-sotto-frame="ready"]'),
      null,
    );
    const [invite] = await shown('bob');
    expect(invite).toMatchObject({ state: 'invite', direction: 'in' });
    // Like a person whose first click missed: try the Accept button again if nothing happened.
    for (
      let attempt = 0;
      timeline(fixture, conversation, 'alice').length < 2 && attempt < 3;
      attempt++
    ) {
      await activateReaderButton(bobPage);
      await waitForTimeline(fixture, conversation, 'alice', 2, 5_000).catch(() => {});
    }
    await waitForTimeline(fixture, conversation, 'alice', 2);
    await waitForComposeState(aliceVault, 'bob', 'ready');
    await waitForComposeState(bobVault, 'alice', 'ready');
  });

  test('20 alternating messages and a burst of 10 arrive decrypted, in order, on both sides', {
    timeout: 240_000,
  }, async () => {
    for (let i = 0; i < 20; i++) {
      const text = secret(i);
      plaintexts.push(text);
      await send(i % 2 === 0 ? 'alice' : 'bob', text);
      if (i === 9 && alice.stopBackground && bob.stopBackground) {
        // Chrome may stop the worker between any two messages: nothing may be lost or reused.
        await Promise.all([alice.stopBackground(), bob.stopBackground()]);
      }
    }
    for (let i = 20; i < 30; i++) {
      const text = secret(i);
      plaintexts.push(text);
      await send('alice', text);
    }

    for (const viewer of ['alice', 'bob'] as const) {
      const messages = await shown(viewer);
      // invite + acceptance + 30 messages, each exactly once.
      expect(
        messages.map((message) => `${message.direction}:${message.state}`),
        viewer,
      ).toHaveLength(32);
      const texts = messages.slice(2).map((message) => message?.text);
      expect(texts).toEqual(plaintexts);
      for (const [i, message] of messages.slice(2).entries()) {
        const mine = (i < 20 ? (i % 2 === 0 ? 'alice' : 'bob') : 'alice') === viewer;
        expect(message?.state, `${viewer} message ${i}`).toBe(mine ? 'sent' : 'decrypted');
      }
    }
    // No envelope was sent twice (no key reuse shows up as identical ciphertext).
    const envelopes = timeline(fixture, conversation, 'bob').map((message) => message.text);
    expect(new Set(envelopes).size).toBe(envelopes.length);
  });

  test('on screen: every encrypted row shows a reader, never ciphertext, also after a reload', async () => {
    for (const page of [alicePage, bobPage]) {
      await page.waitFor(() => {
        const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
        return (
          (root?.querySelectorAll('iframe[data-sotto="reader"][data-sotto-frame="ready"]').length ??
            0) >= 5
        );
      }, null);
      const state = await readerState(page);
      expect(state, page.url()).toMatchObject({ visibleCiphertext: 0 });
      await page.goto(url);
      await page.waitFor(() => {
        const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
        return (
          (root?.querySelectorAll('iframe[data-sotto="reader"][data-sotto-frame="ready"]').length ??
            0) >= 5
        );
      }, null);
      expect((await readerState(page)).visibleCiphertext).toBe(0);
    }
    // The stored history is unchanged by the reload.
    expect((await shown('bob')).slice(2).map((message) => message?.text)).toEqual(plaintexts);
  });

  test('the acid test: the site saw no plaintext and no keystroke of it', async () => {
    expect(plaintexts).toHaveLength(30);
    await Promise.all([flushSpy(alicePage), flushSpy(bobPage)]);
    const everything = fixture.log.everything();
    expect(everything.length).toBeGreaterThan(10_000);
    for (const text of plaintexts) expect(everything).not.toContain(text);
    // Every message was typed in the compose frame: the page saw no character key and no input.
    // (Tab and Enter used to reach a reader frame's Accept button may pass through the page.)
    const typed = fixture.log.spy.filter(
      (report) =>
        (report.kind === 'key' && (report.key ?? '').length === 1) ||
        (report.kind === 'input' && Boolean(report.data)),
    );
    expect(typed).toEqual([]);
    // The spy was listening: it did record the clicks' focus changes and keys elsewhere.
    expect(fixture.log.spy.some((report) => report.kind === 'focus')).toBe(true);
  });
});
