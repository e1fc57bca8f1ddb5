import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { selectedBrowsers } from './harness/browsers';
import { startE2EFixture } from './harness/host';
import { launchBrowser } from './harness/launch';
import { Pair } from './harness/pair';
import {
  flushSpy,
  openCompose,
  readerState,
  timeline,
  vaultClient,
  waitForTimeline,
} from './harness/sotto';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

describe.each(selectedBrowsers())('encrypted messages in %s', (browserName) => {
  let pair: Pair;
  const conversation = '1001-1002';
  const url = `https://x.com/i/chat/${conversation}`;
  const plaintexts: string[] = [];
  const secret = (i: number) =>
    `plain-${browserName}-${i}-${Math.random().toString(36).slice(2, 10)} ✓`;

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName);
  });

  afterAll(async () => {
    await pair?.close();
  });

  test('an invitation, accepted, starts a session', async () => {
    expect(await pair.vault('alice').composeState(conversation, 'bob')).toBe('no-session');
    // Keyboard only: from the message box, Tab reaches "Send invitation".
    await pair.invite();
    await pair.waitForComposeState('alice', 'invite-sent');
    await pair.waitForShown('bob', 1);
    const [invite] = await pair.shown('bob');
    expect(invite).toMatchObject({ state: 'invite', direction: 'in' });
    await pair.accept();
    await pair.waitForComposeState('alice', 'ready');
    await pair.waitForComposeState('bob', 'ready');
  });

  test("the popup shows the contact's safety number, equal on both sides, and marks them verified", async () => {
    const numbers: string[] = [];
    for (const [who, partner] of [
      ['alice', 'bob'],
      ['bob', 'alice'],
    ] as const) {
      const browser = pair.browser(who);
      const popup = await browser.newPage();
      await popup.goto(browser.extensionUrl('popup.html'));
      await popup.waitFor(() => document.querySelector('[data-sotto="safety-number"]'), null);
      const shown = await popup.evaluate(
        () => ({
          heading: document.querySelector('[data-sotto="contact"] h2')?.textContent,
          number: document.querySelector('[data-sotto="safety-number"]')?.textContent ?? '',
          state: document.querySelector('[data-sotto="contact"]')?.getAttribute('data-sotto-state'),
        }),
        null,
      );
      expect(shown).toMatchObject({ heading: `@${partner}`, state: 'unverified' });
      expect(shown.number).toMatch(/^(\d{5} ){11}\d{5}$/);
      numbers.push(shown.number);
      if (who === 'alice') {
        const rect = await popup.evaluate(() => {
          const r = document.querySelector('[data-sotto="verify"]')!.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }, null);
        await popup.clickAt(rect.x, rect.y);
        await popup.waitFor(
          () =>
            document.querySelector('[data-sotto="contact"]')?.getAttribute('data-sotto-state') ===
            'verified',
          null,
        );
        const contact = await pair
          .vault('alice')
          .call<{ verified: boolean }>('contact.get', { handle: 'bob' });
        expect(contact.value?.verified).toBe(true);
      }
      await popup.close();
      await pair.page(who).bringToFront();
    }
    // The same 60 digits on both sides: what two people compare to rule out a key swap.
    expect(numbers[0]).toBe(numbers[1]);
  });

  test('20 alternating messages and a burst of 10 arrive decrypted, in order, on both sides', {
    timeout: 240_000,
  }, async () => {
    for (let i = 0; i < 20; i++) {
      const text = secret(i);
      plaintexts.push(text);
      await pair.send(i % 2 === 0 ? 'alice' : 'bob', text);
      const [stopAlice, stopBob] = [
        pair.browser('alice').stopBackground,
        pair.browser('bob').stopBackground,
      ];
      if (i === 9 && stopAlice && stopBob) {
        // Chrome may stop the worker between any two messages: nothing may be lost or reused.
        await Promise.all([stopAlice(), stopBob()]);
      }
    }
    for (let i = 20; i < 30; i++) {
      const text = secret(i);
      plaintexts.push(text);
      await pair.send('alice', text);
    }

    for (const viewer of ['alice', 'bob'] as const) {
      // X has delivered everything; the receiving page may still be reading the last rows.
      await pair.waitForShown(viewer, 32);
      const messages = await pair.shown(viewer);
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
    for (const page of [pair.page('alice'), pair.page('bob')]) {
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
      // The burst of 10 (the last rows, one direction) is shown by one frame over its first
      // row; the other nine rows fold away.
      await page.waitFor(() => {
        const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
        const rows = [...(root?.querySelectorAll('[data-dm-message-row]') ?? [])].slice(-10);
        return rows.length === 10 && rows.every((row) => row.hasAttribute('data-sotto-shown'));
      }, null);
      const burst = await page.evaluate(() => {
        const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
        const rows = [...(root?.querySelectorAll('[data-dm-message-row]') ?? [])].slice(-10);
        const frames = [
          ...(root?.querySelectorAll('iframe[data-sotto="reader"][data-sotto-frame="ready"]') ??
            []),
        ].filter((frame) => getComputedStyle(frame).visibility === 'visible');
        return rows.map((row) => {
          const r = row.getBoundingClientRect();
          if (r.height === 0) return 'folded';
          return frames.filter((frame) => {
            const f = frame.getBoundingClientRect();
            return f.height > 0 && f.top >= r.top && f.bottom <= r.bottom && f.left >= r.left;
          }).length;
        });
      }, null);
      expect(burst, page.url()).toEqual([1, ...Array(9).fill('folded')]);
    }
    // The stored history is unchanged by the reload.
    expect((await pair.shown('bob')).slice(2).map((message) => message?.text)).toEqual(plaintexts);
  });

  test('the acid test: the site saw no plaintext and no keystroke of it', async () => {
    expect(plaintexts).toHaveLength(30);
    await Promise.all([flushSpy(pair.page('alice')), flushSpy(pair.page('bob'))]);
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

  test('a new key for a verified contact is flagged and blocks sending until re-approved', async () => {
    // Bob reinstalls (or someone impersonates him): a new browser, a new identity, an invitation.
    const newBob = await launchBrowser(browserName, fixture.port);
    try {
      const newVault = await vaultClient(newBob);
      const page = await newBob.newPage();
      await page.goto(fixture.loginUrl('bob', `/i/chat/${conversation}`));
      const before = timeline(fixture, conversation, 'alice').length;
      await openCompose(page);
      // The frame offers the invitation (Tab from the text box reaches it) once the new vault
      // knows it has no session here.
      await expect.poll(() => newVault.composeState(conversation, 'alice')).toBe('no-session');
      await page.press('Tab');
      await page.press('Enter');
      await waitForTimeline(fixture, conversation, 'alice', before + 1);

      const alice = pair.vault('alice');
      await pair.page('alice').bringToFront();
      await expect
        .poll(
          async () =>
            (await alice.call<{ keyChanged: boolean }>('contact.get', { handle: 'bob' })).value
              ?.keyChanged,
          {
            timeout: 15_000,
          },
        )
        .toBe(true);
      expect(await alice.composeState(conversation, 'bob')).toBe('key-changed-blocked');
      // The vault itself refuses, whatever a UI would allow.
      const refused = await alice.call('compose.send', {
        conversationId: conversation,
        partner: 'bob',
        text: 'not yet',
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'KEY_CHANGED_BLOCKED' } });

      expect((await alice.call('contact.approveKeyChange', { handle: 'bob' })).ok).toBe(true);
      expect(
        (await alice.call<{ keyChanged: boolean }>('contact.get', { handle: 'bob' })).value
          ?.keyChanged,
      ).toBe(false);
      expect(await alice.composeState(conversation, 'bob')).not.toBe('key-changed-blocked');
    } finally {
      await newBob.close();
    }
  });
});
