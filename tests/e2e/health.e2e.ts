import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { waitForCount } from './harness/actions';
import { selectedBrowsers } from './harness/browsers';
import { startE2EFixture } from './harness/host';
import { launchBrowser } from './harness/launch';
import type { BrowserSession } from './harness/session';
import { COMPOSE_BUTTON } from './harness/sotto';
import { deepAttribute, deepCount } from './harness/x-page';

const HEALTH = '[data-sotto="health"]';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

describe.each(selectedBrowsers())("when X's markup changes, in %s", (browserName) => {
  let browser: BrowserSession;

  beforeAll(async () => {
    fixture.reset();
    browser = await launchBrowser(browserName, fixture.port);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('a renamed composer is reported in the conversation, not silently ignored', async () => {
    const page = await browser.newPage();
    await page.goto(fixture.loginUrl('alice', '/i/chat/1001-1002?variant=composer-renamed'));
    await page.bringToFront();
    // X's renamed composer is there (the page works), Sotto's lock button cannot be.
    await page.waitFor(
      () =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector('textarea[data-testid="dm-composer-input"]'),
      null,
    );
    await waitForCount(page, HEALTH, 1);
    expect(
      await page.evaluate(deepAttribute, [HEALTH, 'data-sotto-missing'] as [string, string]),
    ).toBe('composer');
    expect(await page.evaluate(deepCount, COMPOSE_BUTTON)).toBe(0);
    // At the top of X's conversation panel, where it is seen but takes no one's place.
    const placed = await page.evaluate(
      (selector: string) =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector(selector)
          ?.parentElement?.getAttribute('data-testid') ?? null,
      HEALTH,
    );
    expect(placed).toBe('dm-conversation-panel');

    await page.close();
  });
});
