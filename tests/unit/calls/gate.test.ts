// The media gate: no media either way until the peer's signed fingerprint binding verified,
// and a binding that never comes (or comes wrong) fails the call.
import { describe, expect, test } from 'vitest';
import {
  BINDING_WAIT_MS,
  CALL_SETUP_LIMIT_MS,
  type GateTrack,
  MediaGate,
} from '../../../lib/calls/gate';

/** A manual clock: timers fire only when the test advances it. */
class Timers {
  now = 0;
  #next = 1;
  #pending = new Map<number, { at: number; fn: () => void }>();
  set = (fn: () => void, ms: number): unknown => {
    const id = this.#next++;
    this.#pending.set(id, { at: this.now + ms, fn });
    return id;
  };
  clear = (handle: unknown): void => {
    this.#pending.delete(handle as number);
  };
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.#pending]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
  get count(): number {
    return this.#pending.size;
  }
}

function setup() {
  const timers = new Timers();
  const tracks: GateTrack[] = [
    { kind: 'audio', enabled: true },
    { kind: 'video', enabled: true },
  ];
  const events: string[] = [];
  let shown: string | null = null;
  const gate = new MediaGate<string>({
    localTracks: () => tracks,
    verified: (theirs) => events.push(`verified:${theirs}`),
    showRemote: (remote) => {
      shown = remote;
      events.push(`remote:${remote}`);
    },
    failed: () => events.push('failed'),
    setTimeout: timers.set,
    clearTimeout: timers.clear,
  });
  const enabled = () => tracks.map((t) => `${t.kind}:${t.enabled}`);
  return { gate, timers, tracks, events, enabled, shown: () => shown };
}

const GOOD = 'good-signature';
const check = (signature: string) => signature === GOOD;

describe('the media gate', () => {
  test('local tracks stay disabled and the remote stream unattached until a valid binding', () => {
    const { gate, events, enabled, shown, timers } = setup();
    gate.localChanged();
    expect(enabled()).toEqual(['audio:false', 'video:false']);
    gate.answered();
    gate.remoteArrived('their-stream');
    gate.expectBinding();
    timers.advance(1000);
    expect(shown()).toBeNull();
    // Their binding can arrive before we know our own view: still closed.
    gate.theirs(GOOD);
    expect(gate.state).toBe('closed');
    expect(enabled()).toEqual(['audio:false', 'video:false']);
    expect(shown()).toBeNull();
    gate.ourView(check);
    expect(gate.state).toBe('open');
    expect(enabled()).toEqual(['audio:true', 'video:true']);
    expect(events).toEqual([`verified:${GOOD}`, 'remote:their-stream']);
    // No timer is left to fail a verified call.
    expect(timers.count).toBe(0);
    timers.advance(CALL_SETUP_LIMIT_MS * 2);
    expect(gate.state).toBe('open');
  });

  test('no binding within 5 s of media connecting fails the call', () => {
    const { gate, events, enabled, shown, timers } = setup();
    gate.localChanged();
    gate.answered();
    gate.remoteArrived('their-stream');
    gate.expectBinding();
    gate.ourView(check);
    timers.advance(BINDING_WAIT_MS - 1);
    expect(gate.state).toBe('closed');
    timers.advance(1);
    expect(gate.state).toBe('failed');
    expect(events).toEqual(['failed']);
    expect(enabled()).toEqual(['audio:false', 'video:false']);
    expect(shown()).toBeNull();
    // A binding that arrives late changes nothing.
    gate.theirs(GOOD);
    expect(gate.state).toBe('failed');
    expect(events).toEqual(['failed']);
  });

  test('it says when a security check is under way: from the binding being due until it decides', () => {
    const verifiedCall = setup();
    expect(verifiedCall.gate.checking).toBe(false);
    verifiedCall.gate.answered();
    expect(verifiedCall.gate.checking).toBe(false); // ringing and setting up: nothing due yet
    verifiedCall.gate.expectBinding();
    expect(verifiedCall.gate.checking).toBe(true);
    verifiedCall.gate.ourView(check);
    verifiedCall.gate.theirs(GOOD);
    expect(verifiedCall.gate.checking).toBe(false);
    const failedCall = setup();
    failedCall.gate.expectBinding();
    failedCall.gate.fail();
    expect(failedCall.gate.checking).toBe(false);
  });

  test('the deadline runs from the first of "media up" and "ours sent"', () => {
    const { gate, timers } = setup();
    gate.expectBinding();
    timers.advance(3000);
    gate.expectBinding();
    timers.advance(BINDING_WAIT_MS - 3000);
    expect(gate.state).toBe('failed');
  });

  test('a bad binding fails at once, and a good one after it does not rescue the call', () => {
    const { gate, events, enabled, shown } = setup();
    gate.localChanged();
    gate.remoteArrived('their-stream');
    gate.expectBinding();
    gate.ourView(check);
    gate.theirs('forged');
    expect(gate.state).toBe('failed');
    gate.theirs(GOOD);
    expect(gate.state).toBe('failed');
    expect(events).toEqual(['failed']);
    expect(enabled()).toEqual(['audio:false', 'video:false']);
    expect(shown()).toBeNull();
  });

  test('media that never connects after the answer fails once the setup limit passes', () => {
    const { gate, events, timers } = setup();
    gate.answered();
    timers.advance(CALL_SETUP_LIMIT_MS);
    expect(events).toEqual(['failed']);
  });

  test('our own side unable to bind fails the same way', () => {
    const { gate, events } = setup();
    gate.fail();
    gate.fail();
    expect(events).toEqual(['failed']);
  });

  test('mute and camera off are kept while closed and applied once open; a new track follows', () => {
    const { gate, tracks, enabled } = setup();
    gate.setOff('audio', true);
    expect(enabled()).toEqual(['audio:false', 'video:false']);
    gate.theirs(GOOD);
    gate.ourView(check);
    expect(enabled()).toEqual(['audio:false', 'video:true']);
    gate.setOff('audio', false);
    gate.setOff('video', true);
    expect(enabled()).toEqual(['audio:true', 'video:false']);
    // A switched camera comes in enabled; the gate applies what the person chose.
    tracks[1] = { kind: 'video', enabled: true };
    gate.localChanged();
    expect(enabled()).toEqual(['audio:true', 'video:false']);
    expect(gate.enabledFor('audio')).toBe(true);
    expect(gate.enabledFor('video')).toBe(false);
  });

  test('the remote stream arriving after verification is shown at once', () => {
    const { gate, shown } = setup();
    gate.theirs(GOOD);
    gate.ourView(check);
    expect(shown()).toBeNull();
    gate.remoteArrived('late-stream');
    expect(shown()).toBe('late-stream');
  });

  test('stop() leaves no timer behind', () => {
    const { gate, events, timers } = setup();
    gate.answered();
    gate.expectBinding();
    gate.stop();
    timers.advance(CALL_SETUP_LIMIT_MS * 2);
    expect(events).toEqual([]);
  });
});
