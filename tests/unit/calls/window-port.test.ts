// What the background learns from a call window's port: which ringing call a window that
// went away had left unanswered, and how a caller recognises the relayed "declined".
import { describe, expect, test } from 'vitest';
import { isRelayedDecline } from '../../../lib/calls/messages';
import {
  CallWindowTracker,
  readCallWindowCommand,
  readCallWindowReport,
} from '../../../lib/calls/window-port';

const CALL_ID = 'ab'.repeat(16);

describe('call window reports', () => {
  test('a ringing window that goes without answering leaves its call abandoned', () => {
    const tracker = new CallWindowTracker();
    expect(tracker.abandoned()).toBeNull();
    tracker.report({ t: 'ringing', callId: CALL_ID });
    expect(tracker.abandoned()).toBe(CALL_ID);
  });

  test('an accepted or finished call is the window’s own business', () => {
    for (const end of ['accepted', 'finished'] as const) {
      const tracker = new CallWindowTracker();
      tracker.report({ t: 'ringing', callId: CALL_ID });
      tracker.report({ t: end });
      expect(tracker.abandoned()).toBeNull();
    }
  });

  test('a caller’s window (never ringing) is never abandoned', () => {
    const tracker = new CallWindowTracker();
    tracker.report({ t: 'finished' });
    expect(tracker.abandoned()).toBeNull();
  });

  test('malformed reports are ignored', () => {
    for (const junk of [
      null,
      'ringing',
      { t: 'ringing' },
      { t: 'ringing', callId: 'not-hex' },
      { t: 'ringing', callId: CALL_ID.toUpperCase() },
      { t: 'hangup' },
      [],
    ]) {
      expect(readCallWindowReport(junk)).toBeNull();
      const tracker = new CallWindowTracker();
      tracker.report({ t: 'ringing', callId: CALL_ID });
      tracker.report(junk);
      expect(tracker.abandoned()).toBe(CALL_ID);
    }
  });

  test('a caller’s cancel reaches only a window that rings unanswered for that call', () => {
    const tracker = new CallWindowTracker();
    expect(tracker.ringing()).toBeNull();
    tracker.report({ t: 'ringing', callId: CALL_ID });
    expect(tracker.ringing()).toBe(CALL_ID);
    tracker.report({ t: 'accepted' });
    expect(tracker.ringing()).toBeNull();
    expect(readCallWindowCommand({ t: 'cancel' })).toEqual({ t: 'cancel' });
    for (const junk of [null, 'cancel', { t: 'hangup' }, { t: 'accept' }, []]) {
      expect(readCallWindowCommand(junk)).toBeNull();
    }
  });

  test('a relayed decline must name this call', () => {
    expect(isRelayedDecline({ callId: CALL_ID, t: 'decline' }, CALL_ID)).toBe(true);
    expect(isRelayedDecline({ callId: 'cd'.repeat(16), t: 'decline' }, CALL_ID)).toBe(false);
    expect(isRelayedDecline({ callId: CALL_ID }, CALL_ID)).toBe(false);
    expect(isRelayedDecline({ callId: CALL_ID, t: 'accept' }, CALL_ID)).toBe(false);
    expect(isRelayedDecline(undefined, CALL_ID)).toBe(false);
  });
});
