import { describe, expect, test } from 'vitest';
import { callDefaultsFromEnv, SHIPPED_CALL_DEFAULTS } from '../../../lib/config/build-defaults';
import { inEnglish } from '../../../lib/i18n/english';

describe('callDefaultsFromEnv', () => {
  test('unset or empty variables give the shipped defaults', () => {
    expect(callDefaultsFromEnv({})).toEqual({ ok: true, value: SHIPPED_CALL_DEFAULTS });
    expect(callDefaultsFromEnv({ SOTTO_SIGNALING_URL: '  ', SOTTO_ICE_SERVERS: '' })).toEqual({
      ok: true,
      value: SHIPPED_CALL_DEFAULTS,
    });
  });

  test('valid values are taken, normalised', () => {
    const result = callDefaultsFromEnv({
      SOTTO_SIGNALING_URL: 'http://127.0.0.1:9000/peerjs',
      SOTTO_ICE_SERVERS:
        '[{"urls":"stun:127.0.0.1:3478"},{"urls":["turn:127.0.0.1:3478"],"username":"u","credential":"p"}]',
    });
    expect(result).toEqual({
      ok: true,
      value: {
        signalingUrl: 'http://127.0.0.1:9000/peerjs',
        iceServers: [
          { urls: 'stun:127.0.0.1:3478' },
          { urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'p' },
        ],
      },
    });
  });

  test.each([
    [{ SOTTO_SIGNALING_URL: 'not a url' }, 'SOTTO_SIGNALING_URL: "not a url" is not a URL'],
    [{ SOTTO_SIGNALING_URL: 'ftp://peer.example/peerjs' }, 'must start with https:// or http://'],
    [{ SOTTO_SIGNALING_URL: 'https://u:p@peer.example/' }, 'must not contain credentials'],
    [{ SOTTO_ICE_SERVERS: '{nope' }, 'SOTTO_ICE_SERVERS: is not valid JSON'],
    [{ SOTTO_ICE_SERVERS: '{"urls":"stun:a"}' }, 'must be a JSON array'],
    [{ SOTTO_ICE_SERVERS: '[42]' }, 'entry 0 must be an object'],
    [{ SOTTO_ICE_SERVERS: '[{"urls":"http://a"}]' }, 'entry 0: "urls" must be'],
    [{ SOTTO_ICE_SERVERS: '[{"urls":[]}]' }, 'entry 0: "urls" must be'],
    [{ SOTTO_ICE_SERVERS: '[{"urls":"stun:a","extra":1}]' }, 'unknown field(s): extra'],
    [{ SOTTO_ICE_SERVERS: '[{"urls":"turn:a"}]' }, 'TURN servers need "username" and "credential"'],
    [{ SOTTO_ICE_SERVERS: '[{"urls":"stun:a","username":5}]' }, '"username" must be a string'],
  ])('%j is rejected with a message naming the problem', (env, message) => {
    const result = callDefaultsFromEnv(env);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(`${result.variable}: ${inEnglish(result.error)}`).toContain(message);
  });
});
