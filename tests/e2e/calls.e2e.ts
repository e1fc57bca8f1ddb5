import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createRing, newCallId, newPeerId } from '../../lib/calls';
import { fromHex } from '../../lib/crypto/bytes';
import { ed25519KeyPair } from '../../lib/crypto/primitives';
import { systemRandom } from '../../lib/crypto/random';
import type { Fixture } from '../fixtures/server';
import { clickDeep } from './harness/actions';
import { selectedBrowsers } from './harness/browsers';
import {
  AUDIO_BUTTON,
  acceptCall,
  callLog,
  callShown,
  callWindowCount,
  placeCall,
  presenceStatus,
  press,
  sampleMedia,
  VIDEO_BUTTON,
  waitForCallLog,
  waitForCallPage,
  waitForCallState,
  waitForPresence,
} from './harness/calls';
import { startE2EFixture } from './harness/host';
import { Pair } from './harness/pair';
import { PEER_SERVER, startPeerServer, type TestPeerServer } from './harness/peer-server';
import type { TestPage } from './harness/session';
import { startTurnServer, TURN_SERVER } from './harness/turn';

/** The part of PeerJS Mallory's page uses. */
interface MalloryPeer {
  on(event: 'open', listener: () => void): void;
  connect(
    id: string,
    options: unknown,
  ): {
    on(event: string, listener: (data: { t: string }) => void): void;
    send(data: unknown): void;
  };
  destroy(): void;
}

let fixture: Fixture;
let peerServer: TestPeerServer;

beforeAll(async () => {
  [fixture, peerServer] = await Promise.all([startE2EFixture(), startPeerServer()]);
});

afterAll(async () => {
  await Promise.all([fixture?.close(), peerServer?.stop()]);
});

const browsers = selectedBrowsers();

/** Calls both browsers must handle alike; each describe below runs them in its browser. */
async function closeAll(opened: TestPage[]) {
  for (const page of opened.splice(0)) await page.close().catch(() => {});
}

/** A second call while one is live is answered busy and never rings. */
async function checkBusy(pair: Pair, opened: TestPage[]) {
  const { caller, callee } = await placeCall(pair, opened, VIDEO_BUTTON);
  await press(callee, 'accept-call');
  await waitForCallState(callee, 'connected');
  // Alice presses video again on Bob's profile while they talk.
  await pair.page('alice').bringToFront();
  await clickDeep(pair.page('alice'), VIDEO_BUTTON);
  const second = await waitForCallPage(pair.browser('alice'), 'caller', 2);
  opened.push(second);
  const shown = await waitForCallState(second, 'declined');
  expect(shown.reason).toBe('busy');
  expect(await callWindowCount(pair.browser('bob'), 'callee')).toBe(1);
  expect((await callShown(caller)).state).toBe('connected');
  await press(caller, 'hangup');
  await waitForCallState(callee, 'ended');
  await closeAll(opened);
}

/**
 * Waits until Bob's system notifications are the ones of `callIds`: a ring shows one, named by
 * its call, and answering or declining takes it away (both are asynchronous in the browser).
 */
async function waitForNotifications(pair: Pair, callIds: (string | null)[]): Promise<void> {
  const deadline = Date.now() + 5_000;
  let seen = await pair.vault('bob').notificationIds();
  while (JSON.stringify(seen) !== JSON.stringify(callIds) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await pair.vault('bob').notificationIds();
  }
  expect(seen).toEqual(callIds);
}

const callIdOf = (callee: TestPage) => new URL(callee.url()).searchParams.get('callId');

/**
 * Bob declines: Alice is told, both windows say so, Bob's log says declined.
 * `notifications`: also check the ring's system notification. Headless Firefox lists none
 * (`notifications.getAll()` stays empty while its window rings), so only Chromium does.
 */
async function checkDecline(pair: Pair, opened: TestPage[], { notifications = false } = {}) {
  const { caller, callee } = await placeCall(pair, opened, AUDIO_BUTTON);
  if (notifications) await waitForNotifications(pair, [callIdOf(callee)]);
  await press(callee, 'decline-call');
  const shown = await waitForCallState(caller, 'declined');
  expect(shown.reason).toBe('declined');
  expect(shown.text).toBe('@bob declined the call.');
  expect((await callShown(callee)).state).toBe('declined');
  if (notifications) await waitForNotifications(pair, []);
  const bobLog = await callLog(pair.vault('bob').call);
  expect(bobLog[0]).toMatchObject({ handle: 'alice', outcome: 'declined' });
  await closeAll(opened);
}

/** Bob closes the ringing window before it could answer: Alice hears "declined" at once. */
async function checkRingingWindowClosed(pair: Pair, opened: TestPage[]) {
  const { caller, callee } = await placeCall(pair, opened, AUDIO_BUTTON);
  // Before its own connection to Alice can open: only Bob's background can answer now.
  await callee.close();
  // Alice would otherwise call on until her ~50 s no-answer timeout.
  const shown = await waitForCallState(caller, 'declined', 15_000);
  expect(shown.reason).toBe('declined');
  await closeAll(opened);
  // A window that has rung a while (it still has no channel to Alice: that opens only on
  // Accept) and then closes is a decline too, not "no answer".
  const later = await placeCall(pair, opened, AUDIO_BUTTON);
  await waitForCallState(later.callee, 'ringing');
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await later.callee.close();
  expect((await waitForCallState(later.caller, 'declined', 15_000)).reason).toBe('declined');
  // Bob's browser is free again: the next call rings.
  await closeAll(opened);
  const next = await placeCall(pair, opened, AUDIO_BUTTON);
  expect((await callShown(next.callee)).state).toBe('ringing');
  await press(next.callee, 'decline-call');
  await waitForCallState(next.caller, 'declined');
  await closeAll(opened);
}

/**
 * Alice gives up before Bob answers — she hangs up, then (another call) closes her window:
 * Bob's ringing window, which has no connection to her, stops ringing within seconds, not
 * after its 45 s, and Bob logs a missed call. Her `cancel` reaches his presence listener on
 * the ring's own connection (closing her window closes it, which says the same).
 */
async function checkCallerCancels(pair: Pair, opened: TestPage[]) {
  const { caller, callee } = await placeCall(pair, opened, AUDIO_BUTTON);
  await waitForCallState(caller, 'calling');
  const hungUp = Date.now();
  await press(caller, 'hangup');
  expect((await waitForCallState(caller, 'ended')).reason).toBe('cancelled');
  const shown = await waitForCallState(callee, 'ended', 5_000);
  expect(shown.reason).toBe('missed');
  expect(shown.text).toBe('Missed voice call from @alice.');
  // Logged by the window as it ended (endedAt), not only when the ring arrived.
  expect(await waitForCallLog(pair.vault('bob').call, hungUp)).toMatchObject({
    handle: 'alice',
    direction: 'in',
    outcome: 'missed',
  });
  await closeAll(opened);

  const later = await placeCall(pair, opened, AUDIO_BUTTON);
  // Ringing a while first: the window closing is all Alice says.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const closed = Date.now();
  await later.caller.close();
  expect((await waitForCallState(later.callee, 'ended', 5_000)).reason).toBe('missed');
  expect(await waitForCallLog(pair.vault('bob').call, closed)).toMatchObject({
    handle: 'alice',
    outcome: 'missed',
  });
  // Bob's browser is free again: the next call rings, and Bob can still accept a call (the
  // ring's connection closing after Accept is no cancel).
  await closeAll(opened);
  const next = await placeCall(pair, opened, AUDIO_BUTTON);
  await acceptCall(next.caller, next.callee);
  await press(next.caller, 'hangup');
  await waitForCallState(next.callee, 'ended');
  await closeAll(opened);
}

describe.each(browsers.filter((name) => name === 'chromium'))('calls in %s', (browserName) => {
  let pair: Pair;
  const opened: TestPage[] = [];

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName, { fakeMedia: true });
    await pair.establish();
    await waitForPresence(pair.vault('bob').call);
    await waitForPresence(pair.vault('alice').call);
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  // Each test starts with no call window open, even after a failure.
  afterEach(async () => {
    for (const page of opened.splice(0)) await page.close().catch(() => {});
  });

  const aliceCallsBob = (button: string, nth: number) => placeCall(pair, opened, button, nth);

  const closeCallWindows = () => closeAll(opened);

  test('video: Bob rings, accepts; media flows both ways; the SAS matches; hang-up ends both', async () => {
    const { caller, callee } = await aliceCallsBob(VIDEO_BUTTON, 1);
    expect((await callShown(caller)).state).toBe('calling');
    // The window's text comes from _locales (a missing message would show its key).
    expect((await callShown(callee)).text).toBe('@alice is calling you (video call)');
    // No camera before Accept: the ringing window shows no preview and holds no device.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await callee.evaluate(() => document.querySelector('video.local') === null, null)).toBe(
      true,
    );
    expect((await callShown(callee)).state).toBe('ringing');
    // It rings with a system notification too, which Accept takes away.
    await waitForNotifications(pair, [callIdOf(callee)]);

    const [a, b] = await acceptCall(caller, callee);
    await waitForNotifications(pair, []);
    expect(a.sas).toMatch(/^(\S+ ){7}\S+$/u);
    expect(a.sas).toBe(b.sas);

    for (const page of [caller, callee]) {
      const { first, second } = await sampleMedia(page);
      expect(second.bytes).toBeGreaterThan(first.bytes);
      expect(second.frames).toBeGreaterThan(first.frames);
    }

    // Mute and camera off: pressed state for screen readers, the local tracks disabled.
    await press(caller, 'mute');
    await press(caller, 'camera');
    expect(
      await caller.evaluate(() => {
        const pressed = (name: string) =>
          document.querySelector(`button[data-sotto="${name}"]`)?.getAttribute('aria-pressed');
        const local = document.querySelector<HTMLVideoElement>('video.local')?.srcObject as
          | MediaStream
          | undefined;
        return {
          mute: pressed('mute'),
          camera: pressed('camera'),
          tracks: local
            ?.getTracks()
            .map((track) => `${track.kind}:${track.enabled}`)
            .sort(),
        };
      }, null),
    ).toEqual({ mute: 'true', camera: 'true', tracks: ['audio:false', 'video:false'] });

    await press(caller, 'hangup');
    await Promise.all([waitForCallState(caller, 'ended'), waitForCallState(callee, 'ended')]);
    expect((await callShown(callee)).reason).toBe('remote-hangup');
    const bobLog = await callLog(pair.vault('bob').call);
    expect(bobLog[0]).toMatchObject({ handle: 'alice', direction: 'in', outcome: 'answered' });
    const aliceLog = await callLog(pair.vault('alice').call);
    expect(aliceLog[0]).toMatchObject({ handle: 'bob', direction: 'out', outcome: 'answered' });
    await closeCallWindows();
  });

  test('audio: connects with audio flowing and the same SAS on both sides', async () => {
    const { caller, callee } = await aliceCallsBob(AUDIO_BUTTON, 1);
    const [a, b] = await acceptCall(caller, callee);
    expect(a.sas).toBe(b.sas);
    // Audio only: no video element, the contact shown instead; bytes still flow.
    expect(await callee.evaluate(() => document.querySelectorAll('video').length, null)).toBe(0);
    for (const page of [caller, callee]) {
      const { first, second } = await sampleMedia(page);
      expect(second.bytes).toBeGreaterThan(first.bytes);
    }
    // Bob hangs up this time.
    await press(callee, 'hangup');
    await Promise.all([waitForCallState(caller, 'ended'), waitForCallState(callee, 'ended')]);
    await closeCallWindows();
  });

  test('busy: a second call while one is live is answered busy and never rings', () =>
    checkBusy(pair, opened));

  test('decline: Alice is told, both windows say so', () =>
    checkDecline(pair, opened, { notifications: true }));

  test('Bob closes the ringing window at once: Alice is told it was declined, not left calling', () =>
    checkRingingWindowClosed(pair, opened));

  test('Alice hangs up or closes her window before Bob answers: his window stops ringing at once', () =>
    checkCallerCancels(pair, opened));

  // Closing the window is how many people end a call: the other side must not be left
  // talking to nobody, and both logs must still record the call.
  for (const closing of ['callee', 'caller'] as const) {
    const other = closing === 'callee' ? 'caller' : 'callee';
    test(`the ${closing} closes their window mid-call: the ${other} ends too; both log the call`, async () => {
      const windows = await aliceCallsBob(AUDIO_BUTTON, 1);
      await acceptCall(windows.caller, windows.callee);
      const closedAt = Date.now();
      await windows[closing].close();
      const shown = await waitForCallState(windows[other], 'ended');
      // The closing window says goodbye as it goes (pagehide): a hang-up, not a lost line.
      expect(shown.reason).toBe('remote-hangup');
      const survivor = closing === 'callee' ? 'alice' : 'bob';
      const log = await callLog(pair.vault(survivor).call);
      expect(log[0]).toMatchObject({
        handle: survivor === 'alice' ? 'bob' : 'alice',
        direction: survivor === 'alice' ? 'out' : 'in',
        outcome: 'answered',
      });
      expect(log[0]!.endedAt).toBeGreaterThanOrEqual(closedAt);
      // The window that closed logged the call too, as it went.
      const closer = survivor === 'alice' ? 'bob' : 'alice';
      let closerLog = await callLog(pair.vault(closer).call);
      for (let tries = 0; tries < 50 && !((closerLog[0]?.endedAt ?? 0) >= closedAt); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        closerLog = await callLog(pair.vault(closer).call);
      }
      expect(closerLog[0]).toMatchObject({
        handle: survivor,
        direction: closer === 'alice' ? 'out' : 'in',
        outcome: 'answered',
      });
      expect(closerLog[0]!.endedAt).toBeGreaterThanOrEqual(closedAt);
      await closeCallWindows();
    });
  }

  test('relay: with only a TURN server (coturn) configured, media flows through the relay', async () => {
    const turn = await startTurnServer();
    try {
      for (const who of ['alice', 'bob'] as const) {
        const set = await pair.vault(who).call('settings.set', { iceServers: [TURN_SERVER] });
        expect(set.ok).toBe(true);
      }
      const { caller, callee } = await aliceCallsBob(VIDEO_BUTTON, 1);
      await acceptCall(caller, callee);
      for (const page of [caller, callee]) {
        const { first, second } = await sampleMedia(page);
        expect(second.bytes).toBeGreaterThan(first.bytes);
        expect(second.frames).toBeGreaterThan(first.frames);
        expect(
          await page.evaluate(
            () =>
              document
                .querySelector('[data-sotto="call-quality"]')
                ?.getAttribute('data-sotto-route'),
            null,
          ),
        ).toBe('relay');
      }
      await press(caller, 'hangup');
      await waitForCallState(callee, 'ended');
    } finally {
      for (const who of ['alice', 'bob'] as const) {
        await pair.vault(who).call('settings.set', { iceServers: null });
      }
      await turn.stop();
    }
  });

  test('a PeerServer outage: "can\'t reach the call server", and both sides recover when it returns', async () => {
    await peerServer.stop();
    const bob = pair.vault('bob').call;
    const offline = await waitForPresence(bob, 'offline');
    expect(await pair.vault('bob').translate(offline.detail!)).toContain(
      "Can't reach the call server",
    );
    const page = pair.page('alice');
    await page.bringToFront();
    await clickDeep(page, AUDIO_BUTTON);
    const caller = await waitForCallPage(pair.browser('alice'), 'caller');
    opened.push(caller);
    const failed = await waitForCallState(caller, 'failed');
    expect(failed.reason).toBe('server');
    expect(failed.text).toContain("Can't reach the call server");

    await peerServer.start();
    await waitForPresence(bob, 'connected', 30_000);
    await waitForPresence(pair.vault('alice').call, 'connected', 30_000);
    // "Try again" in the same window places the call.
    await press(caller, 'retry-call');
    const callee = await waitForCallPage(pair.browser('bob'), 'callee');
    opened.push(callee);
    await waitForCallState(callee, 'ringing');
    await press(callee, 'decline-call');
    await waitForCallState(caller, 'declined');
  }, 90_000);

  test('a ring signed by the wrong key and a ring from a stranger never ring, and are counted', async () => {
    const bob = pair.vault('bob');
    const before = await presenceStatus(bob.call);
    const config = await bob.call('presence.config', {});
    const address = (config.value as { address: string }).address;
    // Alice's identity key, as Bob pinned it (her own call.prepare tells her own key), and
    // Bob's, as she pinned it: the ring must name Bob.
    const ticket = await pair
      .vault('alice')
      .call('call.prepare', { handle: 'bob', media: 'audio', peerId: newPeerId() });
    const aliceKey = fromHex((ticket.value as { ownKey: string }).ownKey)!;
    const bobKey = fromHex((ticket.value as { peerKey: string }).peerKey)!;
    const mallory = ed25519KeyPair(systemRandom);
    const ring = (callerKey: Uint8Array) =>
      createRing(
        {
          callerKey,
          callId: newCallId(),
          media: 'audio',
          timestamp: Date.now(),
          peerId: newPeerId(),
          calleeKey: bobKey,
          calleeAddress: address,
        },
        mallory.secret,
      )!;
    // Mallory rings from a blank page in Alice's browser, straight to Bob's presence address.
    const page = await pair.browser('alice').newPage();
    await page.evaluate(
      (code: string) => {
        const script = document.createElement('script');
        script.textContent = code;
        document.documentElement.append(script);
      },
      readFileSync('node_modules/peerjs/dist/peerjs.min.js', 'utf8'),
    );
    const answers = await page.evaluate(
      async ([to, rings, port]: [string, string[], number]) => {
        const { Peer } = (
          globalThis as unknown as {
            peerjs: { Peer: new (id: string, options: unknown) => MalloryPeer };
          }
        ).peerjs;
        const peer = new Peer('mallory', {
          host: '127.0.0.1',
          port,
          path: '/peerjs',
          secure: false,
          config: { iceServers: [] },
        });
        await new Promise((resolve) => peer.on('open', () => resolve(null)));
        const results: string[] = [];
        for (const ring of rings) {
          results.push(
            await new Promise<string>((resolve) => {
              const conn = peer.connect(to, { serialization: 'json' });
              conn.on('open', () => conn.send({ t: 'ring', ring }));
              conn.on('data', (data: { t: string }) => resolve(`answered:${data.t}`));
              conn.on('close', () => resolve('closed'));
              setTimeout(() => resolve('timeout'), 12_000);
            }),
          );
        }
        peer.destroy();
        return results;
      },
      // The test's own PeerServer (SOTTO_E2E_PEER_PORT may move it off 9000).
      [address, [ring(aliceKey), ring(mallory.public)], PEER_SERVER.port] as [
        string,
        string[],
        number,
      ],
    );
    await page.close();
    expect(answers).toEqual(['closed', 'closed']);
    expect((await presenceStatus(bob.call)).droppedRings).toBe(before.droppedRings + 2);
    expect(await callWindowCount(pair.browser('bob'), 'callee')).toBe(0);
    // Chrome stops an idle worker at will: the count is kept for as long as the browser runs.
    await pair.browser('bob').stopBackground!();
    expect((await presenceStatus(bob.call)).droppedRings).toBe(before.droppedRings + 2);
  });

  test('peer ids reveal nothing about handles', () => {
    expect(peerServer.ids.length).toBeGreaterThan(4);
    const ours = peerServer.ids.filter((id) => id !== 'mallory');
    expect(ours.filter((id) => !/^[0-9a-f]{32}$/.test(id))).toEqual([]);
  });

  test('missed: unanswered for 45 s, both sides end and Bob logs a missed call', async () => {
    const { caller, callee } = await aliceCallsBob(VIDEO_BUTTON, 1);
    const [a, b] = await Promise.all([
      waitForCallState(caller, 'ended', 60_000),
      waitForCallState(callee, 'ended', 60_000),
    ]);
    expect(b.reason).toBe('missed');
    expect(a.reason).toBe('no-answer');
    const bobLog = await callLog(pair.vault('bob').call);
    expect(bobLog[0]).toMatchObject({ handle: 'alice', direction: 'in', outcome: 'missed' });
    await closeCallWindows();
  }, 90_000);
});

// Firefox: presence runs in the MV2 background page; an audio call end to end.
describe.each(browsers.filter((name) => name === 'firefox'))('calls in %s', (browserName) => {
  let pair: Pair;
  const opened: TestPage[] = [];

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName, { fakeMedia: true });
    await pair.establish();
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  afterEach(async () => {
    for (const page of opened.splice(0)) await page.close().catch(() => {});
  });

  test('presence connects from the background page on both sides', async () => {
    await waitForPresence(pair.vault('bob').call);
    await waitForPresence(pair.vault('alice').call);
  });

  test('busy: a second call while one is live is answered busy and never rings', () =>
    checkBusy(pair, opened));

  test('decline: Alice is told, both windows say so', () => checkDecline(pair, opened));

  test('Bob closes the ringing window at once: Alice is told it was declined, not left calling', () =>
    checkRingingWindowClosed(pair, opened));

  test('Alice hangs up or closes her window before Bob answers: his window stops ringing at once', () =>
    checkCallerCancels(pair, opened));

  test('audio: Bob rings, accepts; audio flows; the SAS matches; hang-up ends both', async () => {
    const { caller, callee } = await placeCall(pair, opened, AUDIO_BUTTON);
    const [a, b] = await acceptCall(caller, callee);
    expect(a.sas).toMatch(/^(\S+ ){7}\S+$/u);
    expect(a.sas).toBe(b.sas);
    for (const side of [caller, callee]) {
      const { first, second } = await sampleMedia(side);
      expect(second.bytes).toBeGreaterThan(first.bytes);
    }
    await press(caller, 'hangup');
    await Promise.all([waitForCallState(caller, 'ended'), waitForCallState(callee, 'ended')]);
  });
});

// Across browsers: Alice in Firefox calls Bob in Chromium (both selected browsers needed).
describe.each(browsers.includes('chromium') && browsers.includes('firefox') ? ['firefox'] : [])(
  'a call from %s to chromium',
  (browserName) => {
    let pair: Pair;
    const opened: TestPage[] = [];

    beforeAll(async () => {
      fixture.reset();
      pair = await Pair.open(fixture, browserName as 'firefox', {
        fakeMedia: true,
        bobBrowser: 'chromium',
      });
      await pair.establish();
    }, 120_000);

    afterAll(async () => {
      for (const page of opened.splice(0)) await page.close().catch(() => {});
      await pair?.close();
    });

    test('video: rings in Chromium, connects, media flows both ways, same SAS, hang-up ends both', async () => {
      const { caller, callee } = await placeCall(pair, opened, VIDEO_BUTTON);
      const [a, b] = await acceptCall(caller, callee);
      expect(a.sas).toBe(b.sas);
      for (const side of [caller, callee]) {
        const { first, second } = await sampleMedia(side);
        expect(second.bytes).toBeGreaterThan(first.bytes);
        expect(second.frames).toBeGreaterThan(first.frames);
      }
      await press(callee, 'hangup');
      await Promise.all([waitForCallState(caller, 'ended'), waitForCallState(callee, 'ended')]);
    });
  },
);
