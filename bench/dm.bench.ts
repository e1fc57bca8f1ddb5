/**
 * DM benchmark (issue 5): `npx tsx bench/dm.bench.ts` (or through bench/run.ts as `runDmBench`).
 *
 * Real browsers on the local x.com fixture (its own port, never 443), production build of the
 * extension made into a private folder (/tmp/sotto-bench-build). Chromium only.
 *
 * Setup: Alice and Bob, each with Sotto, establish a session through the real UI (invite,
 * accept). Then Alice's own vault encrypts HISTORY messages (`compose.send` from an extension
 * page of Alice's browser; the envelopes the vault hands to "its tab" are caught on that page
 * and POSTed to the fixture from Alice's x.com tab, exactly as X's composer would). So Bob's
 * conversation holds HISTORY real envelopes that only his vault can open — no shortcut on the
 * reading side, which is what is measured. A third Chromium, without the extension, logged in
 * as Bob, is the baseline: same fixture, same conversation, same envelope text.
 *
 * Measured per round (rounds alternate baseline / extension so noise hits both alike):
 *  - open: full navigation to the conversation until every row in the viewport shows a ready
 *    reader frame (extension) / until the rows are there (baseline);
 *  - scroll: from the newest message towards the oldest, a fixed step per animation frame for
 *    a fixed time (same input in both browsers); longest frame (rAF delta) during it, and
 *    whether/when the oldest message was reached;
 *  - main thread: CDP Performance.getMetrics TaskDuration (and ScriptDuration) of the page's
 *    renderer over load only (until 1 s after the visible rows are done) and over load +
 *    scroll (extension frames are out-of-process and not counted here).
 * Knobs (env): SOTTO_BENCH_HISTORY (500), SOTTO_BENCH_LIVE (25), SOTTO_BENCH_ROUNDS (3),
 * SOTTO_BENCH_SLOW_STEPS (20; 0 skips the slow scroll), SOTTO_BENCH_TRACE (1: trace mode).
 * Takes about 2 minutes. Progress and per-round detail go to stderr.
 * Then live: Alice sends LIVE messages one by one while Bob sits at the bottom; a page-world
 * MutationObserver timestamps each new row and its reader frame turning ready.
 * Then a slow scroll up from the newest message (a step, a pause): visible rows still waiting.
 * Finally the content script's gzip size.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { browserExecutable } from '../tests/e2e/harness/browsers';
import { CHROMIUM_ARGS, launchChromium } from '../tests/e2e/harness/chromium';
import type { BrowserSession, TestPage } from '../tests/e2e/harness/session';
import {
  activateReaderButton,
  openCompose,
  timeline,
  vaultClient,
  waitForTimeline,
} from '../tests/e2e/harness/sotto';
import { type Fixture, startFixture } from '../tests/fixtures/server';
import { type CpuProfile, hotFunctions, summariseTrace, type TraceEvent } from './trace-summary';

export interface DmBenchRow {
  name: string;
  medianMs: number;
  ratio: number | null;
  budget?: number;
}

const OUT_DIR = process.env.SOTTO_BENCH_OUT_DIR || '/tmp/sotto-bench-build';
const EXT_DIR = join(OUT_DIR, 'chrome-mv3');
const CONV = '1001-1002';
const HISTORY = Number(process.env.SOTTO_BENCH_HISTORY || 500);
const LIVE = Number(process.env.SOTTO_BENCH_LIVE || 25);
const ROUNDS = Number(process.env.SOTTO_BENCH_ROUNDS || 3);
const SCROLL_STEP_PX = 250;
const SCROLL_LIMIT_MS = 8_000;
const HARD_LIMIT_MS = 170_000;
/** Trace the last round of each kind and log where the page's main-thread time went. */
const TRACE = process.env.SOTTO_BENCH_TRACE === '1';
const TRACE_CATEGORIES = [
  '__metadata',
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
].join(',');

const BUDGET = { mainThreadPct: 5, liveP95: 150, open: 500, longestFrame: 50, gzipKB: 25 };

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function percentile(values: number[], p: number): number {
  const s = values.slice().sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...args: unknown[]) => console.error('[dm.bench]', ...args);

function build(): void {
  log(`building the production extension into ${OUT_DIR}`);
  execFileSync('npx', ['wxt', 'build', '-b', 'chrome'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SOTTO_OUT_DIR: OUT_DIR, NODE_ENV: 'production' },
  });
  if (!existsSync(join(EXT_DIR, 'manifest.json'))) throw new Error('build produced no manifest');
}

function contentScriptGzipKB(): { raw: number; gzip: number } {
  const code = readFileSync(join(EXT_DIR, 'content-scripts', 'x.js'));
  return { raw: code.length / 1024, gzip: gzipSync(code, { level: 9 }).length / 1024 };
}

/** Same flags as the e2e harness, without the extension: the baseline browser. */
async function launchPlain(
  port: number,
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-bench-plain-'));
  const mapping = `MAP x.com 127.0.0.1:${port}, MAP twitter.com 127.0.0.1:${port}`;
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: browserExecutable('chromium'),
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    args: [`--host-resolver-rules=${mapping}`, ...CHROMIUM_ARGS],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A TestPage and the Playwright page behind it (for CDP and page-world scripts). */
async function newPagePair(
  session: BrowserSession & { context: BrowserContext },
): Promise<{ test: TestPage; raw: Page }> {
  const before = new Set(session.context.pages());
  const test = await session.newPage();
  // Not an extension page (Sotto opens its welcome page on install, at a time of its own).
  const raw = session.context
    .pages()
    .find((p) => !before.has(p) && !p.url().startsWith('chrome-extension://'));
  if (!raw) throw new Error('could not find the new page');
  return { test, raw };
}

/**
 * page.evaluate for the functions in this file: tsx (esbuild keepNames) wraps inner named
 * functions in `__name(...)`, which does not exist in the page; define it there.
 */
function inPage<A, T>(page: Page, fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> {
  const source = `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg ?? null)}); })()`;
  return page.evaluate(source) as Promise<T>;
}

// ---------------------------------------------------------------------------------------------
// Page-world probes (serialised into the page; no closures over node values).

/** Resolves with ms since navigation start when every row in the list's viewport is "done". */
function waitVisibleDone(
  withExtension: boolean,
): Promise<{ doneAt: number; rows: number; frames: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const check = () => {
      const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
      const list = root?.querySelector('[data-testid="dm-message-list"]');
      const rows = root ? [...root.querySelectorAll('[data-dm-message-row]')] : [];
      if (list && rows.length > 0) {
        const box = list.getBoundingClientRect();
        const top = Math.max(box.top, 0);
        const bottom = Math.min(box.bottom, innerHeight);
        const visible = rows.filter((row) => {
          const r = row.getBoundingClientRect();
          return r.bottom > top && r.top < bottom && r.height > 0;
        });
        const done =
          visible.length > 0 &&
          (!withExtension ||
            // Shown by the reader frame of the run it belongs to.
            visible.every((row) => row.hasAttribute('data-sotto-shown')));
        if (done) {
          resolve({
            doneAt: performance.now(),
            rows: visible.length,
            // Frames showing rows (idle ones wait in the page's pool, not displayed).
            frames: [...(root?.querySelectorAll('iframe[data-sotto="reader"]') ?? [])].filter(
              (frame) => getComputedStyle(frame).display !== 'none',
            ).length,
          });
          return;
        }
      }
      if (performance.now() - started > 20_000) {
        reject(new Error(`visible rows not done after 20 s (${rows.length} rows)`));
        return;
      }
      requestAnimationFrame(check);
    };
    check();
  });
}

/** Scrolls the message list from the bottom to the oldest message; rAF deltas meanwhile. */
function scrollToTop(args: { step: number; limitMs: number; oldestId: string }): Promise<{
  reachedAt: number | null;
  trace: string[];
  firstRowId: string | null;
  frames: number[];
  reachedTop: boolean;
  ms: number;
  rows: number;
  scrollTop: number;
  scrollHeight: number;
  tag: string;
}> {
  return new Promise((resolve) => {
    const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
    const list = root?.querySelector('[data-testid="dm-message-list"]') as HTMLElement | null;
    // The scrolling element: the list or its nearest scrollable ancestor.
    let scroller: HTMLElement | null = list;
    while (scroller) {
      const style = getComputedStyle(scroller);
      if (/(auto|scroll)/.test(style.overflowY) && scroller.scrollHeight > scroller.clientHeight)
        break;
      scroller = (scroller.parentElement ??
        ((scroller.getRootNode() as ShadowRoot).host as HTMLElement | undefined) ??
        null) as HTMLElement | null;
    }
    const target = scroller ?? (document.scrollingElement as HTMLElement);
    const frames: number[] = [];
    const start = performance.now();
    let last = start;
    let stillAtTop = 0;
    let reachedAt: number | null = null;
    const trace: string[] = [];
    let lastTrace = start;
    const tick = (now: number) => {
      frames.push(now - last);
      last = now;
      // Reached: the oldest message is mounted and the list is (nearly) at its top.
      const oldest = root?.querySelector(`[data-dm-message-row="${args.oldestId}"]`);
      if (oldest && target.scrollTop <= 1) stillAtTop++;
      else stillAtTop = 0;
      // At the top for a while (no more history shifted in) or out of time: done.
      if (stillAtTop > 20 && reachedAt === null) reachedAt = now - start;
      const index = root
        ?.querySelector('[data-dm-message-row]')
        ?.getAttribute('data-dm-message-row');
      if (now - lastTrace > 1000) {
        trace.push(index ?? '');
        lastTrace = now;
      }
      // Same input for the same time in both browsers: scroll attempts for a fixed duration.
      if (now - start > args.limitMs) {
        resolve({
          frames: frames.slice(1),
          reachedTop: reachedAt !== null,
          reachedAt,
          trace,
          ms: now - start,
          rows: root?.querySelectorAll('[data-dm-message-row]').length ?? 0,
          firstRowId:
            root?.querySelector('[data-dm-message-row]')?.getAttribute('data-dm-message-row') ??
            null,
          scrollTop: target.scrollTop,
          scrollHeight: target.scrollHeight,
          tag: `${target.tagName}.${target.className}`,
        });
        return;
      }
      target.scrollTop = Math.max(0, target.scrollTop - args.step);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame((now) => {
      last = now;
      requestAnimationFrame(tick);
    });
  });
}

/** Visible encrypted rows that show neither their message nor a ready reader. */
function visibleWaiting(): number {
  const root = document.querySelector('[data-testid="xchatEmbedRoute"]')?.shadowRoot;
  const scroller = root?.querySelector('[data-testid="dm-message-scroller"]');
  if (!root || !scroller) return Number.NaN;
  const box = scroller.getBoundingClientRect();
  return [...root.querySelectorAll('[data-dm-message-row]')].filter((row) => {
    const r = row.getBoundingClientRect();
    const visible = r.height > 0 && r.bottom > box.top && r.top < box.bottom;
    return visible && !row.hasAttribute('data-sotto-shown');
  }).length;
}

const SLOW_STEP_PX = 120;
const SLOW_PAUSE_MS = 700;
const SLOW_STEPS = Number(process.env.SOTTO_BENCH_SLOW_STEPS ?? 20);

/**
 * A person reading back through the history: from the newest message, up by a short step,
 * a pause, again. After each pause, how many visible rows still show a placeholder.
 */
async function slowScroll(context: BrowserContext): Promise<number[]> {
  const page = await context.newPage();
  try {
    await page.bringToFront();
    await page.goto(`https://x.com/i/chat/${CONV}`, { waitUntil: 'load' });
    await inPage(page, waitVisibleDone, true);
    const waiting: number[] = [];
    for (let step = 0; step < SLOW_STEPS; step++) {
      await inPage(
        page,
        (px: number) => {
          const scroller = document
            .querySelector('[data-testid="xchatEmbedRoute"]')
            ?.shadowRoot?.querySelector<HTMLElement>('[data-testid="dm-message-scroller"]');
          if (scroller) scroller.scrollTop = Math.max(0, scroller.scrollTop - px);
        },
        SLOW_STEP_PX,
      );
      await sleep(SLOW_PAUSE_MS);
      waiting.push(await inPage(page, visibleWaiting));
    }
    return waiting;
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------

interface Metrics {
  TaskDuration: number;
  ScriptDuration: number;
}

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => (list.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { TaskDuration: get('TaskDuration'), ScriptDuration: get('ScriptDuration') };
}

interface RoundResult {
  openMs: number;
  firstRowsMs: number;
  visibleRows: number;
  framesAtOpen: number;
  /** Navigation until 1 s after the visible rows are done, before any scrolling. */
  loadTaskMs: number;
  taskMs: number;
  scriptMs: number;
  longestFrame: number;
  reachedTop: boolean;
  scrollMs: number;
}

/** One load + scroll of the conversation in a fresh tab. */
async function round(
  context: BrowserContext,
  withExtension: boolean,
  oldestId: string,
  ids: string[],
  trace = false,
): Promise<RoundResult> {
  const page = await context.newPage();
  try {
    // Renderer metrics restart with the renderer that navigation lands in: take them once,
    // after load + scroll, from a tab that has shown nothing else.
    await page.goto('https://x.com/home', { waitUntil: 'load' });
    await sleep(200);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const traced: TraceEvent[] = [];
    if (trace) {
      cdp.on('Tracing.dataCollected', ({ value }) =>
        traced.push(...(value as unknown as TraceEvent[])),
      );
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await cdp.send('Tracing.start', {
        categories: TRACE_CATEGORIES,
        transferMode: 'ReportEvents',
      });
    }
    const before = await metrics(cdp);
    await page.goto(`https://x.com/i/chat/${CONV}`, { waitUntil: 'commit' });
    const firstRows = await inPage(page, waitVisibleDone, false);
    const done = withExtension ? await inPage(page, waitVisibleDone, true) : firstRows;
    await sleep(1000);
    const loaded = await metrics(cdp);
    const scroll = await inPage(page, scrollToTop, {
      step: SCROLL_STEP_PX,
      limitMs: SCROLL_LIMIT_MS,
      oldestId,
    });
    await sleep(500);
    const after = await metrics(cdp);
    if (trace) {
      const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await complete;
      const { profile } = await cdp.send('Profiler.stop');
      logTrace(withExtension ? 'with Sotto' : 'baseline', traced, profile as unknown as CpuProfile);
    }
    await cdp.detach();
    if (!scroll.reachedTop) {
      log(
        `scroll did not reach the oldest message in ${SCROLL_LIMIT_MS} ms: ${JSON.stringify({ ...scroll, frames: scroll.frames.length, trace: scroll.trace.map((id) => ids.indexOf(id)), firstRowIndex: ids.indexOf(scroll.firstRowId ?? '') })}`,
      );
    }
    return {
      openMs: done.doneAt,
      firstRowsMs: firstRows.doneAt,
      visibleRows: done.rows,
      framesAtOpen: done.frames,
      loadTaskMs: loaded.TaskDuration - before.TaskDuration,
      taskMs: after.TaskDuration - before.TaskDuration,
      scriptMs: after.ScriptDuration - before.ScriptDuration,
      longestFrame: Math.max(...scroll.frames),
      reachedTop: scroll.reachedTop,
      scrollMs: scroll.reachedAt ?? Number.NaN,
    };
  } finally {
    await page.close();
  }
}

function logTrace(label: string, events: TraceEvent[], profile: CpuProfile): void {
  const summary = summariseTrace(events, 'https://x.com/');
  if (!summary) {
    log(`trace (${label}): page renderer not found in ${events.length} events`);
    return;
  }
  const list = (pairs: [string, number][], n: number) =>
    pairs
      .slice(0, n)
      .map(([name, ms]) => `${name} ${ms.toFixed(0)}`)
      .join(', ');
  log(`trace (${label}): main thread ${summary.totalMs.toFixed(0)} ms in top-level tasks`);
  log(`  self time by event: ${list(summary.selfByName, 16)}`);
  log(`  script by origin: ${list(summary.scriptByOrigin, 6)}`);
  log(`  inside extension script: ${list(summary.extensionSelf, 12)}`);
  for (const task of summary.longest)
    log(`  long task ${task.ms.toFixed(0)} ms: ${list(task.children, 6)}`);
  const hot = (keep: (url: string) => boolean) =>
    hotFunctions(profile, keep)
      .slice(0, 15)
      .map(([name, ms]) => `\n      ${ms.toFixed(1).padStart(7)} ms  ${name}`)
      .join('');
  log(
    `  hottest extension functions (with the DOM calls they make, sampled):${hot((url) => url.includes('-extension://'))}`,
  );
  log(`  hottest page functions (likewise):${hot((url) => url.startsWith('https://x.com/'))}`);
}

const range = (values: number[], digits = 0) =>
  values.length === 0
    ? 'n/a'
    : `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

export async function runDmBench(): Promise<DmBenchRow[]> {
  const began = Date.now();
  const overTime = () => Date.now() - began > HARD_LIMIT_MS;
  build();
  const size = contentScriptGzipKB();
  const rows: DmBenchRow[] = [
    {
      name: `content script x.js gzip KB (raw ${size.raw.toFixed(1)} KB)`,
      medianMs: size.gzip,
      ratio: size.gzip,
      budget: BUDGET.gzipKB,
    },
  ];

  let fixture: Fixture | undefined;
  const closers: (() => Promise<void>)[] = [];
  try {
    // Without the tests' page-world spy: it is not X, and it tries to read every frame on the
    // page every 250 ms, which would bill its own growing cost to the extension.
    fixture = await startFixture({ port: 0, spy: false });
    const fx = fixture;
    log(`fixture on port ${fx.port}`);
    const [alice, bob, plain] = await Promise.all([
      launchChromium({ extensionDir: EXT_DIR, fixturePort: fx.port }),
      launchChromium({ extensionDir: EXT_DIR, fixturePort: fx.port }),
      launchPlain(fx.port),
    ]);
    closers.push(alice.close, bob.close, plain.close);

    // --- session through the real UI (what tests/e2e/harness/pair.ts does) ---
    const a = await newPagePair(alice);
    const b = await newPagePair(bob);
    await a.test.goto(fx.loginUrl('alice', `/i/chat/${CONV}`));
    await b.test.goto(fx.loginUrl('bob', `/i/chat/${CONV}`));
    const aliceVault = await vaultClient(alice);
    const bobVault = await vaultClient(bob);
    await openCompose(a.test);
    await a.test.press('Tab');
    await a.test.press('Enter');
    await waitForTimeline(fx, CONV, 'bob', 1);
    await b.test.waitFor(
      () =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector('iframe[data-sotto="reader"][data-sotto-frame="ready"]'),
      null,
    );
    const acceptedBefore = timeline(fx, CONV, 'alice').length;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (timeline(fx, CONV, 'alice').length > acceptedBefore) break;
      await activateReaderButton(b.test);
      await waitForTimeline(fx, CONV, 'alice', acceptedBefore + 1, 5_000).catch(() => {});
    }
    await waitForTimeline(fx, CONV, 'alice', acceptedBefore + 1);
    for (const [vault, partner] of [
      [aliceVault, 'bob'],
      [bobVault, 'alice'],
    ] as const) {
      const deadline = Date.now() + 15_000;
      while ((await vault.composeState(CONV, partner)) !== 'ready') {
        if (Date.now() > deadline) throw new Error(`compose state for ${partner} never ready`);
        await sleep(100);
      }
    }
    log(`session established after ${((Date.now() - began) / 1000).toFixed(1)} s`);

    // --- Alice's vault encrypts; envelopes are caught on her extension page ---
    const vaultPage = alice.context.pages().find((p) => p.url().endsWith('popup.html'));
    if (!vaultPage) throw new Error('no vault page');
    await inPage(vaultPage, () => {
      type Msg = { sottoTab?: number; type?: string; input?: { parts?: string[] } };
      const w = window as unknown as { __caught: string[] };
      w.__caught = [];
      type Api = {
        runtime: {
          onMessage: {
            addListener(
              fn: (message: Msg, sender: unknown, reply: (value: unknown) => void) => boolean,
            ): void;
          };
        };
      };
      const api = (globalThis as unknown as { chrome: Api }).chrome;
      api.runtime.onMessage.addListener((message, _sender, reply) => {
        if (message?.type !== 'envelope.send') return false;
        w.__caught.push(...(message.input?.parts ?? []));
        reply({ sent: true });
        return false;
      });
    });
    const encrypt = async (texts: string[]): Promise<string[]> => {
      const envelopes: string[] = [];
      for (const text of texts) {
        const r = await aliceVault.call('compose.send', {
          conversationId: CONV,
          partner: 'bob',
          text,
        });
        if (!r.ok) throw new Error(`compose.send failed: ${r.error?.code}`);
      }
      envelopes.push(
        ...(await vaultPage.evaluate(() => {
          const w = window as unknown as { __caught: string[] };
          return w.__caught.splice(0);
        })),
      );
      return envelopes;
    };
    const post = (envelopes: string[]) =>
      a.raw.evaluate(
        async ([conv, list]: [string, string[]]) => {
          for (const text of list) {
            const res = await fetch(`/i/api/chat/${conv}/messages`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ text }),
            });
            if (!res.ok) throw new Error(`POST ${res.status}`);
          }
        },
        [CONV, envelopes] as [string, string[]],
      );

    // Nobody watches the conversation while the history is written.
    await a.test.goto('https://x.com/home');
    await b.test.goto('https://x.com/home');
    const t0 = Date.now();
    const texts = Array.from(
      { length: HISTORY },
      (_, i) => `History message ${i + 1}: ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 4))}`,
    );
    const history = await encrypt(texts);
    if (history.length !== HISTORY) {
      throw new Error(`caught ${history.length} envelopes for ${HISTORY} messages`);
    }
    await post(history);
    await waitForTimeline(fx, CONV, 'bob', HISTORY + 1);
    log(
      `${HISTORY} envelopes encrypted by Alice's vault and delivered in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Baseline browser: Bob without Sotto.
    const plainLogin = await plain.context.newPage();
    await plainLogin.goto(fx.loginUrl('bob', '/home'), { waitUntil: 'load' });
    await plainLogin.close();

    // --- load + scroll rounds, alternating ---
    const ids = timeline(fx, CONV, 'bob').map((m) => m.id);
    const base: RoundResult[] = [];
    const ext: RoundResult[] = [];
    for (let i = 0; i < ROUNDS && !overTime(); i++) {
      const last = TRACE && i === ROUNDS - 1;
      base.push(await round(plain.context, false, ids[0]!, ids, last));
      ext.push(await round(bob.context, true, ids[0]!, ids, last));
      log(
        `round ${i + 1}: base task ${base.at(-1)!.taskMs.toFixed(0)} ms, ext task ${ext.at(-1)!.taskMs.toFixed(0)} ms; open base ${base.at(-1)!.openMs.toFixed(0)} / ext ${ext.at(-1)!.openMs.toFixed(0)} ms; longest frame base ${base.at(-1)!.longestFrame.toFixed(0)} / ext ${ext.at(-1)!.longestFrame.toFixed(0)} ms; top reached ${base.at(-1)!.reachedTop}/${ext.at(-1)!.reachedTop}`,
      );
    }
    const pct = ext.map((e, i) => (100 * (e.taskMs - base[i]!.taskMs)) / base[i]!.taskMs);
    const pctScript = ext.map(
      (e, i) => (100 * (e.scriptMs - base[i]!.scriptMs)) / base[i]!.scriptMs,
    );
    // The first extension round decrypts the history (cold); later rounds read the store.
    const warmPct = pct.slice(1);
    log(
      `main thread added: ${pct.map((p) => p.toFixed(1)).join(', ')} % (round 1 is the cold one); script-only: ${pctScript.map((p) => p.toFixed(1)).join(', ')} %`,
    );
    const baseTask = median(base.map((r) => r.taskMs));
    rows.push(
      {
        name: `load + ${SCROLL_LIMIT_MS / 1000} s scrolling, ${HISTORY} msgs: renderer TaskDuration, no extension (baseline; ${range(base.map((r) => r.taskMs))} ms)`,
        medianMs: baseTask,
        ratio: 1,
      },
      {
        name: `load+scroll: TaskDuration with Sotto, all rounds (${range(ext.map((r) => r.taskMs))} ms; added ${range(pct, 1)} %)`,
        medianMs: median(ext.map((r) => r.taskMs)),
        ratio: median(ext.map((r) => r.taskMs)) / baseTask,
        budget: 1 + BUDGET.mainThreadPct / 100,
      },
    );
    if (warmPct.length > 0) {
      const warm = ext.slice(1).map((r) => r.taskMs);
      rows.push({
        name: `load+scroll: TaskDuration with Sotto, warm rounds only (added ${range(warmPct, 1)} %)`,
        medianMs: median(warm),
        ratio: 1 + median(warmPct) / 100,
        budget: 1 + BUDGET.mainThreadPct / 100,
      });
    }
    const loadPct = ext.map(
      (e, i) => (100 * (e.loadTaskMs - base[i]!.loadTaskMs)) / base[i]!.loadTaskMs,
    );
    const baseLoad = median(base.map((r) => r.loadTaskMs));
    rows.push(
      {
        name: `load only (open + 1 s idle): TaskDuration, no extension (baseline; ${range(base.map((r) => r.loadTaskMs))} ms)`,
        medianMs: baseLoad,
        ratio: 1,
      },
      {
        name: `load only: TaskDuration with Sotto (${range(ext.map((r) => r.loadTaskMs))} ms; added ${range(loadPct, 1)} %)`,
        medianMs: median(ext.map((r) => r.loadTaskMs)),
        ratio: median(ext.map((r) => r.loadTaskMs)) / baseLoad,
        budget: 1 + BUDGET.mainThreadPct / 100,
      },
    );
    const baseOpen = median(base.map((r) => r.openMs));
    const extDelta = ext.map((r) => r.openMs - r.firstRowsMs);
    rows.push(
      {
        name: `open conversation: navigation → rows shown, no extension (baseline; ${range(base.map((r) => r.openMs))} ms)`,
        medianMs: baseOpen,
        ratio: 1,
      },
      {
        name: `open conversation: navigation → every visible row's reader ready (${range(ext.map((r) => r.openMs))} ms)`,
        medianMs: median(ext.map((r) => r.openMs)),
        ratio: median(ext.map((r) => r.openMs)) / baseOpen,
      },
      {
        name: `open conversation: rows shown → every visible row ready, ms (${range(extDelta)}; ${range(ext.map((r) => r.visibleRows))} rows visible, ${range(ext.map((r) => r.framesAtOpen))} reader frames mounted; budget is ms)`,
        medianMs: median(extDelta),
        ratio: median(extDelta),
        budget: BUDGET.open,
      },
      {
        name: `scroll ${HISTORY} msgs: longest frame, no extension (baseline; ${range(base.map((r) => r.longestFrame))} ms; top reached ${base.filter((r) => r.reachedTop).length}/${base.length}, in ${range(base.map((r) => r.scrollMs))} ms)`,
        medianMs: median(base.map((r) => r.longestFrame)),
        ratio: 1,
      },
      {
        name: `scroll ${HISTORY} msgs: longest frame with Sotto, ms (${range(ext.map((r) => r.longestFrame))}; top reached ${ext.filter((r) => r.reachedTop).length}/${ext.length} within ${SCROLL_LIMIT_MS} ms; budget is ms)`,
        medianMs: median(ext.map((r) => r.longestFrame)),
        ratio: median(ext.map((r) => r.longestFrame)),
        budget: BUDGET.longestFrame,
      },
    );

    // --- live: new encrypted row → reader ready ---
    if (!overTime()) {
      await b.test.goto(`https://x.com/i/chat/${CONV}`);
      // Bob looks at the conversation: a background tab gets no rendering updates at all.
      await b.raw.bringToFront();
      await inPage(b.raw, waitVisibleDone, true);
      await inPage(b.raw, () => {
        const w = window as unknown as {
          __rowAt: Map<Element, number>;
          __frameAt: Map<Element, number>;
          __delays: number[];
          __toFrame: number[];
        };
        w.__rowAt = new Map();
        w.__frameAt = new Map();
        w.__delays = [];
        w.__toFrame = [];
        const root = document.querySelector('[data-testid="xchatEmbedRoute"]')!.shadowRoot!;
        const seen = new Set<Element>(root.querySelectorAll('[data-dm-message-row]'));
        const observer = new MutationObserver((records) => {
          const now = performance.now();
          for (const record of records) {
            for (const node of record.addedNodes) {
              if (!(node instanceof Element)) continue;
              const found = node.matches('[data-dm-message-row]')
                ? [node]
                : [...node.querySelectorAll('[data-dm-message-row]')];
              for (const row of found) {
                if (seen.has(row)) continue;
                seen.add(row);
                w.__rowAt.set(row, now);
              }
            }
            const target = record.target as Element;
            // A reader frame lent to the run this row starts: its placeholder owns the frame.
            if (record.type === 'attributes' && record.attributeName === 'aria-owns') {
              const row = target.closest('[data-dm-message-row]');
              if (row && w.__rowAt.has(row) && !w.__frameAt.has(row)) w.__frameAt.set(row, now);
            }
            // Shown: the frame of its run shows its message.
            const shownRow =
              record.type === 'attributes' &&
              target.matches('[data-dm-message-row][data-sotto-shown]')
                ? target
                : null;
            const at = shownRow ? w.__rowAt.get(shownRow) : undefined;
            if (shownRow && at !== undefined) {
              w.__delays.push(now - at);
              w.__toFrame.push((w.__frameAt.get(shownRow) ?? Number.NaN) - at);
              w.__rowAt.delete(shownRow);
            }
          }
        });
        observer.observe(root, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-sotto-shown', 'aria-owns'],
        });
      });
      for (let i = 0; i < LIVE && !overTime(); i++) {
        const [envelope] = await encrypt([`Live message ${i + 1}`]);
        const before = await b.raw.evaluate(
          () => (window as unknown as { __delays: number[] }).__delays.length,
        );
        await post([envelope!]);
        await b.raw
          .waitForFunction(
            (n: number) => (window as unknown as { __delays: number[] }).__delays.length > n,
            before,
            { timeout: 5_000, polling: 50 },
          )
          .catch(() => log(`live message ${i + 1}: no ready frame within 5 s`));
        await sleep(150);
      }
      const delays = await b.raw.evaluate(
        () => (window as unknown as { __delays: number[] }).__delays,
      );
      const toFrame = await b.raw.evaluate(
        () => (window as unknown as { __toFrame: number[] }).__toFrame,
      );
      log(`live delays (ms): ${delays.map((d) => d.toFixed(0)).join(', ')}`);
      log(
        `  of which row → reader frame lent (ingest): ${toFrame.map((d) => d.toFixed(0)).join(', ')}`,
      );
      // A row that joined its run's loaded frame had no frame of its own inserted.
      const inserted = toFrame.filter((ms) => Number.isFinite(ms));
      const joined = toFrame.length - inserted.length;
      rows.push({
        name: `new encrypted row → shown by a ready reader, p95 over ${delays.length} msgs, ms (median ${median(delays).toFixed(0)}, max ${Math.max(...delays).toFixed(0)}; ${joined} joined a loaded frame, else row → frame lent median ${median(inserted).toFixed(0)}; budget is ms)`,
        medianMs: median(delays),
        ratio: percentile(delays, 95),
        budget: BUDGET.liveP95,
      });
    }
    // --- slow scroll: do the rows a reader looks at show their messages? (Last: the page may
    // remember where it was scrolled to, and the live part wants the newest message in view.)
    if (!overTime() && SLOW_STEPS > 0) {
      const waiting = await slowScroll(bob.context);
      log(`slow scroll up, visible rows still waiting after each pause: ${waiting.join(', ')}`);
      rows.push({
        name: `slow scroll up (${SLOW_STEP_PX} px every ${SLOW_PAUSE_MS} ms, ${waiting.length} steps): visible rows still without their message after a pause, max per step (total ${waiting.reduce((a, b) => a + b, 0)})`,
        medianMs: median(waiting),
        ratio: Math.max(...waiting),
      });
    }

    log(`bench took ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return rows;
  } finally {
    for (const close of closers) await close().catch(() => {});
    await fixture?.close().catch(() => {});
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runDmBench();
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'case'.padEnd(width)}     median   ratio/value  budget`);
  for (const r of rows) {
    const value = r.ratio === null ? '' : r.ratio.toFixed(2);
    const budget =
      r.budget === undefined
        ? ''
        : `${r.ratio !== null && r.ratio <= r.budget ? 'ok' : 'OVER'} (<= ${r.budget})`;
    console.log(
      `${r.name.padEnd(width)}  ${r.medianMs.toFixed(1).padStart(9)}  ${value.padStart(11)}  ${budget}`,
    );
  }
}
