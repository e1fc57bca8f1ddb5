import { describe, expect, test } from 'vitest';
import type { CallDefaults } from '../../../lib/config/build-defaults';
import {
  applySettingsChange,
  effectiveSettings,
  MAX_ICE_SERVERS,
  readStoredSettings,
} from '../../../lib/config/settings';
import { inEnglish } from '../../../lib/i18n/english';

const DEFAULTS: CallDefaults = {
  signalingUrl: 'http://127.0.0.1:9000/peerjs',
  iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
};

describe('effective settings', () => {
  test('nothing stored: the build defaults, do-not-disturb off', () => {
    expect(effectiveSettings(DEFAULTS, {})).toEqual({
      ...DEFAULTS,
      doNotDisturb: false,
      defaults: DEFAULTS,
      custom: { signalingUrl: false, iceServers: false },
    });
  });

  test('stored overrides win, and say so', () => {
    const view = effectiveSettings(DEFAULTS, {
      signalingUrl: 'https://peer.example.org/peerjs',
      doNotDisturb: true,
    });
    expect(view.signalingUrl).toBe('https://peer.example.org/peerjs');
    expect(view.iceServers).toEqual(DEFAULTS.iceServers);
    expect(view.doNotDisturb).toBe(true);
    expect(view.custom).toEqual({ signalingUrl: true, iceServers: false });
  });
});

describe('a settings change', () => {
  test('valid values are stored normalised; null goes back to the default', () => {
    const set = applySettingsChange(
      {},
      {
        signalingUrl: ' https://Peer.Example.org/peerjs ',
        iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }],
        doNotDisturb: true,
      },
    );
    expect(set).toEqual({
      ok: true,
      value: {
        signalingUrl: 'https://peer.example.org/peerjs',
        iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }],
        doNotDisturb: true,
      },
    });
    if (!set.ok) return;
    const reset = applySettingsChange(set.value, { signalingUrl: null, iceServers: null });
    expect(reset).toEqual({ ok: true, value: { doNotDisturb: true } });
  });

  test('a bad signaling URL is refused, naming the field, and nothing changes', () => {
    const before = { doNotDisturb: false };
    const result = applySettingsChange(before, { signalingUrl: 'ftp://x', doNotDisturb: true });
    expect(result).toMatchObject({ ok: false, field: 'signalingUrl' });
    expect(before).toEqual({ doNotDisturb: false });
  });

  test('bad ICE servers are refused with the reason', () => {
    const turnWithoutCredential = applySettingsChange({}, { iceServers: [{ urls: 'turn:h:1' }] });
    expect(turnWithoutCredential).toMatchObject({ ok: false, field: 'iceServers' });
    if (!turnWithoutCredential.ok) {
      expect(inEnglish(turnWithoutCredential.error)).toContain('username');
    }
    const tooMany = Array.from({ length: MAX_ICE_SERVERS + 1 }, () => ({ urls: 'stun:h:1' }));
    expect(applySettingsChange({}, { iceServers: tooMany })).toMatchObject({
      ok: false,
      field: 'iceServers',
    });
    expect(
      applySettingsChange({}, { iceServers: [{ urls: 'http://not-ice' }] as never }),
    ).toMatchObject({ ok: false, field: 'iceServers' });
  });
});

describe('reading what is stored', () => {
  test('a valid record round-trips', () => {
    const stored = {
      signalingUrl: 'https://peer.example.org/peerjs',
      iceServers: [{ urls: ['stun:a:1', 'stun:b:2'] }],
      doNotDisturb: true,
    };
    expect(readStoredSettings(stored)).toEqual(stored);
  });

  test('invalid fields are dropped so the defaults take their place', () => {
    expect(readStoredSettings(null)).toEqual({});
    expect(readStoredSettings([1, 2])).toEqual({});
    expect(
      readStoredSettings({
        signalingUrl: 'javascript:alert(1)',
        iceServers: 'stun:a:1',
        doNotDisturb: 'yes',
      }),
    ).toEqual({});
  });
});
