/**
 * Driving calls in the e2e build: finding the call windows the extension opens, reading their
 * state, SAS and media counters, and asking a browser's vault about presence and the log.
 */
import { clickDeep, waitForCount } from './actions';
import type { Pair } from './pair';
import type { BrowserSession, TestPage } from './session';

export const CALL_BUTTON = '[data-sotto="call-button"]';
export const VIDEO_BUTTON = `${CALL_BUTTON}[data-sotto-media="video"]`;
export const AUDIO_BUTTON = `${CALL_BUTTON}[data-sotto-media="audio"]`;

export type Role = 'caller' | 'callee';

/**
 * Alice clicks a call button on Bob's profile; returns both call windows (Bob's ringing),
 * recorded in `opened` so the test's cleanup closes them.
 */
export async function placeCall(pair: Pair, opened: TestPage[], button: string, nth = 1) {
  // Bob's browser is online: his presence listener is connected.
  await waitForPresence(pair.vault('bob').call);
  const page = pair.page('alice');
  if (!page.url().endsWith('/bob')) await page.goto('https://x.com/bob');
  await waitForCount(page, CALL_BUTTON, 2);
  await clickDeep(page, button);
  const caller = await waitForCallPage(pair.browser('alice'), 'caller', nth);
  const callee = await waitForCallPage(pair.browser('bob'), 'callee', nth);
  opened.push(caller, callee);
  await waitForCallState(callee, 'ringing');
  return { caller, callee };
}

/** Bob accepts the ringing call; returns what both windows show once both are connected. */
export async function acceptCall(
  caller: TestPage,
  callee: TestPage,
): Promise<[CallShown, CallShown]> {
  await press(callee, 'accept-call');
  return Promise.all([
    waitForCallState(caller, 'connected'),
    waitForCallState(callee, 'connected'),
  ]);
}

/** Waits for the `count`-th call window of `role` the extension opened, and returns it. */
export async function waitForCallPage(
  browser: BrowserSession,
  role: Role,
  count = 1,
  timeoutMs = 15_000,
): Promise<TestPage> {
  const prefix = browser.extensionUrl(`call.html?role=${role}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pages = await browser.pagesAt(prefix);
    if (pages.length >= count) return pages[count - 1]!;
    if (Date.now() > deadline) throw new Error(`No ${role} call window (${pages.length} open)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function callWindowCount(browser: BrowserSession, role: Role): Promise<number> {
  return (await browser.pagesAt(browser.extensionUrl(`call.html?role=${role}`))).length;
}

export interface CallShown {
  state: string | null;
  reason: string | null;
  text: string;
  sas: string | null;
}

export function callShown(page: TestPage): Promise<CallShown> {
  return page.evaluate(() => {
    const state = document.querySelector('[data-sotto="call-state"]');
    return {
      state: state?.getAttribute('data-sotto-state') ?? null,
      reason: state?.getAttribute('data-sotto-reason') ?? null,
      text: state?.textContent ?? '',
      sas: document.querySelector('[data-sotto="sas"]')?.textContent ?? null,
    };
  }, null);
}

/** Waits until the call window shows `state`; the error says what it showed instead. */
export async function waitForCallState(
  page: TestPage,
  state: string,
  timeoutMs = 20_000,
): Promise<CallShown> {
  try {
    await page.waitFor(
      (wanted: string) =>
        document.querySelector('[data-sotto="call-state"]')?.getAttribute('data-sotto-state') ===
        wanted,
      state,
      timeoutMs,
    );
  } catch (error) {
    const shown = await callShown(page).catch(() => null);
    throw new Error(`Call window never showed "${state}"; it shows ${JSON.stringify(shown)}`, {
      cause: error,
    });
  }
  return callShown(page);
}

/** Inbound RTP counters as the window's quality line shows them (from getStats). */
export async function mediaReceived(page: TestPage): Promise<{ bytes: number; frames: number }> {
  return page.evaluate(() => {
    const line = document.querySelector('[data-sotto="call-quality"]');
    return {
      bytes: Number(line?.getAttribute('data-sotto-bytes-received') ?? 0),
      frames: Number(line?.getAttribute('data-sotto-frames-decoded') ?? 0),
    };
  }, null);
}

/** Two samples of the window's getStats counters, `gapMs` apart. */
export async function sampleMedia(page: TestPage, gapMs = 2000) {
  await page.waitFor(() => document.querySelector('[data-sotto="call-quality"]'), null);
  const first = await mediaReceived(page);
  await new Promise((resolve) => setTimeout(resolve, gapMs));
  const second = await mediaReceived(page);
  return { first, second };
}

export async function press(page: TestPage, button: string): Promise<void> {
  await clickDeep(page, `button[data-sotto="${button}"]`);
}

type Call = (
  type: string,
  input: unknown,
) => Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;

export interface PresenceShown {
  state: string;
  detail: { key: string; substitutions?: string[] } | null;
  droppedRings: number;
}

export async function presenceStatus(call: Call): Promise<PresenceShown> {
  const reply = await call('presence.status', {});
  if (!reply.ok) throw new Error(`presence.status failed: ${reply.error?.code}`);
  return reply.value as PresenceShown;
}

export async function waitForPresence(call: Call, state = 'connected', timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let seen: PresenceShown | null = null;
  while (Date.now() < deadline) {
    seen = await presenceStatus(call);
    if (seen.state === state) return seen;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Presence stayed ${JSON.stringify(seen)}, expected "${state}"`);
}

export async function callLog(call: Call) {
  const reply = await call('calls.log', { limit: 50 });
  if (!reply.ok) throw new Error(`calls.log failed: ${reply.error?.code}`);
  return reply.value as {
    id: string;
    handle: string;
    direction: string;
    outcome: string;
    endedAt: number | null;
  }[];
}

/** Waits until the newest entry of the call log ended at `since` or later, and returns it. */
export async function waitForCallLog(call: Call, since: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [newest] = await callLog(call);
    if (newest && (newest.endedAt ?? 0) >= since) return newest;
    if (Date.now() > deadline) {
      throw new Error(`No call logged since ${since}; the newest is ${JSON.stringify(newest)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
