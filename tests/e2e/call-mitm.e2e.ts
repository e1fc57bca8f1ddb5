/**
 * The signaling server in the middle of a call (docs/PROTOCOL.md § 12.4–12.5): a PeerServer
 * stand-in (harness/mitm-signaling.ts) hands both legs of Alice's call to Bob to a third
 * browser, which terminates each leg's DTLS itself, relays the control channel and the media,
 * and drops the fingerprint binding (`bind`) both ways. Each window must end the call as
 * "Security check failed" on its own (its gate waited 5 s for a binding), and never show or
 * play a frame of what the middle sent it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { BINDING_WAIT_MS } from '../../lib/calls/gate';
import type { Fixture } from '../fixtures/server';
import { selectedBrowsers } from './harness/browsers';
import {
  placeCall,
  press,
  VIDEO_BUTTON,
  waitForCallLog,
  waitForCallState,
  waitForPresence,
} from './harness/calls';
import { startE2EFixture } from './harness/host';
import { type Middle, startMiddle } from './harness/mitm-signaling';
import { Pair } from './harness/pair';
import type { TestPage } from './harness/session';

const MESSAGES = JSON.parse(readFileSync('public/_locales/en/messages.json', 'utf8')) as Record<
  string,
  { message: string }
>;

/** What a call window showed and did with media elements, from before Accept to the end. */
interface Watched {
  /** Each state the window showed, when. */
  states: { state: string; at: number }[];
  /** Media elements other than the person's own preview that were ever in the window. */
  remoteElements: string[];
  /** Streams put into such elements (srcObject). */
  attached: string[];
  /** `play`/`playing` events of such elements. */
  played: string[];
  /** Streams put into the person's own preview: shows the watch itself works. */
  ownPreview: number;
}

/** Runs in a call window (self-contained: the driver sends its source there). */
function watchCallWindow(): void {
  const scope = globalThis as unknown as { __watched?: Watched };
  if (scope.__watched) return;
  const watched: Watched = {
    states: [],
    remoteElements: [],
    attached: [],
    played: [],
    ownPreview: 0,
  };
  scope.__watched = watched;
  const own = (element: Element) => element.getAttribute('data-sotto') === 'local-video';
  const name = (element: Element) =>
    `${element.tagName.toLowerCase()}.${element.className || '-'}[${element.getAttribute('data-sotto') ?? ''}]`;
  // Every way a stream reaches an element goes through this setter (the window never uses src).
  const descriptor = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject')!;
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    configurable: true,
    enumerable: descriptor.enumerable ?? false,
    get(this: HTMLMediaElement) {
      return descriptor.get!.call(this);
    },
    set(this: HTMLMediaElement, value: MediaProvider | null) {
      if (value && own(this)) watched.ownPreview++;
      else if (value) watched.attached.push(name(this));
      descriptor.set!.call(this, value);
    },
  });
  for (const type of ['play', 'playing']) {
    document.addEventListener(
      type,
      (event) => {
        const element = event.target as Element;
        if (!own(element)) watched.played.push(`${type} ${name(element)}`);
      },
      true,
    );
  }
  const look = () => {
    const state =
      document.querySelector('[data-sotto="call-state"]')?.getAttribute('data-sotto-state') ?? '';
    if (watched.states.at(-1)?.state !== state) watched.states.push({ state, at: Date.now() });
    for (const element of document.querySelectorAll('video, audio')) {
      const shown = name(element);
      if (!own(element) && !watched.remoteElements.includes(shown)) {
        watched.remoteElements.push(shown);
      }
    }
  };
  look();
  new MutationObserver(look).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
  });
}

const watchedIn = (page: TestPage) =>
  page.evaluate(() => (globalThis as unknown as { __watched: Watched }).__watched, null);

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

describe.each(selectedBrowsers())('a signaling server in the middle of a call, in %s', (name) => {
  let middle: Middle;
  let pair: Pair;
  const opened: TestPage[] = [];

  beforeAll(async () => {
    fixture.reset();
    // The only signaling server there is: presence and calls go through it.
    middle = await startMiddle();
    pair = await Pair.open(fixture, name, { fakeMedia: true });
    await pair.establish();
    await waitForPresence(pair.vault('bob').call);
    await waitForPresence(pair.vault('alice').call);
  }, 120_000);

  afterAll(async () => {
    for (const page of opened.splice(0)) await page.close().catch(() => {});
    await pair?.close();
    await middle?.stop();
  });

  afterEach(async () => {
    for (const page of opened.splice(0)) await page.close().catch(() => {});
  });

  test('it drops `bind`: both windows end "Security check failed", no remote media ever plays', async () => {
    const { caller, callee } = await placeCall(pair, opened, VIDEO_BUTTON);
    // Before Accept: nothing of the other side can reach either window before then.
    await Promise.all([
      caller.evaluate(watchCallWindow, null),
      callee.evaluate(watchCallWindow, null),
    ]);
    const accepted = Date.now();
    await press(callee, 'accept-call');

    const shown = await Promise.all([
      waitForCallState(caller, 'failed', 20_000),
      waitForCallState(callee, 'failed', 20_000),
    ]);
    for (const window of shown) {
      expect(window.reason).toBe('binding');
      expect(window.text).toBe(MESSAGES.call_end_binding!.message);
      expect(window.text).toContain('Security check failed');
      expect(window.sas).toBeNull();
    }

    // The server took the call to the middle: Bob's control connection to Alice's call peer,
    // and her media call back to his.
    const { intercepted } = middle.signaling;
    expect(intercepted).toHaveLength(2);
    const [control, media] = intercepted as [(typeof intercepted)[0], (typeof intercepted)[0]];
    expect(control.kind).toBe('data');
    expect(media).toEqual({ kind: 'media', from: control.to, to: control.from });
    const alice = control.to;
    const bob = control.from;

    const report = await middle.report();
    expect(report.errors).toEqual([]);
    // Both windows sent their binding, and the middle dropped both; the rest of the control
    // channel went through (Bob's accept reached Alice).
    expect([...report.dropped].sort()).toEqual([`${alice}>${bob}`, `${bob}>${alice}`].sort());
    expect(report.relayed).toContain(`${bob}>${alice}:accept`);
    // Each browser's media leg ended at the middle, which sent it media and got its media
    // (black frames and silence: the gate kept its tracks off), under its own certificate.
    const legs = report.legs.filter((leg) => leg.kind === 'media');
    expect(legs.map((leg) => leg.peer).sort()).toEqual([alice, bob].sort());
    const legTo = (peer: string) => legs.find((leg) => leg.peer === peer)!;
    for (const leg of legs) {
      const seen = JSON.stringify(report);
      expect(leg.connectedAt, seen).not.toBeNull();
      expect(leg.bytesSent, seen).toBeGreaterThan(0);
      expect(leg.bytesReceived, seen).toBeGreaterThan(0);
      expect(leg.ownFingerprint, seen).toMatch(/^sha-256 [0-9A-F:]+$/);
    }
    expect(legTo(alice).ownFingerprint).not.toBe(legTo(bob).peerFingerprint);
    expect(legTo(bob).ownFingerprint).not.toBe(legTo(alice).peerFingerprint);

    for (const [window, peer] of [
      [caller, alice],
      [callee, bob],
    ] as const) {
      const watched = await watchedIn(window);
      const states = watched.states.map((seen) => seen.state);
      // The gate never opened: no "connected", no SAS, straight from connecting to failed.
      expect(states).not.toContain('connected');
      expect(states.at(-1)).toBe('failed');
      expect(states).toContain('connecting');
      // …and only after waiting for a binding that never came (a wrong one fails within
      // moments of connecting), give or take when each end saw its leg connect.
      const failedAt = watched.states.at(-1)!.at;
      expect(failedAt - legTo(peer).connectedAt!).toBeGreaterThanOrEqual(BINDING_WAIT_MS - 1000);
      // No remote media, ever: no element for it, no stream in one, nothing played.
      expect(watched.remoteElements).toEqual([]);
      expect(watched.attached).toEqual([]);
      expect(watched.played).toEqual([]);
    }
    // The watch sees streams going into elements: Bob's preview appeared after Accept.
    const bobSaw = await watchedIn(callee);
    expect(bobSaw.ownPreview, JSON.stringify(bobSaw)).toBeGreaterThan(0);

    // Both sides log the call as a failed security check.
    for (const [who, direction] of [
      ['alice', 'out'],
      ['bob', 'in'],
    ] as const) {
      expect(await waitForCallLog(pair.vault(who).call, accepted)).toMatchObject({
        handle: who === 'alice' ? 'bob' : 'alice',
        direction,
        outcome: 'sas-mismatch',
      });
    }
  });

  test('a middle that says "hangup" to both before the check fails cannot pass it off as an ordinary end', async () => {
    const { caller, callee } = await placeCall(pair, opened, VIDEO_BUTTON);
    const accepted = Date.now();
    await press(callee, 'accept-call');
    // Both media legs up, the bindings dropped: the middle ends it itself, well within 5 s.
    await expect
      .poll(
        async () =>
          (await middle.report()).legs.filter((l) => l.kind === 'media' && l.connectedAt !== null)
            .length,
        { timeout: 15_000, interval: 100 },
      )
      .toBeGreaterThanOrEqual(2);
    await middle.hangUpBoth();
    const shown = await Promise.all([
      waitForCallState(caller, 'failed', 20_000),
      waitForCallState(callee, 'failed', 20_000),
    ]);
    for (const window of shown) {
      expect(window.reason).toBe('binding');
      expect(window.text).toContain('Security check failed');
    }
    for (const who of ['alice', 'bob'] as const) {
      expect(await waitForCallLog(pair.vault(who).call, accepted)).toMatchObject({
        outcome: 'sas-mismatch',
      });
    }
  });
});
