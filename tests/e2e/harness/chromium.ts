import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { browserExecutable } from './browsers';
import type { BrowserSession, PageFunction, TestPage } from './session';

export interface ChromiumOptions {
  extensionDir: string;
  /** The local x.com fixture's port. */
  fixturePort: number;
  /** The loopback address it listens on; 127.0.0.1 by default. */
  fixtureHost?: string;
  /** Reuse a profile (to test persistence across restarts); a fresh one by default. */
  userDataDir?: string;
  extraArgs?: string[];
}

/**
 * Flags every Chromium we start needs on these machines: root (no sandbox), no GPU, and no
 * background network traffic (this workplace refuses it, noisily).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Chromium's id for an unpacked extension: SHA-256 of its absolute path, hex mapped to a–p. */
export function unpackedExtensionId(extensionDir: string): string {
  const hex = createHash('sha256').update(resolve(extensionDir)).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 16))).join('');
}

function wrapPage(page: Page): TestPage {
  return {
    async goto(url) {
      try {
        await page.goto(url, { waitUntil: 'domcontentloaded' });
      } catch (error) {
        // A navigation that races the page's own activity is aborted; a person would retry.
        if (!String(error).includes('net::ERR_ABORTED')) throw error;
        await page.goto(url, { waitUntil: 'domcontentloaded' });
      }
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
    bringToFront: () => page.bringToFront(),
    clickAt: (x, y) => page.mouse.click(x, y),
    type: (text) => page.keyboard.type(text),
    press: (key) => page.keyboard.press(key),
    insertText: (text) => page.keyboard.insertText(text),
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
  const target = `${options.fixtureHost ?? '127.0.0.1'}:${options.fixturePort}`;
  const mapping = `MAP x.com ${target}, MAP twitter.com ${target}, MAP evil.test ${target}`;
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: browserExecutable('chromium'),
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    args: [
      `--disable-extensions-except=${options.extensionDir}`,
      `--load-extension=${options.extensionDir}`,
      `--host-resolver-rules=${mapping}`,
      ...CHROMIUM_ARGS,
      ...(options.extraArgs ?? []),
    ],
  });
  // Chromium derives an unpacked extension's id from its path, so there is no need to race
  // for the service worker's first start to learn it.
  const extensionId = unpackedExtensionId(options.extensionDir);
  let permissions: CDPSession | null = null;
  return {
    name: 'chromium',
    context,
    extensionId,
    async newPage() {
      return wrapPage(await context.newPage());
    },
    async pagesAt(prefix) {
      return context
        .pages()
        .filter((page) => page.url().startsWith(prefix))
        .map(wrapPage);
    },
    async pageUrls() {
      // From the browser's target list: a page that failed to load still shows what was asked
      // for there, where Playwright reports Chromium's error page instead.
      const cdp = await context.browser()?.newBrowserCDPSession();
      if (!cdp) return context.pages().map((page) => page.url());
      const { targetInfos } = await cdp.send('Target.getTargets');
      await cdp.detach();
      return targetInfos.filter((target) => target.type === 'page').map((target) => target.url);
    },
    extensionUrl: (path) => `chrome-extension://${extensionId}/${path}`,
    async stopBackground() {
      // What Chrome does to an idle worker: the target goes away with everything in memory.
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      const { targetInfos } = await cdp.send('Target.getTargets');
      const worker = targetInfos.find(
        (target) =>
          target.type === 'service_worker' &&
          target.url.startsWith(`chrome-extension://${extensionId}/`),
      );
      if (!worker) throw new Error('The extension service worker is not running');
      const closed = new Promise<void>((resolve) => {
        const current = context
          .serviceWorkers()
          .find((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
        if (current) current.once('close', () => resolve());
        else resolve();
      });
      await cdp.send('Target.closeTarget', { targetId: worker.targetId });
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await cdp.detach();
    },
    async setMediaPermission(setting) {
      // Chromium drops a DevTools session's permission settings when it detaches: one
      // session, kept for the browser's life.
      permissions ??= await context.browser()!.newBrowserCDPSession();
      for (const name of ['camera', 'microphone']) {
        await permissions.send('Browser.setPermission', {
          origin: `chrome-extension://${extensionId}`,
          permission: { name },
          setting,
        });
      }
    },
    async kill() {
      const cdp = await context.browser()!.newBrowserCDPSession();
      const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
        processInfo: { type: string; id: number }[];
      };
      const main = processInfo.find((info) => info.type === 'browser');
      if (!main) throw new Error('Chromium did not report its browser process');
      const closed = new Promise((resolve) => context.once('close', resolve));
      process.kill(main.id, 'SIGKILL');
      await closed;
    },
    async close() {
      await context.close();
      if (ownDir) await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
