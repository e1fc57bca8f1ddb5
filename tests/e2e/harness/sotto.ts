/**
 * Driving Sotto the way a user does — clicks and keys — and reading what it shows, in both
 * browsers. Extension frames are cross-origin to the page (and Puppeteer cannot enter them in
 * Firefox), so what a frame shows is read back through an extension page asking the vault.
 */
import { createHash } from 'node:crypto';
import { RPC_VERSION } from '../../../lib/rpc/protocol';
import type { Fixture } from '../../fixtures/server';
import { clickDeep, waitForCount } from './actions';
import type { BrowserSession, TestPage } from './session';

export const COMPOSE_BUTTON = '[data-sotto="compose-button"]';
export const COMPOSE_FRAME = 'iframe[data-sotto="compose-frame"]';
export const READER_FRAME = 'iframe[data-sotto="reader"]';

/** The vault's id for an envelope: the hex SHA-256 of its text. */
export function messageIdOf(envelope: string): string {
  return createHash('sha256').update(envelope, 'utf8').digest('hex');
}

/** Opens the compose frame in the current conversation and waits until it is ready and focused. */
export async function openCompose(page: TestPage): Promise<void> {
  await page.bringToFront();
  await waitForCount(page, COMPOSE_BUTTON, 1);
  const open = await page.evaluate(
    (selector: string) =>
      Boolean(
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector(selector),
      ),
    COMPOSE_FRAME,
  );
  if (!open) await clickDeep(page, COMPOSE_BUTTON);
  await page.waitFor(
    (selector: string) =>
      document
        .querySelector('[data-testid="xchatEmbedRoute"]')
        ?.shadowRoot?.querySelector(selector)
        ?.getAttribute('data-sotto-frame') === 'ready',
    COMPOSE_FRAME,
  );
}

/** How many messages X holds for `viewer` in the conversation (what the server delivered). */
export function timeline(fixture: Fixture, conversationId: string, viewer: string) {
  return fixture.messages(conversationId, viewer);
}

/** Waits until the fixture has `count` messages in `viewer`'s timeline. */
export async function waitForTimeline(
  fixture: Fixture,
  conversationId: string,
  viewer: string,
  count: number,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (timeline(fixture, conversationId, viewer).length < count) {
    if (Date.now() > deadline) {
      throw new Error(
        `${viewer} has ${timeline(fixture, conversationId, viewer).length} messages in ${conversationId}, expected ${count}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ShownMessage {
  id: string;
  state: string;
  direction: 'in' | 'out';
  text: string | null;
  error: string | null;
  sender: string;
}

/**
 * An extension tab that asks the vault what an extension page would see (the reader frame's
 * `message.get`, the compose frame's `compose.target`). Opened once per browser; reused.
 */
export async function vaultClient(browser: BrowserSession) {
  const page = await browser.newPage();
  await page.goto(browser.extensionUrl('popup.html'));
  const call = <T>(
    type: string,
    input: unknown,
  ): Promise<{ ok: boolean; value?: T; error?: { code: string } }> =>
    page.evaluate(
      ([version, requestType, requestInput]: [number, string, unknown]) => {
        type Runtime = { runtime: { sendMessage(message: unknown): Promise<unknown> } };
        const scope = globalThis as unknown as { browser?: Runtime; chrome: Runtime };
        const api = scope.browser ?? scope.chrome;
        return api.runtime.sendMessage({ sotto: version, type: requestType, input: requestInput });
      },
      [RPC_VERSION, type, input] as [number, string, unknown],
    ) as Promise<{ ok: boolean; value?: T; error?: { code: string } }>;
  return {
    call,
    async messages(ids: string[]): Promise<(ShownMessage | null)[]> {
      const out: (ShownMessage | null)[] = [];
      for (const messageId of ids) {
        const reply = await call<ShownMessage | null>('message.get', { messageId });
        out.push(reply.ok ? (reply.value ?? null) : null);
      }
      return out;
    },
    /** What the vault holds for a conversation, oldest first. */
    async conversation(conversationId: string): Promise<ShownMessage[]> {
      const reply = await call<ShownMessage[]>('conversation.messages', {
        conversationId,
        limit: 1000,
      });
      if (!reply.ok) throw new Error(`conversation.messages failed: ${reply.error?.code}`);
      return reply.value ?? [];
    },
    async composeState(conversationId: string, partner: string): Promise<string> {
      const reply = await call<{ state: string }>('compose.target', { conversationId, partner });
      return reply.ok ? (reply.value?.state ?? 'none') : `error:${reply.error?.code}`;
    },
    /** The ids of the system notifications the extension is showing. */
    notificationIds(): Promise<string[]> {
      return page.evaluate(async () => {
        type Notifications = { notifications: { getAll(): Promise<Record<string, unknown>> } };
        const scope = globalThis as unknown as { browser?: Notifications; chrome: Notifications };
        return Object.keys(await (scope.browser ?? scope.chrome).notifications.getAll());
      }, null);
    },
    /** A text the vault sent as data ({ key, substitutions }), as an extension page shows it. */
    translate(text: { key: string; substitutions?: string[] }): Promise<string> {
      return page.evaluate(
        ([key, substitutions]: [string, string[]]) => {
          type I18n = { i18n: { getMessage(key: string, substitutions: string[]): string } };
          const scope = globalThis as unknown as { browser?: I18n; chrome: I18n };
          return (scope.browser ?? scope.chrome).i18n.getMessage(key, substitutions);
        },
        [text.key, text.substitutions ?? []] as [string, string[]],
      );
    },
    close: () => page.close(),
  };
}

/**
 * Clicks into a reader frame (at its top-left corner, on text) and presses Tab then Enter:
 * keyboard access to its button. Frames count from the newest message up: the page re-uses
 * reader frames, so their order in the DOM is not the messages' order; where they sit is.
 */
export async function activateReaderButton(page: TestPage, frameIndexFromEnd = 0): Promise<void> {
  await page.bringToFront();
  const rect = await page.evaluate(
    ([selector, fromEnd]: [string, number]) => {
      const frames = [
        ...(document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelectorAll<HTMLIFrameElement>(selector) ?? []),
      ]
        .filter((frame) => getComputedStyle(frame).display !== 'none')
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      const frame = frames[frames.length - 1 - fromEnd];
      if (!frame) return null;
      frame.scrollIntoView({ block: 'center' });
      const r = frame.getBoundingClientRect();
      return { x: r.x, y: r.y };
    },
    [READER_FRAME, frameIndexFromEnd] as [string, number],
  );
  if (!rect) throw new Error('No reader frame to activate');
  await page.clickAt(rect.x + 4, rect.y + 4);
  // Focus moves into an out-of-process frame asynchronously; a person's Tab comes later too.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await page.press('Tab');
  await page.press('Enter');
}

/**
 * Reader frames in the page showing rows (not idle in the page's pool) that reported ready,
 * and envelope rows whose ciphertext is still visible.
 */
export async function readerState(
  page: TestPage,
): Promise<{ ready: number; frames: number; visibleCiphertext: number; visibleSamples: string[] }> {
  return page.evaluate((selector: string) => {
    const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
    const frames = [...(root?.querySelectorAll<HTMLIFrameElement>(selector) ?? [])].filter(
      (frame) => getComputedStyle(frame).display !== 'none',
    );
    let visibleCiphertext = 0;
    const visibleSamples: string[] = [];
    for (const row of root?.querySelectorAll('[data-dm-message-row]') ?? []) {
      const text = row.querySelector<HTMLElement>('[data-testid^="message-text-"]');
      if (text && /SOTTO\d+\./.test(text.textContent ?? '') && text.offsetParent !== null) {
        visibleCiphertext++;
        visibleSamples.push((text.textContent ?? '').slice(0, 40));
      }
    }
    return {
      ready: frames.filter((frame) => frame.dataset.sottoFrame === 'ready').length,
      frames: frames.length,
      visibleCiphertext,
      visibleSamples,
    };
  }, READER_FRAME);
}

export async function flushSpy(page: TestPage): Promise<void> {
  await page.evaluate(
    () => (window as unknown as { __fixtureSpy: { flush(): Promise<void> } }).__fixtureSpy.flush(),
    null,
  );
}
