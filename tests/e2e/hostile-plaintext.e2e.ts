import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { selectedBrowsers } from './harness/browsers';
import { startE2EFixture } from './harness/host';
import { Pair } from './harness/pair';
import { messageIdOf, readerState } from './harness/sotto';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

/** Plaintexts an attacker (or a prankster) might send: each must render as exactly this text. */
const HOSTILE: string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<a href="javascript:alert(1)">click me</a>',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(document.domain)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  '[click](javascript:alert(1))',
  '![x](https://evil.test/pixel.png)',
  '"><svg/onload=alert(1)>',
  "'><script>alert(1)</script>",
  '</p></article></main><script>alert(1)</script>',
  '<style>*{display:none}</style>',
  '</style><style>body{background:url(https://evil.test/x)}</style>',
  '<link rel=stylesheet href=https://evil.test/x.css>',
  '<meta http-equiv="refresh" content="0;url=https://evil.test">',
  '<base href="https://evil.test/">',
  '<form action=https://evil.test><input name=p></form>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror=alert(1)></video>',
  '<body onload=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '{{constructor.constructor("alert(1)")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally.
  '${alert(1)}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: as above, in backticks.
  '`${alert(1)}`',
  '&lt;b&gt;not bold&lt;/b&gt; &amp; &#60;script&#62;',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e',
  '<!-- comment --><![CDATA[ x ]]>',
  'SOTTO1.AAAA. a fake envelope inside a message',
  'Sotto invite: I would like to move this chat SOTTO1.ZZZZ.',
  '\u202Egnp.exe\u202C — a right-to-left override',
  '\u202Bembedded RTL\u202C and \u2066isolate\u2069',
  'zero\u200Bwidth\u200Cjoiner\u200Dand\uFEFFBOM',
  'combining: a\u0301e\u0301i\u0301 Z\u0336\u0335\u0334',
  'emoji 👩🏽‍💻🏳️‍🌈 and surrogates 𝕏𝔸𝕄',
  'line one\nline two\n\n  indented\ttab',
  '   leading and trailing spaces   ',
  'null-ish: \u0001\u0002\u0007 controls',
  'backslashes \\ \\\\ and quotes " \' `',
  '<b>bold?</b> <i>italic?</i> <u>underline?</u>',
  'https://evil.test/phish?next=https://x.com',
  '@alice #hashtag $cashtag',
  '<x-sotto data-sotto="accept">fake accept</x-sotto>',
  `${'A long message. '.repeat(625)}`, // 10,000 characters
];

describe.each(selectedBrowsers())('hostile plaintexts in %s', (browserName) => {
  let pair: Pair;

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName);
    await pair.establish();
  });

  afterAll(async () => {
    await pair?.close();
  });

  test(`${HOSTILE.length} hostile plaintexts arrive exact and render inert`, {
    timeout: 240_000,
  }, async () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(50);
    expect(HOSTILE.at(-1)).toHaveLength(10_000);
    for (const text of HOSTILE.slice(0, -1)) {
      // Control characters (newline, tab) cannot be typed without acting as keys: those texts
      // are pasted earlier and sent from the saved draft.
      if ([...text].some((character) => character.charCodeAt(0) < 0x20)) {
        await pair.sendDraft('alice', text, 1);
      } else await pair.send('alice', text, { paste: true });
    }
    // 10,000 characters do not fit one X message: the envelope goes out in two parts.
    await pair.sendDraft('alice', HOSTILE.at(-1)!, 2);
    await pair.page('bob').bringToFront();

    await expect
      .poll(
        async () =>
          (await pair.shown('bob')).filter((m) => m.direction === 'in' && m.state === 'decrypted')
            .length,
        {
          timeout: 30_000,
        },
      )
      .toBe(HOSTILE.length);
    const received = (await pair.shown('bob'))
      .filter((m) => m.direction === 'in' && m.state === 'decrypted')
      .map((m) => m.text);
    // Exact, character for character (whitespace, controls, RTL marks and all).
    expect(received).toEqual(HOSTILE);

    // Nothing ran: no dialog, no navigation, and the page and frames show no ciphertext.
    const bob = pair.page('bob');
    expect(bob.url()).toBe(`https://x.com/i/chat/${pair.conversation}`);
    expect((await readerState(bob)).visibleCiphertext).toBe(0);
  });

  test('scrolled to the oldest message and back, each reader frame shows the rows it sits over', {
    timeout: 120_000,
  }, async () => {
    const bob = pair.page('bob');
    // The page keeps its reader frames and lends them to other rows: mark the ones there now.
    const marked = await bob.evaluate(() => {
      const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
      const frames = [
        ...(root?.querySelectorAll<HTMLElement>('iframe[data-sotto="reader"]') ?? []),
      ];
      for (const frame of frames) frame.dataset.testKept = '';
      return frames.length;
    }, null);
    expect(marked).toBeGreaterThan(0);

    for (const end of ['top', 'bottom'] as const) {
      // X mounts ten more rows each time the list nears an edge; keep going until it ends.
      for (let step = 0; step < 20; step++) {
        const atEnd = await bob.evaluate((to: 'top' | 'bottom') => {
          const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
          const scroller = root?.querySelector('[data-testid="dm-message-scroller"]');
          if (!scroller) return false;
          scroller.scrollTop = to === 'top' ? 0 : scroller.scrollHeight;
          return to === 'top'
            ? root?.querySelector('.list-start') !== null
            : scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2;
        }, end);
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (atEnd && step > 0) break;
      }
      // Every row in view shows its message, through a visible frame over it or over its run.
      await bob.waitFor(() => {
        const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
        const box = root
          ?.querySelector('[data-testid="dm-message-scroller"]')
          ?.getBoundingClientRect();
        if (!root || !box) return false;
        return [...root.querySelectorAll('[data-dm-message-row]')].every((row) => {
          const r = row.getBoundingClientRect();
          const inView = r.height > 0 && r.bottom > box.top && r.top < box.bottom;
          return !inView || row.hasAttribute('data-sotto-shown');
        });
      }, null);
      expect((await readerState(bob)).visibleCiphertext, end).toBe(0);

      const layout = await bob.evaluate(() => {
        const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
        const rows = [...(root?.querySelectorAll<HTMLElement>('[data-dm-message-row]') ?? [])];
        for (const frame of root?.querySelectorAll<HTMLElement>('[data-test-index]') ?? [])
          delete frame.dataset.testIndex;
        const frames = [
          ...(root?.querySelectorAll<HTMLElement>('iframe[data-sotto="reader"]') ?? []),
        ].filter((frame) => {
          // Not idle in the page's pool (not displayed), nor lent and still loading (hidden).
          const style = getComputedStyle(frame);
          return style.display !== 'none' && style.visibility === 'visible';
        });
        const tops = frames.map((frame) => frame.getBoundingClientRect().top);
        return {
          kept: root?.querySelectorAll('iframe[data-test-kept]').length ?? 0,
          // Tab goes through the frames in the DOM's order: the rows' order, top to bottom.
          inRowOrder: tops.every((top, i) => i === 0 || top > tops[i - 1]!),
          frames: frames.map((frame, n) => {
            frame.dataset.testIndex = String(n);
            const f = frame.getBoundingClientRect();
            // The row it sits over, and the rows after it folded into its run.
            const at = rows.findIndex((row) => {
              const r = row.getBoundingClientRect();
              return r.height > 0 && f.top >= r.top && f.bottom <= r.bottom && f.left >= r.left;
            });
            const covered: string[] = [];
            for (let i = at; at >= 0 && i < rows.length; i++) {
              const row = rows[i]!;
              if (i > at && row.getBoundingClientRect().height > 0) break;
              const text = row.querySelector('[data-testid^="message-text-"]')?.textContent ?? '';
              covered.push(text.trim());
            }
            // Screen readers find the frame in that row (its placeholder owns it).
            const owned = rows[at]?.querySelector(`[aria-owns="${frame.id}"]`) !== null;
            return { index: n, ready: frame.dataset.sottoFrame === 'ready', owned, covered };
          }),
        };
      }, null);
      // No frame was removed and re-created on the way: the page re-used them.
      expect(layout.kept, end).toBe(marked);
      expect(layout.inRowOrder, end).toBe(true);
      expect(layout.frames.length, end).toBeGreaterThan(0);
      for (const frame of layout.frames) {
        expect(frame, end).toMatchObject({ ready: true, owned: true });
        expect(frame.covered.length, `${end}: a visible frame over no row`).toBeGreaterThan(0);
      }

      if (browserName !== 'chromium') continue;
      // What each frame shows is what the vault holds for the envelopes of the rows under it.
      const context = (
        pair.browser('bob') as unknown as { context: import('playwright-core').BrowserContext }
      ).context;
      const chat = context.pages().find((page) => page.url().includes('/i/chat/'))!;
      let compared = 0;
      for (const frame of layout.frames) {
        const ids = frame.covered.map(messageIdOf);
        const expected = (await pair.vault('bob').messages(ids)).map((m) => m?.text ?? null);
        // A message split over two rows has no id of its own per row: leave that run out.
        if (expected.includes(null)) continue;
        const shown = await chat
          .locator(`iframe[data-test-index="${frame.index}"]`)
          .contentFrame()
          .locator('[data-sotto="message"] .text')
          .allTextContents();
        expect(shown, end).toEqual(expected);
        compared++;
      }
      expect(compared, end).toBeGreaterThan(1);
    }
  });

  if (browserName === 'chromium') {
    test('inside the reader frames the text is text: no elements were created from it', async () => {
      const context = (
        pair.browser('bob') as unknown as { context: import('playwright-core').BrowserContext }
      ).context;
      const frames = context
        .pages()
        .flatMap((page) => page.frames())
        .filter((frame) => frame.url().includes('/reader.html'));
      expect(frames.length).toBeGreaterThan(0);
      // A reader frame may show several consecutive messages: look at every one of them.
      let messages = 0;
      for (const frame of frames) {
        const inside = await frame.evaluate(() => {
          const texts = [...document.querySelectorAll('[data-sotto="message"]')].map((message) =>
            message.querySelector('.text'),
          );
          return {
            childElements: texts.map((text) => (text ? text.querySelectorAll('*').length : -1)),
            dangerous: document.querySelectorAll(
              'script:not([src]), img, svg, iframe, object, embed, form, a[href]',
            ).length,
          };
        });
        expect(inside.dangerous).toBe(0);
        expect(inside.childElements).toEqual(inside.childElements.map(() => 0));
        messages += inside.childElements.length;
      }
      expect(messages).toBeGreaterThan(5);
    });
  }
});
