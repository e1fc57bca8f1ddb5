// The vault trusts nothing a page sends: each call request's input guard, with good and bad
// inputs. Only extension pages may make call requests (never the x.com content script).
import { describe, expect, test } from 'vitest';
import { ALLOWED_CALLERS } from '../../../lib/rpc/protocol';
import { INPUT_GUARDS } from '../../../lib/rpc/validate';

const HEX = 'ab'.repeat(16);
const FP = { algorithm: 'sha-256', value: Array(32).fill('AB').join(':') };

describe('call request guards', () => {
  test('accept well-formed inputs', () => {
    expect(INPUT_GUARDS['call.prepare']({ handle: 'bob', media: 'video', peerId: HEX })).toBe(true);
    expect(INPUT_GUARDS['call.bind']({ callId: HEX, own: FP, peer: FP })).toBe(true);
    expect(INPUT_GUARDS['call.ring']({ ring: 'AAAA' })).toBe(true);
    expect(INPUT_GUARDS['call.incoming']({ callId: HEX })).toBe(true);
    expect(
      INPUT_GUARDS['call.record']({
        id: HEX,
        handle: 'alice',
        direction: 'in',
        media: 'audio',
        startedAt: 1,
        endedAt: null,
        outcome: 'missed',
      }),
    ).toBe(true);
    expect(INPUT_GUARDS['calls.log']({ limit: 20 })).toBe(true);
    expect(INPUT_GUARDS['presence.status']({})).toBe(true);
  });

  test('refuse anything else', () => {
    const bad: [keyof typeof INPUT_GUARDS, unknown][] = [
      ['call.prepare', { handle: 'bob', media: 'screen', peerId: HEX }],
      ['call.prepare', { handle: 'bob', media: 'video', peerId: 'bob' }],
      ['call.prepare', { handle: 'not a handle!', media: 'video', peerId: HEX }],
      ['call.prepare', { handle: 'bob', media: 'video', peerId: HEX, extra: 1 }],
      ['call.bind', { callId: HEX, own: { ...FP, value: 'zz' }, peer: FP }],
      ['call.bind', { callId: HEX, own: { ...FP, extra: 1 }, peer: FP }],
      ['call.bind', { callId: HEX.toUpperCase(), own: FP, peer: FP }],
      ['call.ring', { ring: 'x'.repeat(401) }],
      ['call.ring', { ring: 42 }],
      ['call.incoming', { callId: '../etc' }],
      [
        'call.record',
        {
          id: HEX,
          handle: 'a',
          direction: 'in',
          media: 'audio',
          startedAt: 1,
          endedAt: null,
          outcome: 'won',
        },
      ],
      ['calls.log', { limit: 0 }],
      ['calls.log', { limit: 10_000 }],
      ['presence.config', { address: HEX }],
    ];
    for (const [type, input] of bad) expect(INPUT_GUARDS[type](input as never), type).toBe(false);
  });

  test('only extension pages may ask', () => {
    for (const type of [
      'call.prepare',
      'call.bind',
      'call.ring',
      'call.incoming',
      'call.record',
      'calls.log',
      'presence.config',
      'presence.status',
    ] as const) {
      expect(ALLOWED_CALLERS[type]).toEqual(['page']);
    }
  });
});
