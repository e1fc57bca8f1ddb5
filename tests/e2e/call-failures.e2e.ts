/**
 * Calls when something goes wrong on the way: a camera/microphone the browser refuses, a
 * camera changed mid-call, and the other side vanishing without a goodbye. One Chromium pair
 * for all of them (the last test ends Bob's browser).
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DISCONNECTED_GRACE_MS } from '../../lib/calls/messages';
import type { Fixture } from '../fixtures/server';
import { clickDeep, waitForCount } from './harness/actions';
import { selectedBrowsers } from './harness/browsers';
import {
  AUDIO_BUTTON,
  acceptCall,
  CALL_BUTTON,
  callLog,
  callWindowCount,
  placeCall,
  press,
  sampleMedia,
  VIDEO_BUTTON,
  waitForCallLog,
  waitForCallPage,
  waitForCallState,
  waitForPresence,
} from './harness/calls';
import { startE2EFixture } from './harness/host';
import { launchBrowser } from './harness/launch';
import { Pair } from './harness/pair';
import { startPeerServer, type TestPeerServer } from './harness/peer-server';
import type { TestPage } from './harness/session';
import { vaultClient } from './harness/sotto';

/** What the call window says, as the English locale has it. */
const MESSAGES = JSON.parse(readFileSync('public/_locales/en/messages.json', 'utf8')) as Record<
  string,
  { message: string }
>;

let fixture: Fixture;
let peerServer: TestPeerServer;

beforeAll(async () => {
  [fixture, peerServer] = await Promise.all([startE2EFixture(), startPeerServer()]);
});

afterAll(async () => {
  await Promise.all([fixture?.close(), peerServer?.stop()]);
});

const browsers = selectedBrowsers();

describe.each(browsers.filter((name) => name === 'chromium'))(
  'call failures in %s',
  (browserName) => {
    let pair: Pair;
    const opened: TestPage[] = [];

    beforeAll(async () => {
      fixture.reset();
      // Cameras to switch between, and camera/microphone permission left to the browser
      // (as for a person), so a test can block it.
      pair = await Pair.open(fixture, browserName, {
        fakeMedia: { cameras: 3, permission: 'ask' },
      });
      for (const who of ['alice', 'bob'] as const) {
        await pair.browser(who).setMediaPermission!('granted');
      }
      await pair.establish();
      await waitForPresence(pair.vault('bob').call);
      await waitForPresence(pair.vault('alice').call);
    }, 120_000);

    afterAll(async () => {
      await pair?.close();
    });

    afterEach(async () => {
      for (const page of opened.splice(0)) await page.close().catch(() => {});
    });

    test('a blocked camera/microphone: the window says how to allow it and nothing rings; allowed, Try again calls', async () => {
      const alice = pair.browser('alice');
      const bobLog = await callLog(pair.vault('bob').call);
      const peersBefore = peerServer.ids.length;
      await alice.setMediaPermission!('denied');
      try {
        const page = pair.page('alice');
        await page.goto('https://x.com/bob');
        await waitForCount(page, CALL_BUTTON, 2);
        await clickDeep(page, VIDEO_BUTTON);
        const caller = await waitForCallPage(alice, 'caller');
        opened.push(caller);
        const failed = await waitForCallState(caller, 'failed');
        expect(failed.reason).toBe('permission');
        // The recovery steps, in the words of the locale (where to allow it, then Try again).
        expect(failed.text).toBe(MESSAGES.call_end_permission!.message);
        // The call stopped before it reached the call server: no peer, so no ring.
        expect(peerServer.ids.length).toBe(peersBefore);
        expect(await callWindowCount(pair.browser('bob'), 'callee')).toBe(0);
        expect(await callLog(pair.vault('bob').call)).toEqual(bobLog);

        // Allowed again in the browser's settings, "Try again" in the same window calls.
        await alice.setMediaPermission!('granted');
        await press(caller, 'retry-call');
        const callee = await waitForCallPage(pair.browser('bob'), 'callee');
        opened.push(callee);
        await waitForCallState(callee, 'ringing');
        // Only this ring reached Bob: had the blocked attempt rung too, this one would have
        // been answered busy.
        expect(await callWindowCount(pair.browser('bob'), 'callee')).toBe(1);
        await press(callee, 'decline-call');
        expect((await waitForCallState(caller, 'declined')).reason).toBe('declined');
      } finally {
        await alice.setMediaPermission!('granted');
      }
    });

    test('switching camera mid-call: the other camera is used and video keeps reaching Bob', async () => {
      const { caller, callee } = await placeCall(pair, opened, VIDEO_BUTTON);
      await acceptCall(caller, callee);
      const picker = 'select[data-sotto="camera-picker"]';
      await caller.waitFor((s: string) => document.querySelector(s), picker);
      const camera = () =>
        caller.evaluate(() => {
          const stream = document.querySelector<HTMLVideoElement>('video.local')
            ?.srcObject as MediaStream | null;
          const track = stream?.getVideoTracks()[0];
          return {
            deviceId: track?.getSettings().deviceId ?? null,
            label: track?.label ?? null,
            live: track?.readyState === 'live',
          };
        }, null);
      const before = await camera();
      const options = await caller.evaluate(
        (s: string) =>
          [...(document.querySelector<HTMLSelectElement>(s)?.options ?? [])].map((option) => ({
            value: option.value,
            label: option.label,
            selected: option.selected,
          })),
        picker,
      );
      expect(options.length).toBe(3);
      expect(options.find((option) => option.selected)?.value).toBe(before.deviceId);

      // Alice picks another camera from the list (as Playwright's selectOption does). Not
      // fake_device_1: Chromium's second fake camera is a depth camera (Y16), whose frames
      // WebRTC does not send.
      const wanted = options.find(
        (option) => !option.selected && option.label !== 'fake_device_1',
      )!.value;
      await caller.evaluate(
        ([s, value]: [string, string]) => {
          const select = document.querySelector<HTMLSelectElement>(s)!;
          select.value = value;
          select.dispatchEvent(new Event('input', { bubbles: true }));
          select.dispatchEvent(new Event('change', { bubbles: true }));
        },
        [picker, wanted] as [string, string],
      );
      await caller.waitFor(
        (id: string) =>
          (document.querySelector<HTMLVideoElement>('video.local')?.srcObject as MediaStream | null)
            ?.getVideoTracks()[0]
            ?.getSettings().deviceId === id,
        wanted,
      );
      const after = await camera();
      expect(after).toMatchObject({ deviceId: wanted, live: true });
      expect(after.label).not.toBe(before.label);

      // The old camera is stopped, so frames that still arrive at Bob come from the new one —
      // counted from two seconds on: frames already under way arrive for a moment after the
      // switch, and the window's counters are up to a second old.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const { first, second } = await sampleMedia(callee);
      expect(second.bytes).toBeGreaterThan(first.bytes);
      expect(second.frames).toBeGreaterThan(first.frames);

      await press(caller, 'hangup');
      await Promise.all([waitForCallState(caller, 'ended'), waitForCallState(callee, 'ended')]);
    });

    // Last: Bob's browser does not come back.
    test("Bob's browser dies mid-call, no goodbye: Alice's call ends as a lost connection and is logged", async () => {
      const { caller, callee } = await placeCall(pair, opened, AUDIO_BUTTON);
      await acceptCall(caller, callee);
      const lostAt = Date.now();
      await pair.browser('bob').kill();
      // Chromium reports the connection `disconnected` after some seconds without packets
      // (7.5 s here) and `failed` some 10 s later; the window ends the call at the first of
      // `failed` and `disconnected` plus its grace.
      const shown = await waitForCallState(caller, 'ended', DISCONNECTED_GRACE_MS + 15_000);
      expect(shown.reason).toBe('connection-lost');
      expect(shown.text).toBe(MESSAGES.call_end_connectionLost!.message);
      const entry = await waitForCallLog(pair.vault('alice').call, lostAt);
      expect(entry).toMatchObject({ handle: 'bob', direction: 'out', outcome: 'answered' });
    }, 60_000);
  },
);

// Firefox: its refusal reaches the window as the same recovery steps. One browser, set to
// block camera and microphone (WebDriver BiDi cannot change this permission later), opening
// the window a call button opens; without Bob, "nothing rings" is "no new peer on the server".
describe.each(browsers.filter((name) => name === 'firefox'))(
  'call failures in %s',
  (browserName) => {
    test('a blocked camera/microphone: the window says how to allow it and calls no one', async () => {
      const firefox = await launchBrowser(browserName, fixture.port, {
        fakeMedia: { permission: 'blocked' },
      });
      try {
        // Its presence listener is on the call server first, so a new peer would be the call's.
        await waitForPresence((await vaultClient(firefox)).call);
        const peersBefore = peerServer.ids.length;
        const page = await firefox.newPage();
        await page.goto(firefox.extensionUrl('call.html?role=caller&handle=bob&media=video'));
        const failed = await waitForCallState(page, 'failed');
        expect(failed.reason).toBe('permission');
        expect(failed.text).toBe(MESSAGES.call_end_permission!.message);
        expect(
          await page.evaluate(
            () => document.querySelector('button[data-sotto="retry-call"]') !== null,
            null,
          ),
        ).toBe(true);
        expect(peerServer.ids.length).toBe(peersBefore);
      } finally {
        await firefox.close();
      }
    });
  },
);
