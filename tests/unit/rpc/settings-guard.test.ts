import { describe, expect, test } from 'vitest';
import { INPUT_GUARDS } from '../../../lib/rpc/validate';

describe('settings.set input guard', () => {
  const guard = INPUT_GUARDS['settings.set'];

  test('accepts any non-empty subset of the known fields', () => {
    expect(guard({ doNotDisturb: true })).toBe(true);
    expect(guard({ signalingUrl: 'https://a.example/peerjs', iceServers: [] })).toBe(true);
    expect(guard({ signalingUrl: null, iceServers: null })).toBe(true);
  });

  test('refuses unknown fields, wrong kinds and empty changes', () => {
    expect(guard({})).toBe(false);
    expect(guard(null)).toBe(false);
    expect(guard([])).toBe(false);
    expect(guard({ doNotDisturb: 'yes' })).toBe(false);
    expect(guard({ signalingUrl: 42 })).toBe(false);
    expect(guard({ iceServers: 'stun:a:1' })).toBe(false);
    expect(guard({ doNotDisturb: true, extra: 1 })).toBe(false);
    expect(guard({ signalingUrl: 'x'.repeat(2049) })).toBe(false);
  });
});
