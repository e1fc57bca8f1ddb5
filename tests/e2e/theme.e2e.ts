import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { selectedBrowsers } from './harness/browsers';
import { startE2EFixture } from './harness/host';
import { Pair } from './harness/pair';
import type { TestPage } from './harness/session';
import { COMPOSE_FRAME, openCompose, READER_FRAME } from './harness/sotto';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

type Rect = { x: number; y: number; width: number; height: number };
/** Which way a frame's content contrasts with what is behind it: its text against its ground. */
type Polarity = 'dark-on-light' | 'light-on-dark';

/** The rectangles of the frames to look at: Alice's compose frame, Bob's and her own messages. */
async function frameRects(page: TestPage) {
  return page.evaluate(
    ([reader, compose]: [string, string]) => {
      const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
      const rect = (element: Element | null | undefined) => {
        if (!element) return null;
        const r = element.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      // Frames the page shows messages in (idle ones wait in its pool, not displayed).
      const frames = [...(root?.querySelectorAll(reader) ?? [])].filter(
        (frame) => getComputedStyle(frame).display !== 'none',
      );
      const rows = [...(root?.querySelectorAll('[data-dm-message-row]') ?? [])];
      // A frame sits over the row whose messages it shows.
      const own = (frame: Element) => {
        const f = frame.getBoundingClientRect();
        const y = f.top + f.height / 2;
        const row = rows.find((r) => {
          const box = r.getBoundingClientRect();
          return box.height > 0 && box.top <= y && y <= box.bottom;
        });
        return row?.classList.contains('justify-end');
      };
      return {
        compose: rect(root?.querySelector(compose)),
        theirs: rect(frames.filter((frame) => !own(frame)).at(-1)),
        mine: rect(frames.filter(own).at(-1)),
      };
    },
    [READER_FRAME, COMPOSE_FRAME] as [string, string],
  );
}

const luminance = (r: number, g: number, b: number) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/**
 * What the screen shows inside `rect`: the commonest colour is the ground, the pixel farthest
 * from it in luminance is the frame's ink (text, a button), and how much of it is light (a
 * compose frame left in the light theme is a white box on a dark page).
 */
function polarity(
  image: ReturnType<typeof decode>,
  rect: Rect,
): { polarity: Polarity; contrast: number; lightShare: number } {
  const counts = new Map<number, number>();
  const lums: number[] = [];
  for (let y = Math.ceil(rect.y); y < Math.floor(rect.y + rect.height); y++) {
    for (let x = Math.ceil(rect.x); x < Math.floor(rect.x + rect.width); x++) {
      const i = (y * image.width + x) * image.channels;
      const lum = Math.round(luminance(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!));
      lums.push(lum);
      counts.set(lum, (counts.get(lum) ?? 0) + 1);
    }
  }
  const ground = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const ink = lums.reduce((far, lum) =>
    Math.abs(lum - ground) > Math.abs(far - ground) ? lum : far,
  );
  return {
    polarity: ink > ground ? 'light-on-dark' : 'dark-on-light',
    contrast: Math.abs(ink - ground),
    lightShare: lums.filter((lum) => lum >= 128).length / lums.length,
  };
}

async function look(page: TestPage, path: string) {
  const rects = await frameRects(page);
  await page.screenshot(path);
  const image = decode(await readFile(path));
  const of = (rect: Rect | null) => (rect ? polarity(image, rect) : null);
  return { compose: of(rects.compose), theirs: of(rects.theirs), mine: of(rects.mine) };
}

describe.each(selectedBrowsers())("frames follow X's theme in %s", (browserName) => {
  let pair: Pair;
  const shot = join(tmpdir(), `sotto-theme-${browserName}-${process.pid}.png`);

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName);
    await pair.establish();
    await pair.send('bob', 'What colour is this?');
    await pair.waitForShown('alice', 3);
  });

  afterAll(async () => {
    await pair?.close();
    await rm(shot, { force: true });
  });

  test('reader and compose frames switch with the page, without a reload, and stay readable', async () => {
    const page = pair.page('alice');
    await openCompose(page);
    // Invite, acceptance and Bob's message all shown (a frame may show consecutive rows).
    await page.waitFor((selector: string) => {
      const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
      const frames = [...(root?.querySelectorAll<HTMLIFrameElement>(selector) ?? [])].filter(
        (frame) => getComputedStyle(frame).display !== 'none',
      );
      const shown = root?.querySelectorAll('[data-dm-message-row][data-sotto-shown]').length ?? 0;
      return (
        shown >= 3 && frames.length >= 2 && frames.every((f) => f.dataset.sottoFrame === 'ready')
      );
    }, READER_FRAME);

    // The call buttons in the header take the colour of X's own header button.
    const callButtonColours = () =>
      page.evaluate(() => {
        const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
        const host = root?.querySelector<HTMLElement>('[data-sotto="call-button"]');
        const xButton = root?.querySelector('[aria-label="Conversation info"]');
        return {
          ours: host?.style.getPropertyValue('--fg') ?? null,
          xs: xButton ? getComputedStyle(xButton).color : null,
        };
      }, null);
    const lightButtons = await callButtonColours();
    expect(lightButtons.ours).toBe(lightButtons.xs);

    const light = await look(page, shot);
    expect(light.compose).toMatchObject({ polarity: 'dark-on-light' });
    expect(light.compose?.lightShare).toBeGreaterThan(0.5);
    expect(light.theirs).toMatchObject({ polarity: 'dark-on-light' });
    // One's own messages sit on X's blue bubble: light text in either theme.
    expect(light.mine).toMatchObject({ polarity: 'light-on-dark' });
    for (const seen of Object.values(light)) expect(seen?.contrast).toBeGreaterThan(80);

    await page.evaluate(
      () =>
        (
          window as unknown as { __fixtureSetTheme(theme: 'dark' | 'light'): void }
        ).__fixtureSetTheme('dark'),
      null,
    );
    // Frames repaint when their page hears of the change; look until they have (or give up).
    let dark = await look(page, shot);
    for (let attempt = 0; attempt < 50; attempt++) {
      const composeDark = (dark.compose?.lightShare ?? 1) < 0.25;
      const theirsDark = dark.theirs?.polarity === 'light-on-dark' && dark.theirs.contrast > 80;
      if (composeDark && theirsDark) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
      dark = await look(page, shot);
    }
    expect(dark.compose).toMatchObject({ polarity: 'light-on-dark' });
    expect(dark.compose?.lightShare).toBeLessThan(0.25);
    expect(dark.theirs).toMatchObject({ polarity: 'light-on-dark' });
    expect(dark.mine).toMatchObject({ polarity: 'light-on-dark' });
    for (const seen of Object.values(dark)) expect(seen?.contrast).toBeGreaterThan(80);

    await page.waitFor((before: string | null) => {
      const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
      const host = root?.querySelector<HTMLElement>('[data-sotto="call-button"]');
      return host?.style.getPropertyValue('--fg') !== before;
    }, lightButtons.ours);
    const darkButtons = await callButtonColours();
    expect(darkButtons.xs).not.toBe(lightButtons.xs);
    expect(darkButtons.ours).toBe(darkButtons.xs);
  });
});
