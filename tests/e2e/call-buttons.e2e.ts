import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { clickDeep, waitForCount } from './harness/actions';
import { selectedBrowsers } from './harness/browsers';
import { startE2EFixture } from './harness/host';
import { Pair } from './harness/pair';
import type { BrowserSession, TestPage } from './harness/session';
import { COMPOSE_FRAME, timeline, waitForTimeline } from './harness/sotto';
import { deepAttribute, deepCount } from './harness/x-page';

const CALL_BUTTON = '[data-sotto="call-button"]';
const AUDIO = `${CALL_BUTTON}[data-sotto-media="audio"]`;
const VIDEO = `${CALL_BUTTON}[data-sotto-media="video"]`;
const NOTICE = '[data-sotto="call-notice"]';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

/** Clicks a same-origin link like a person (X's router handles it without a reload). */
async function follow(page: TestPage, href: string): Promise<void> {
  await clickDeep(page, `a[href="${href}"]`);
  await page.waitFor((path: string) => location.pathname === path, href);
}

/** The call windows the extension opened so far, as `{handle, media, role}`. */
async function callWindows(browser: BrowserSession) {
  return (await browser.pageUrls())
    .filter((url) => /^(chrome|moz)-extension:\/\/[^/]+\/call\.html\?/.test(url))
    .map((url) => Object.fromEntries(new URL(url).searchParams));
}

async function waitForCallWindows(browser: BrowserSession, count: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const windows = await callWindows(browser);
    if (windows.length >= count) return windows;
    if (Date.now() > deadline) throw new Error(`${windows.length} call windows, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(selectedBrowsers())('call buttons in %s', (browserName) => {
  let pair: Pair;

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName);
  });

  afterAll(async () => {
    await pair?.close();
  });

  test("appear in X's action row on another's profile only, once, through SPA navigation", async () => {
    const page = pair.page('alice');
    await page.goto('https://x.com/bob');
    await waitForCount(page, CALL_BUTTON, 2);
    expect(await page.evaluate(deepCount, AUDIO)).toBe(1);
    expect(await page.evaluate(deepCount, VIDEO)).toBe(1);
    // Beside X's Message button, in its action row.
    const placed = await page.evaluate(
      (selector: string) =>
        document
          .querySelector(selector)
          ?.closest('sotto-call-buttons')
          ?.previousElementSibling?.getAttribute('data-testid') ?? null,
      AUDIO,
    );
    expect(placed).toBe('sendDMFromProfile');

    // Away (SPA) and back: removed, then back exactly once.
    await follow(page, '/home');
    await waitForCount(page, CALL_BUTTON, 0);
    await page.evaluate(() => history.back(), null);
    await page.waitFor(() => location.pathname === '/bob', null);
    await waitForCount(page, CALL_BUTTON, 2);

    // One's own profile: X shows "Edit profile" and no Message button; no call buttons.
    await follow(page, '/alice');
    await page.waitFor(() => document.querySelector('[data-testid="editProfileButton"]'), null);
    expect(await page.evaluate(deepCount, CALL_BUTTON)).toBe(0);

    // Straight to another person's profile: their buttons, once.
    await follow(page, '/home');
    await follow(page, '/carol');
    await waitForCount(page, CALL_BUTTON, 2);
    expect(
      await page.evaluate(deepAttribute, [AUDIO, 'data-sotto-handle'] as [string, string]),
    ).toBe('carol');
  });

  test('without a session, the button explains and opens the chat with the invitation ready', async () => {
    const page = pair.page('alice');
    await page.goto('https://x.com/carol');
    await clickDeep(page, AUDIO);
    await waitForCount(page, NOTICE, 1);
    expect(
      await page.evaluate(deepAttribute, [NOTICE, 'data-sotto-state'] as [string, string]),
    ).toBe('no-session');
    expect(await callWindows(pair.browser('alice'))).toEqual([]);

    // Keyboard: the notice has focus on "Open chat with invitation".
    await page.press('Enter');
    await page.waitFor(() => location.pathname === '/i/chat/1001-1003', null);
    await page.waitFor(
      (selector: string) =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector(selector)
          ?.getAttribute('data-sotto-frame') === 'ready',
      COMPOSE_FRAME,
    );
    // Focus is on "Send invitation": Enter sends it through X to Carol.
    expect(timeline(fixture, '1001-1003', 'carol')).toHaveLength(0);
    await page.press('Enter');
    await waitForTimeline(fixture, '1001-1003', 'carol', 1);
    expect(timeline(fixture, '1001-1003', 'carol')[0]?.text).toMatch(/SOTTO\d+\./);
    expect(await pair.vault('alice').composeState('1001-1003', 'carol')).toBe('invite-sent');
  });

  test('with a session, a trusted click opens the call window for that person and medium', async () => {
    const page = pair.page('alice');
    await page.goto(`https://x.com/i/chat/${pair.conversation}`);
    await pair.establish();
    const browser = pair.browser('alice');
    expect(await callWindows(browser)).toEqual([]);

    // In the conversation header.
    await page.bringToFront();
    await waitForCount(page, CALL_BUTTON, 2);
    // Clicks the page synthesises on the buttons (all it can reach of them) place no call.
    const synthesised = await page.evaluate((selector: string) => {
      const found: Element[] = [];
      const visit = (root: Document | ShadowRoot) => {
        found.push(...root.querySelectorAll(selector));
        for (const element of root.querySelectorAll('*')) {
          if (element.shadowRoot) visit(element.shadowRoot);
        }
      };
      visit(document);
      for (const button of found) {
        button.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
        (button as HTMLElement).click();
        button.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }
      return found.length;
    }, CALL_BUTTON);
    expect(synthesised).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await callWindows(browser)).toEqual([]);
    await clickDeep(page, AUDIO);
    expect(await waitForCallWindows(browser, 1)).toEqual([
      { role: 'caller', handle: 'bob', media: 'audio' },
    ]);

    // On Bob's profile, reached from the header link.
    await follow(page, '/bob');
    await waitForCount(page, CALL_BUTTON, 2);
    await clickDeep(page, VIDEO);
    const windows = await waitForCallWindows(browser, 2);
    expect(windows).toHaveLength(2);
    expect(windows).toContainEqual({ role: 'caller', handle: 'bob', media: 'video' });
  });
});
