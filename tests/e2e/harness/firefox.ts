import { createHash, randomUUID } from 'node:crypto';
import puppeteer, { type Page } from 'puppeteer-core';
import { browserExecutable } from './browsers';
import type { BrowserSession, PageFunction, TestPage } from './session';

export interface FirefoxOptions {
  extensionDir: string;
  /** The add-on id from the manifest (browser_specific_settings.gecko.id). */
  addonId: string;
  /** The loopback address x.com resolves to (the fixture listens there on 443); 127.0.0.1 by default. */
  fixtureHost?: string;
  /** Reuse a profile (to test persistence across restarts); a fresh one by default. */
  profileDir?: string;
  /** The moz-extension UUID; keep it across restarts so the extension's storage is the same. */
  uuid?: string;
  extraPrefs?: Record<string, unknown>;
}

function wrapPage(page: Page): TestPage {
  return {
    async goto(url) {
      if (url.startsWith('moz-extension:')) {
        // Firefox never reports the load of an extension page to WebDriver BiDi, so the
        // navigation promise would time out: start it, then wait for the page ourselves.
        // Polled by hand: an evaluation that lands while the document is being swapped fails
        // with a protocol error, which only means "not there yet".
        page.goto(url).catch(() => {});
        const deadline = Date.now() + 15_000;
        for (;;) {
          const loaded = await page
            .evaluate(
              (expected: string) => location.href === expected && document.readyState !== 'loading',
              url,
            )
            .catch(() => false);
          if (loaded) return;
          if (Date.now() > deadline) throw new Error(`${url} did not load`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      try {
        await page.goto(url, { waitUntil: 'domcontentloaded' });
      } catch (error) {
        // Firefox aborts a navigation that races the page's own activity (NS_BINDING_ABORTED);
        // a person would just click again.
        if (!String(error).includes('NS_BINDING_ABORTED')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
        await page.goto(url, { waitUntil: 'domcontentloaded' });
      }
    },
    url: () => page.url(),
    evaluate: <A, T>(fn: PageFunction<A, T>, arg: A) =>
      page.evaluate(fn as (arg: unknown) => Promise<T>, arg as unknown) as Promise<T>,
    async waitFor(fn, arg, timeoutMs = 15_000) {
      await page.waitForFunction(
        fn as (arg: unknown) => unknown,
        { timeout: timeoutMs, polling: 50 },
        arg,
      );
    },
    bringToFront: () => page.bringToFront(),
    clickAt: (x, y) => page.mouse.click(x, y),
    type: (text) => page.keyboard.type(text),
    // Playwright's "Shift+Tab" chords, held down around the last key as Puppeteer wants them.
    async press(chord) {
      type Key = Parameters<Page['keyboard']['press']>[0];
      const keys = chord.split('+') as Key[];
      const key = keys.pop()!;
      for (const modifier of keys) await page.keyboard.down(modifier);
      await page.keyboard.press(key);
      for (const modifier of keys.reverse()) await page.keyboard.up(modifier);
    },
    // One BiDi action list for the whole text; control characters would act as keys (Enter,
    // Tab), so callers insert those through other means.
    insertText: (text) => page.keyboard.type(text),
    async screenshot(path) {
      await page.screenshot({ path: path as `${string}.png` });
    },
    close: () => page.close(),
  };
}

/**
 * Firefox ESR over WebDriver BiDi with the production build installed as a temporary
 * add-on. x.com resolves to the fixture's loopback address (so it must listen on port 443). The
 * add-on's moz-extension UUID is fixed by a pref so tests can open its pages.
 */
export async function launchFirefox(options: FirefoxOptions): Promise<BrowserSession> {
  // A stable UUID per profile, so a restarted browser gives the add-on the same origin (and storage).
  const uuid = options.uuid ?? (options.profileDir ? uuidFor(options.profileDir) : randomUUID());
  const browser = await puppeteer.launch({
    ...(options.profileDir ? { userDataDir: options.profileDir } : {}),
    browser: 'firefox',
    executablePath: browserExecutable('firefox'),
    headless: true,
    acceptInsecureCerts: true,
    defaultViewport: { width: 1280, height: 900 },
    // Firefox 153+ lets WebDriver open moz-extension: pages only with system access.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'xpinstall.signatures.required': false,
      'network.dns.forceResolve': options.fixtureHost ?? '127.0.0.1',
      'extensions.webextensions.uuids': JSON.stringify({ [options.addonId]: uuid }),
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      ...options.extraPrefs,
    },
  });
  await browser.installExtension(options.extensionDir);
  return {
    name: 'firefox',
    async newPage() {
      return wrapPage(await browser.newPage());
    },
    async pagesAt(prefix) {
      const found: TestPage[] = [];
      for (const page of await browser.pages()) {
        const url = await page.evaluate(() => location.href).catch(() => page.url());
        if (url.startsWith(prefix)) found.push(wrapPage(page));
      }
      return found;
    },
    async pageUrls() {
      // Puppeteer reports moz-extension pages as about:blank; the page itself knows better.
      const pages = await browser.pages();
      return Promise.all(
        pages.map((page) => page.evaluate(() => location.href).catch(() => page.url())),
      );
    },
    extensionUrl: (path) => `moz-extension://${uuid}/${path}`,
    async kill() {
      const firefox = browser.process();
      if (!firefox) throw new Error('Firefox was not started by this session');
      const exited = new Promise((resolve) => firefox.once('exit', resolve));
      firefox.kill('SIGKILL');
      await exited;
    },
    async close() {
      await browser.close();
    },
  };
}

function uuidFor(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
