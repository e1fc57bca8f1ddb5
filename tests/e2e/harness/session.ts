/**
 * One interface over Playwright (Chromium) and Puppeteer (Firefox over WebDriver BiDi), so
 * every end-to-end test runs unchanged in both browsers.
 */
import type { BrowserName } from './browsers';

export type PageFunction<A, T> = (arg: A) => T | Promise<T>;

export interface TestPage {
  goto(url: string): Promise<void>;
  url(): string;
  evaluate<A, T>(fn: PageFunction<A, T>, arg: A): Promise<T>;
  /** Resolves once `fn(arg)` returns something truthy in the page. */
  waitFor<A>(fn: PageFunction<A, unknown>, arg: A, timeoutMs?: number): Promise<void>;
  /** Makes this the active tab: keys go to the focused element of the active tab only. */
  bringToFront(): Promise<void>;
  /** A trusted mouse click at page coordinates (CSS pixels). */
  clickAt(x: number, y: number): Promise<void>;
  /** Trusted key input to whatever has focus (including a focused child frame). */
  type(text: string): Promise<void>;
  press(key: string): Promise<void>;
  /** Inserts text (no control characters) into the focused element, as fast as the driver allows. */
  insertText(text: string): Promise<void>;
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

export interface BrowserSession {
  name: BrowserName;
  /** A new tab. */
  newPage(): Promise<TestPage>;
  /** The URL of every open tab and window, including those the extension opened itself. */
  pageUrls(): Promise<string[]>;
  /** Open pages whose URL starts with `prefix` (e.g. windows the extension opened itself). */
  pagesAt(prefix: string): Promise<TestPage[]>;
  /** URL of an extension page, e.g. `popup.html`. */
  extensionUrl(path: string): string;
  /**
   * Stops the extension's background as the browser may at any time (Chromium's MV3 service
   * worker); undefined where the background is a persistent page (Firefox MV2).
   */
  stopBackground?: () => Promise<void>;
  /**
   * Allows or blocks camera and microphone for the extension, as a person does in the
   * browser's site settings (Chromium, launched with `fakeMedia: { permission: 'ask' }`).
   */
  setMediaPermission?: (setting: 'granted' | 'denied') => Promise<void>;
  /** Ends the browser at once, as a crash or a power cut does: no page gets to say goodbye. */
  kill(): Promise<void>;
  close(): Promise<void>;
}
