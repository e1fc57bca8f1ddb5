/**
 * Accessibility of every extension page, in Chromium: axe-core (injected into the page as the
 * npm package ships it) finds no WCAG 2.x level A or AA violation, in the light and the dark
 * theme (`prefers-color-scheme`), in the states a user meets. Each state is also saved as a
 * screenshot under test-results/screenshots/ (git-ignored): the README shows a copy.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RPC_VERSION } from '../../lib/rpc/protocol';
import type { Fixture } from '../fixtures/server';
import { selectedBrowsers } from './harness/browsers';
import { forgeNewKeyInvite } from './harness/decision';
import { startE2EFixture } from './harness/host';
import { Pair } from './harness/pair';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let fixture: Fixture;
let axeSource: string;

beforeAll(async () => {
  fixture = await startE2EFixture();
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await fixture?.close();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe in the page (evaluated through the debugger, so the page's CSP does not apply). */
async function runAxe(page: Page): Promise<{ violations: Violation[]; passed: number }> {
  await page.evaluate(`${axeSource}\n;void 0`);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(options: unknown): Promise<unknown> } }).axe;
    const result = (await axe.run({ runOnly: { type: 'tag', values: tags } })) as {
      violations: Violation[];
      passes: unknown[];
    };
    return {
      passed: result.passes.length,
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      })),
    };
  }, AXE_TAGS);
}

interface PageState {
  name: string;
  path: string;
  ready: string;
  width?: number;
  /** Brings the page into the state to check, like a user would. */
  act?: (page: Page) => Promise<void>;
}

const STATES: PageState[] = [
  {
    name: 'popup',
    path: 'popup.html',
    ready: '[data-sotto="fingerprint"]',
    width: 360,
    act: async (page) => {
      await page.waitForSelector('[data-sotto="security-mark"]');
    },
  },
  { name: 'onboarding', path: 'onboarding.html', ready: '[data-sotto="fingerprint"]' },
  {
    // The security mark picker, with a choice not saved yet (preview and status shown).
    name: 'onboarding-mark',
    path: 'onboarding.html',
    ready: '[data-sotto="mark-picker"]',
    act: async (page) => {
      const current = await page.getAttribute(
        '[data-sotto="security-mark-preview"]',
        'data-sotto-color',
      );
      await page.click(
        `label.mark-color[data-sotto-color="${current === 'blue' ? 'green' : 'blue'}"]`,
      );
      await page.selectOption('[data-sotto="mark-emoji-2"]', '🦉');
      await page.waitForSelector('[data-sotto="mark-state"][data-sotto-state="unsaved"]');
    },
  },
  { name: 'contacts', path: 'contacts.html', ready: '[data-sotto="safety-qr"]' },
  {
    name: 'contacts-confirm-remove',
    path: 'contacts.html',
    ready: '[data-sotto="remove-contact"]',
    act: async (page) => {
      await page.click('[data-sotto="remove-contact"]');
      await page.waitForSelector('[data-sotto="confirm-remove"]');
    },
  },
  { name: 'options', path: 'options.html', ready: '[data-sotto="signaling-input"]' },
  {
    name: 'options-errors',
    path: 'options.html',
    ready: '[data-sotto="signaling-input"]',
    act: async (page) => {
      await page.fill('[data-sotto="signaling-input"]', 'ftp://nowhere');
      await page.click('[data-sotto="save-calls"]');
      await page.waitForSelector('#signaling-error');
      await page.fill('[data-sotto="signaling-input"]', 'http://127.0.0.1:9/peerjs');
      await page.fill('[data-sotto="ice-input"]', '[]');
      await page.click('[data-sotto="test-connection"]');
      await page.waitForSelector('[data-sotto-check="signaling"][data-sotto-state="failed"]', {
        timeout: 30_000,
      });
      await page.click('[data-sotto="export-backup"]');
      await page.waitForSelector('[data-sotto="recovery-key"]', { timeout: 30_000 });
    },
  },
];

describe.runIf(selectedBrowsers().includes('chromium'))('accessibility in chromium', () => {
  let pair: Pair;
  let context: BrowserContext;
  let extensionUrl: (path: string) => string;

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, 'chromium');
    // A contact, so the contacts page and the popup show what they show in use.
    await pair.establish();
    const alice = pair.browser('alice') as unknown as { context: BrowserContext };
    context = alice.context;
    extensionUrl = (path) => pair.browser('alice').extensionUrl(path);
  }, 180_000);

  afterAll(async () => {
    await pair?.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`decision window (${theme}): no WCAG A/AA violations`, { timeout: 90_000 }, async () => {
      // The host shows a new key for @bob, so the window has a decision to show.
      forgeNewKeyInvite(fixture, pair.conversation, 'bob');
      await expect
        .poll(
          async () =>
            (
              await pair
                .vault('alice')
                .call<{ keyChanged: boolean }>('contact.get', { handle: 'bob' })
            ).value?.keyChanged,
          { timeout: 15_000 },
        )
        .toBe(true);
      // Opened the way the frames and Contacts open it: the background creates the window.
      const opener = await context.newPage();
      await opener.goto(extensionUrl('popup.html'));
      const [page] = await Promise.all([
        context.waitForEvent('page', (p) => p.url().includes('/decision.html')),
        opener.evaluate(
          (version) =>
            (
              globalThis as unknown as {
                chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };
              }
            ).chrome.runtime.sendMessage({
              sotto: version,
              type: 'decision.open',
              input: { kind: 'key', handle: 'bob', conversationId: null },
            }),
          RPC_VERSION,
        ),
      ]);
      try {
        await page.emulateMedia({ colorScheme: theme });
        await page.waitForSelector('[data-sotto="decision"][data-sotto-state="ready"]');
        await page.waitForSelector('[data-sotto="security-mark"]');
        const background = await page.evaluate(
          () => getComputedStyle(document.body).backgroundColor,
        );
        expect(background).toBe(theme === 'dark' ? 'rgb(0, 0, 0)' : 'rgb(255, 255, 255)');
        await page.screenshot({ path: join(SCREENSHOTS, `decision-${theme}.png`), fullPage: true });
        const { violations, passed } = await runAxe(page);
        expect(violations).toEqual([]);
        expect(passed).toBeGreaterThan(10);
      } finally {
        await page.close();
        await opener.close();
      }
    });
  }

  for (const state of STATES) {
    for (const theme of ['light', 'dark'] as const) {
      test(`${state.name} (${theme}): no WCAG A/AA violations`, { timeout: 90_000 }, async () => {
        const page = await context.newPage();
        try {
          await page.emulateMedia({ colorScheme: theme });
          if (state.width) await page.setViewportSize({ width: state.width, height: 640 });
          await page.goto(extensionUrl(state.path));
          await page.waitForSelector(state.ready, { timeout: 30_000 });
          await state.act?.(page);
          // The theme really follows the system: the page background differs by scheme.
          const background = await page.evaluate(
            () => getComputedStyle(document.body).backgroundColor,
          );
          expect(background).toBe(theme === 'dark' ? 'rgb(0, 0, 0)' : 'rgb(255, 255, 255)');
          await page.screenshot({
            path: join(SCREENSHOTS, `${state.name}-${theme}.png`),
            fullPage: true,
          });
          const { violations, passed } = await runAxe(page);
          expect(violations).toEqual([]);
          // axe really looked: rules such as labels, contrast and names passed on this page.
          expect(passed).toBeGreaterThan(10);
        } finally {
          await page.close();
        }
      });
    }
  }
});
