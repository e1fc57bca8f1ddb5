import { describe, expect, test } from 'vitest';
import { peerJsOptions, reconnectDelay, transportPolicyFor } from '../../../lib/calls/peer-options';

describe('PeerJS options from settings', () => {
  test('secure, host, port and path come from the signaling URL, never PeerJS defaults', () => {
    expect(
      peerJsOptions({ signalingUrl: 'https://peer.example.org/peerjs', iceServers: [] }),
    ).toMatchObject({
      host: 'peer.example.org',
      port: 443,
      path: '/peerjs',
      secure: true,
      config: { iceServers: [], iceTransportPolicy: 'all' },
    });
    expect(
      peerJsOptions({ signalingUrl: 'http://127.0.0.1:9000/peerjs', iceServers: [] }),
    ).toMatchObject({
      host: '127.0.0.1',
      port: 9000,
      secure: false,
    });
    expect(peerJsOptions({ signalingUrl: 'ftp://x', iceServers: [] })).toBeNull();
    expect(peerJsOptions({ signalingUrl: 'not a url', iceServers: [] })).toBeNull();
  });

  test('only TURN servers configured means relay only; any STUN keeps direct paths', () => {
    const turn = { urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' };
    expect(transportPolicyFor([turn])).toBe('relay');
    expect(transportPolicyFor([{ ...turn, urls: ['turn:a:1', 'turns:b:2'] }])).toBe('relay');
    expect(transportPolicyFor([turn, { urls: 'stun:127.0.0.1:3478' }])).toBe('all');
    expect(transportPolicyFor([])).toBe('all');
    const options = peerJsOptions({ signalingUrl: 'https://p.example/', iceServers: [turn] });
    expect(options?.config).toEqual({ iceServers: [turn], iceTransportPolicy: 'relay' });
  });

  test('reconnects back off from 1 s to 60 s, never faster than once a second', () => {
    const delays = Array.from({ length: 12 }, (_, n) => reconnectDelay(n, () => 0));
    expect(delays[0]).toBe(1000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...Array.from({ length: 12 }, (_, n) => reconnectDelay(n, () => 1)))).toBe(
      75_000,
    );
    for (let n = 1; n < delays.length; n++)
      expect(delays[n]).toBeGreaterThanOrEqual(delays[n - 1]!);
  });
});
