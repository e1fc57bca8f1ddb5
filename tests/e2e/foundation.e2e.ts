import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { clickDeep, deepCount, waitForCount } from './harness/actions';
import { selectedBrowsers } from './harness/browsers';
import { E2E_BUILD_ENV } from './harness/build';
import { startE2EFixture } from './harness/host';
import { launchBrowser } from './harness/launch';
import type { BrowserSession, TestPage } from './harness/session';
import { deepAttribute } from './harness/x-page';

const COMPOSE_BUTTON = '[data-sotto="compose-button"]';
const COMPOSE_FRAME = 'iframe[data-sotto="compose-frame"]';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

describe.each(selectedBrowsers())('foundation in %s', (browserName) => {
  let browser: BrowserSession;
  let page: TestPage;

  beforeAll(async () => {
    browser = await launchBrowser(browserName, fixture.port);
    page = await browser.newPage();
    await page.goto(fixture.loginUrl('alice', '/home'));
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('the popup and options pages load and reach the background', async () => {
    const popup = await browser.newPage();
    await popup.goto(browser.extensionUrl('popup.html'));
    await popup.waitFor(
      () =>
        document.querySelector('[data-sotto="vault-status"]')?.getAttribute('data-sotto-state') ===
        'ready',
      null,
    );
    expect(await popup.evaluate(() => document.body.textContent, null)).toContain('is running');

    await popup.goto(browser.extensionUrl('options.html'));
    await popup.waitFor(() => document.querySelector('[data-sotto="signaling-url"]'), null);
    const shown = await popup.evaluate(
      () => ({
        signaling: document.querySelector('[data-sotto="signaling-url"]')?.textContent,
        ice: document.querySelector('[data-sotto="ice-servers"]')?.textContent,
      }),
      null,
    );
    // The build-time defaults of the e2e build reach the extension unchanged.
    expect(shown.signaling).toBe(E2E_BUILD_ENV.SOTTO_SIGNALING_URL);
    expect(shown.ice).toBe('stun:127.0.0.1:3478');
    await popup.close();
  });

  test('the compose button appears in a conversation, inside the chat shadow root', async () => {
    await page.goto(`https://x.com/i/chat/${fixture.conversationId('alice', 'bob')}`);
    await waitForCount(page, COMPOSE_BUTTON, 1);
    // It sits in X's composer form, found through the open shadow root, not in the light DOM.
    const placement = await page.evaluate(() => {
      const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
      const host = root?.querySelector('[data-sotto="compose-button"]');
      return {
        inShadowRoot: Boolean(host),
        inComposer: Boolean(host?.closest('form[data-testid="dm-composer-form"]')),
        inLightDom: document.querySelectorAll('[data-sotto="compose-button"]').length,
        // Closed: the page cannot reach inside the button's own shadow root.
        pageCanReachInside: host?.shadowRoot !== null && host?.shadowRoot !== undefined,
      };
    }, null);
    expect(placement).toEqual({
      inShadowRoot: true,
      inComposer: true,
      inLightDom: 0,
      pageCanReachInside: false,
    });
    // The content script got an answer from the background over lib/rpc.
    expect(
      await page.evaluate(deepAttribute, [COMPOSE_BUTTON, 'data-sotto-vault'] as [string, string]),
    ).toBe('connected');
  });

  test('the button survives SPA navigation to another conversation and back, never doubled', async () => {
    const bob = fixture.conversationId('alice', 'bob');
    const carol = fixture.conversationId('alice', 'carol');
    await page.goto(`https://x.com/i/chat/${bob}`);
    await waitForCount(page, COMPOSE_BUTTON, 1);
    const loads = await page.evaluate(
      () => performance.getEntriesByType('navigation').length,
      null,
    );

    await clickDeep(page, `a[href="/i/chat/${carol}"]`);
    await page.waitFor((id: string) => location.pathname === `/i/chat/${id}`, carol);
    await waitForCount(page, COMPOSE_BUTTON, 1);

    await clickDeep(page, `a[href="/i/chat/${bob}"]`);
    await page.waitFor((id: string) => location.pathname === `/i/chat/${id}`, bob);
    await waitForCount(page, COMPOSE_BUTTON, 1);

    // Same document throughout: this was pushState navigation, not reloads.
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length, null)).toBe(
      loads,
    );
    expect(await page.evaluate(() => document.title, null)).toBe('X');
    expect(await page.evaluate(deepCount, COMPOSE_BUTTON)).toBe(1);
  });

  test('no button on pages that are not a conversation', async () => {
    for (const path of ['/home', '/bob', '/i/chat']) {
      await page.goto(`https://x.com${path}`);
      await page.waitFor(() => document.readyState === 'complete', null);
      // Give the content script the same chance it gets in a conversation.
      await page.waitFor(
        () => document.querySelector('[data-testid="AppTabBar_Profile_Link"]'),
        null,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await page.evaluate(deepCount, COMPOSE_BUTTON), path).toBe(0);
    }
    // And navigating from a conversation to a profile removes it.
    await page.goto(`https://x.com/i/chat/${fixture.conversationId('alice', 'bob')}`);
    await waitForCount(page, COMPOSE_BUTTON, 1);
    await clickDeep(page, '[data-testid="dm-conversation-header"] a[href="/bob"]');
    await page.waitFor(() => location.pathname === '/bob', null);
    await waitForCount(page, COMPOSE_BUTTON, 0);
  });

  test('a trusted click opens the compose frame, which loads under the CSP and talks to the vault', async () => {
    await page.goto(`https://x.com/i/chat/${fixture.conversationId('alice', 'bob')}`);
    await waitForCount(page, COMPOSE_BUTTON, 1);

    // A click the page synthesises does nothing.
    await page.evaluate(() => {
      const host = document
        .querySelector('[data-testid="xchatEmbedRoute"]')
        ?.shadowRoot?.querySelector('[data-sotto="compose-button"]');
      host?.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      (host as HTMLElement | null)?.click();
    }, null);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await page.evaluate(deepCount, COMPOSE_FRAME)).toBe(0);

    await clickDeep(page, COMPOSE_BUTTON);
    await waitForCount(page, COMPOSE_FRAME, 1);
    // The frame reports "ready" only after the vault answered it over lib/rpc.
    await page.waitFor(
      () =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector('iframe[data-sotto="compose-frame"]')
          ?.getAttribute('data-sotto-frame') === 'ready',
      null,
    );
    // The page cannot read the frame's document.
    const readable = await page.evaluate(() => {
      const frame = document
        .querySelector('[data-testid="xchatEmbedRoute"]')
        ?.shadowRoot?.querySelector<HTMLIFrameElement>('iframe[data-sotto="compose-frame"]');
      try {
        return frame?.contentDocument?.body?.textContent ?? null;
      } catch {
        return 'threw';
      }
    }, null);
    expect([null, 'threw']).toContain(readable);

    // Escape inside the frame closes it.
    await page.press('Escape');
    await waitForCount(page, COMPOSE_FRAME, 0);
  });

  test("the spy sees text typed into X's own composer (so its silence elsewhere means something)", async () => {
    const canary = `spy-canary-${browserName}-${Date.now()}`;
    await page.goto(`https://x.com/i/chat/${fixture.conversationId('alice', 'bob')}`);
    await clickDeep(page, 'textarea[data-testid="dm-composer-textarea"]');
    await page.type(canary);
    await page.evaluate(
      () =>
        (window as unknown as { __fixtureSpy: { flush(): Promise<void> } }).__fixtureSpy.flush(),
      null,
    );
    const everything = fixture.log.everything();
    expect(everything).toContain(canary);
    // Individual key events were recorded too, not only the final value.
    expect(fixture.log.spy.some((report) => JSON.stringify(report).includes('"keydown"'))).toBe(
      true,
    );
  });

  test('typing in the compose frame never reaches the page', async () => {
    const secret = `frame-secret-${browserName}-${Date.now()}`;
    await page.goto(`https://x.com/i/chat/${fixture.conversationId('alice', 'bob')}`);
    await clickDeep(page, COMPOSE_BUTTON);
    await page.waitFor(
      () =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector('iframe[data-sotto="compose-frame"]')
          ?.getAttribute('data-sotto-frame') === 'ready',
      null,
    );
    const flushSpy = () =>
      page.evaluate(
        () =>
          (window as unknown as { __fixtureSpy: { flush(): Promise<void> } }).__fixtureSpy.flush(),
        null,
      );
    const keyEvents = () =>
      fixture.log.spy.filter((report) => report.kind === 'key' || report.kind === 'input').length;
    await flushSpy();
    const keyEventsBefore = keyEvents();
    // Focus moved into the frame by itself; these keys go to the extension's textarea.
    await page.type(secret);
    await flushSpy();
    expect(fixture.log.everything()).not.toContain(secret);
    // Not even a single key of it: the page saw no key or input event while the frame had focus.
    expect(keyEvents()).toBe(keyEventsBefore);
    // And X's own composer stayed empty.
    expect(
      await page.evaluate(
        () =>
          document
            .querySelector('[data-testid="xchatEmbedRoute"]')
            ?.shadowRoot?.querySelector<HTMLTextAreaElement>(
              'textarea[data-testid="dm-composer-textarea"]',
            )?.value,
        null,
      ),
    ).toBe('');
  });

  test('the frames refuse to work outside X', async () => {
    const frame = await browser.newPage();
    await frame.goto(browser.extensionUrl(`reader.html?host=https://x.com&id=${'0'.repeat(64)}`));
    // Inside X, a reader asks the vault; for an id it never saw, it says so.
    await frame.waitFor(
      () =>
        document.querySelector('[data-sotto="message"]')?.getAttribute('data-sotto-state') ===
        'error',
      null,
    );
    for (const path of [
      'compose.html?host=https://evil.test',
      'reader.html',
      'compose.html?host=http://x.com',
    ]) {
      await frame.goto(browser.extensionUrl(path));
      await frame.waitFor(
        () => document.body.textContent?.includes('only works inside x.com'),
        null,
      );
      expect(
        await frame.evaluate(() => document.querySelector('[data-sotto]'), null),
        path,
      ).toBeNull();
    }
    await frame.close();
  });

  if (browserName === 'chromium') {
    test('only x.com and twitter.com may load the frames (web-accessible resources)', async () => {
      const probe = await browser.newPage();
      const url = browser.extensionUrl('compose.html');
      const tryFetch = (target: string) =>
        fetch(target).then(
          (response) => (response.ok ? 'loaded' : `status ${response.status}`),
          () => 'blocked',
        );
      await probe.goto('https://x.com/home');
      expect(await probe.evaluate(tryFetch, url)).toBe('loaded');
      await probe.goto('https://evil.test/home');
      expect(await probe.evaluate(tryFetch, url)).toBe('blocked');
      // A resource that is not web-accessible is blocked even for x.com.
      await probe.goto('https://x.com/home');
      expect(await probe.evaluate(tryFetch, browser.extensionUrl('popup.html'))).toBe('blocked');
      await probe.close();
    });
  }

  test('in a group conversation the button says encryption is not supported there', async () => {
    await page.goto('https://x.com/i/chat/g5551212');
    await waitForCount(page, COMPOSE_BUTTON, 1);
    const state = () =>
      page.evaluate(deepAttribute, [COMPOSE_BUTTON, 'data-sotto-state'] as [string, string]);
    expect(await state()).toBe('unsupported');
    // Moving to a one-to-one conversation (SPA navigation) makes it a working button again.
    await clickDeep(page, `a[href="/i/chat/${fixture.conversationId('alice', 'bob')}"]`);
    await page.waitFor(() => location.pathname === '/i/chat/1001-1002', null);
    await page.waitFor(
      ([selector]: [string]) =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector(selector)
          ?.getAttribute('data-sotto-state') === 'ready',
      [COMPOSE_BUTTON] as [string],
    );
  });
});
