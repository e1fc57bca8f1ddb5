import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { browserExecutable } from './browsers';
import type { BrowserSession, PageFunction, TestPage } from './session';

export interface ChromiumOptions {
  extensionDir: string;
  /** The local x.com fixture's port on 127.0.0.1. */
  fixturePort: number;
  /** Reuse a profile (to test persistence across restarts); a fresh one by default. */
  userDataDir?: string;
  extraArgs?: string[];
}

function wrapPage(page: Page): TestPage {
  return {
    async goto(url) {
      await page.goto(url, { waitUntil: 'domcontentloaded' });
    },
    url: () => page.url(),
    // The drivers' own generic types differ; both serialise `fn` and pass `arg` as JSON.
    evaluate: <A, T>(fn: PageFunction<A, T>, arg: A) =>
      page.evaluate(fn as (arg: unknown) => Promise<T>, arg as unknown) as Promise<T>,
    async waitFor(fn, arg, timeoutMs = 15_000) {
      await page.waitForFunction(fn as (arg: unknown) => unknown, arg, {
        timeout: timeoutMs,
        polling: 50,
      });
    },
    clickAt: (x, y) => page.mouse.click(x, y),
    type: (text) => page.keyboard.type(text),
    press: (key) => page.keyboard.press(key),
    async screenshot(path) {
      await page.screenshot({ path });
    },
    close: () => page.close(),
  };
}

/** Chromium with the production build loaded, resolving x.com to the local fixture. */
export async function launchChromium(
  options: ChromiumOptions,
): Promise<BrowserSession & { context: BrowserContext; extensionId: string }> {
  const ownDir = options.userDataDir === undefined;
  const userDataDir = options.userDataDir ?? (await mkdtemp(join(tmpdir(), 'sotto-chromium-')));
  const mapping = `MAP x.com 127.0.0.1:${options.fixturePort}, MAP twitter.com 127.0.0.1:${options.fixturePort}, MAP evil.test 127.0.0.1:${options.fixturePort}`;
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: browserExecutable('chromium'),
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    args: [
      `--disable-extensions-except=${options.extensionDir}`,
      `--load-extension=${options.extensionDir}`,
      `--host-resolver-rules=${mapping}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(options.extraArgs ?? []),
    ],
  });
  const worker =
    context.serviceWorkers()[0] ??
    (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    name: 'chromium',
    context,
    extensionId,
    async newPage() {
      return wrapPage(await context.newPage());
    },
    extensionUrl: (path) => `chrome-extension://${extensionId}/${path}`,
    async close() {
      await context.close();
      if (ownDir) await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
