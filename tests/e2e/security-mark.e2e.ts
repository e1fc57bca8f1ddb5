// The security mark: a colour and three emoji the user picks, shown on every Sotto surface,
// which x.com cannot read, so a "Sotto" box without it was drawn by the page. The user sets it
// in Settings; the compose frame, a reader frame and the popup then show exactly that mark,
// and nothing of it ever reaches the page: not its DOM (open shadow roots included), not what
// its spy saw, not what it sent to its server.
import type { BrowserContext, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { selectedBrowsers } from './harness/browsers';
import { startE2EFixture } from './harness/host';
import { Pair } from './harness/pair';
import type { TestPage } from './harness/session';
import { flushSpy, openCompose, READER_FRAME } from './harness/sotto';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

interface ShownMark {
  color: string | null;
  emoji: string;
  label: string | null;
}

/** The mark an extension document shows (null: none), read where it is. */
function readMark(): ShownMark | null {
  const mark = document.querySelector('[data-sotto="security-mark"]');
  if (!mark) return null;
  return {
    color: mark.getAttribute('data-sotto-color'),
    emoji: mark.textContent ?? '',
    label: mark.getAttribute('aria-label'),
  };
}

/** Everything the page's document holds: markup, text and attributes, into open shadow roots. */
function pageMarkup(): string {
  const parts: string[] = [document.title, document.documentElement.outerHTML];
  const walk = (root: Document | ShadowRoot) => {
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) {
        parts.push(element.shadowRoot.innerHTML);
        walk(element.shadowRoot);
      }
    }
  };
  walk(document);
  return parts.join('\n');
}

async function centreOf(page: TestPage, selector: string): Promise<{ x: number; y: number }> {
  const rect = await page.evaluate((s: string) => {
    const element = document.querySelector(s);
    if (!element) return null;
    element.scrollIntoView({ block: 'center' });
    const r = element.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, selector);
  if (!rect) throw new Error(`nothing at ${selector}`);
  return rect;
}

describe.each(selectedBrowsers())('the security mark in %s', (browserName) => {
  let pair: Pair;

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName);
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  test('set in Settings, shown by the compose and reader frames and the popup, never by the page', {
    timeout: 180_000,
  }, async () => {
    const alice = pair.browser('alice');
    // Sotto made a mark at random before anyone chose one.
    const initial = await pair.vault('alice').call<ShownMark & { emoji: string[] }>('mark.get', {});
    expect(initial.ok).toBe(true);
    const color = initial.value?.color === 'purple' ? 'teal' : 'purple';
    const emoji = ['🐙', '🧲', '🍒'];
    const wanted = { color, emoji: emoji.join('') };

    // ── Settings: pick a colour and three emoji, save.
    const options = await alice.newPage();
    await options.goto(alice.extensionUrl('options.html'));
    await options.bringToFront();
    await options.waitFor(() => document.querySelector('[data-sotto="mark-picker"]'), null);
    // The colour's label (swatch and name): a bigger target than the radio button itself.
    const radio = await centreOf(options, `label.mark-color[data-sotto-color="${color}"]`);
    await options.clickAt(radio.x, radio.y);
    for (const [slot, value] of emoji.entries()) {
      // Choosing in a <select> as its keyboard and pop-up list do: a value, then `change`.
      await options.evaluate(
        ([selector, chosen]: [string, string]) => {
          const select = document.querySelector<HTMLSelectElement>(selector)!;
          select.value = chosen;
          select.dispatchEvent(new Event('input', { bubbles: true }));
          select.dispatchEvent(new Event('change', { bubbles: true }));
        },
        [`[data-sotto="mark-emoji-${slot + 1}"]`, value] as [string, string],
      );
    }
    await options.waitFor(
      (want: string) =>
        document.querySelector('[data-sotto="security-mark-preview"]')?.textContent === want,
      wanted.emoji,
    );
    const save = await centreOf(options, '[data-sotto="mark-save"]');
    await options.clickAt(save.x, save.y);
    await options.waitFor(
      () =>
        document.querySelector('[data-sotto="mark-state"]')?.getAttribute('data-sotto-state') ===
        'saved',
      null,
    );
    const stored = await pair
      .vault('alice')
      .call<{ color: string; emoji: string[] }>('mark.get', {});
    expect(stored.value).toEqual({ color, emoji });
    await options.close();

    // ── x.com, loaded afresh: a conversation with messages both ways, the compose frame open.
    const chat = pair.page('alice');
    await chat.goto(`https://x.com/i/chat/${pair.conversation}`);
    await chat.bringToFront();
    await pair.establish();
    await pair.send('bob', `a marked message in ${browserName}`);
    await pair.waitForText('alice', `a marked message in ${browserName}`);
    await chat.bringToFront();
    await openCompose(chat);
    await chat.waitFor(
      (selector: string) =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector(`${selector}[data-sotto-frame="ready"]`),
      READER_FRAME,
    );

    // ── The popup: a top-level extension page in both browsers.
    const popup = await alice.newPage();
    await popup.goto(alice.extensionUrl('popup.html'));
    await popup.waitFor(() => document.querySelector('[data-sotto="security-mark"]'), null);
    const inPopup = await popup.evaluate(readMark, null);
    expect(inPopup).toMatchObject(wanted);
    expect(inPopup?.label).toContain(emoji.join(' '));
    expect(inPopup?.label).toMatch(/^Your Sotto mark: /);
    await popup.close();

    // ── Inside the frames: Chromium lets the test read extension frames of the page.
    if (browserName === 'chromium') {
      const context = (alice as unknown as { context: BrowserContext }).context;
      const page = context.pages().find((p) => p.url().includes('/i/chat/'))!;
      const framesAt = (path: string): Frame[] =>
        page.frames().filter((frame) => frame.url().includes(path));
      const marksIn = async (path: string) => {
        const shown: (ShownMark | null)[] = [];
        for (const frame of framesAt(path)) shown.push(await frame.evaluate(readMark));
        return shown;
      };
      await expect
        .poll(() => marksIn('/compose.html'), { timeout: 10_000 })
        .toEqual([expect.objectContaining(wanted)]);
      // Every reader frame showing a message shows the mark with it (idle pooled ones show none).
      await expect
        .poll(
          async () => {
            let marked = 0;
            for (const frame of framesAt('/reader.html')) {
              const seen = await frame.evaluate(() => ({
                messages: document.querySelectorAll('[data-sotto="message"] .meta').length,
                marks: [...document.querySelectorAll('[data-sotto="security-mark"]')].map(
                  (mark) => `${mark.getAttribute('data-sotto-color')} ${mark.textContent}`,
                ),
              }));
              expect(seen.marks).toEqual(seen.marks.map(() => `${wanted.color} ${wanted.emoji}`));
              if (seen.messages > 0 && seen.marks.length === seen.messages) marked++;
            }
            return marked;
          },
          { timeout: 10_000 },
        )
        .toBeGreaterThan(0);
    }

    // ── The page never had any of it: DOM and shadow roots, its spy, its server.
    const markup = await chat.evaluate(pageMarkup, null);
    expect(markup).toContain('data-sotto="reader"');
    await flushSpy(chat);
    const spied = JSON.stringify(fixture.log.spy);
    const everything = fixture.log.everything();
    expect(fixture.log.spy.length).toBeGreaterThan(0);
    for (const one of emoji) {
      expect(markup, `${one} in the page`).not.toContain(one);
      expect(spied, `${one} in the spy's log`).not.toContain(one);
      expect(everything, `${one} sent to the host`).not.toContain(one);
    }
    expect(markup).not.toContain('security-mark');
  });

  test('the vault stores nothing but a mark', async () => {
    // Who may ask is pinned in tests/unit/rpc (the content script never, frames only to read).
    const reply = await pair
      .vault('alice')
      .call('mark.set', { color: 'red', emoji: ['🦊', '🦊', '🦊'] });
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
