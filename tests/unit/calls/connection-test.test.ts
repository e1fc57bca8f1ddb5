import { describe, expect, test } from 'vitest';
import {
  type CheckResult,
  type ConnectionTestDeps,
  serversOfKind,
  testConnection,
} from '../../../lib/calls/connection-test';

/** A PeerJS stand-in that opens, fails or stays silent. */
function fakePeer(outcome: 'open' | { error: string } | 'silent') {
  const created: unknown[] = [];
  let destroyed = 0;
  const createPeer = (options: unknown) => {
    created.push(options);
    const listeners: Record<string, (arg: unknown) => void> = {};
    setTimeout(() => {
      if (outcome === 'open') listeners.open?.('id-1');
      else if (outcome !== 'silent') listeners.error?.({ type: outcome.error });
    }, 0);
    return {
      on(event: string, listener: (arg: unknown) => void) {
        listeners[event] = listener;
        return this;
      },
      destroy: () => {
        destroyed++;
      },
    };
  };
  return {
    createPeer: createPeer as unknown as ConnectionTestDeps['createPeer'],
    created,
    destroyed: () => destroyed,
  };
}

/** An RTCPeerConnection stand-in that "gathers" the given candidate types, then ends. */
function fakePeerConnection(typesFor: (config: RTCConfiguration) => string[]) {
  const configs: RTCConfiguration[] = [];
  let closed = 0;
  const create = (config: RTCConfiguration) => {
    configs.push(config);
    let listener: ((event: { candidate: unknown }) => void) | undefined;
    return {
      addEventListener: (_: string, l: typeof listener) => {
        listener = l;
      },
      createDataChannel: () => ({}),
      createOffer: async () => ({ type: 'offer', sdp: '' }),
      setLocalDescription: async () => {
        setTimeout(() => {
          for (const type of typesFor(config)) {
            listener?.({
              candidate: { type, candidate: `candidate:1 1 udp 1 192.0.2.1 9 typ ${type}` },
            });
          }
          listener?.({ candidate: null });
        }, 0);
      },
      close: () => {
        closed++;
      },
    } as unknown as RTCPeerConnection;
  };
  return { create, configs, closed: () => closed };
}

const SETTINGS = {
  signalingUrl: 'https://peer.example.org:8443/peerjs',
  iceServers: [
    {
      urls: ['stun:stun.example.org:3478', 'turn:turn.example.org:3478'],
      username: 'u',
      credential: 'p',
    },
  ],
};

describe('ICE servers by kind', () => {
  test('servers split by kind keep their credentials with their URLs', () => {
    expect(serversOfKind(SETTINGS.iceServers, 'stun')).toEqual([
      { urls: ['stun:stun.example.org:3478'], username: 'u', credential: 'p' },
    ]);
    expect(serversOfKind(SETTINGS.iceServers, 'turn')).toEqual([
      { urls: ['turn:turn.example.org:3478'], username: 'u', credential: 'p' },
    ]);
    expect(serversOfKind([{ urls: 'stun:a:1' }], 'turn')).toEqual([]);
  });
});

describe('the connection test', () => {
  test('all three pass: open, a server-reflexive and a relay candidate; each reported as it ends', async () => {
    const peer = fakePeer('open');
    const pc = fakePeerConnection((config) =>
      config.iceTransportPolicy === 'relay' ? ['relay'] : ['host', 'srflx'],
    );
    const heard: CheckResult[] = [];
    const results = await testConnection(SETTINGS, (r) => heard.push(r), {
      createPeer: peer.createPeer,
      createPeerConnection: pc.create,
      timeoutMs: 1000,
    });
    expect(results).toEqual([
      { check: 'signaling', outcome: 'ok' },
      { check: 'stun', outcome: 'ok' },
      { check: 'turn', outcome: 'ok' },
    ]);
    expect(heard).toHaveLength(3);
    expect(peer.destroyed()).toBe(1);
    expect(pc.closed()).toBe(2);
    // PeerJS gets what a call would: secure from the scheme, port and path from the URL.
    expect(peer.created[0]).toMatchObject({
      host: 'peer.example.org',
      port: 8443,
      path: '/peerjs',
      secure: true,
      config: { iceServers: SETTINGS.iceServers },
    });
    // The TURN check allows relays only: a direct candidate cannot make it pass.
    expect(pc.configs.find((c) => c.iceTransportPolicy === 'relay')?.iceServers).toEqual(
      serversOfKind(SETTINGS.iceServers, 'turn'),
    );
  });

  test('failures say which and why; an unconfigured kind is skipped', async () => {
    const results = await testConnection(
      { signalingUrl: 'http://127.0.0.1:9/peerjs', iceServers: [{ urls: 'stun:a:1' }] },
      undefined,
      {
        createPeer: fakePeer({ error: 'server-error' }).createPeer,
        createPeerConnection: fakePeerConnection(() => ['host']).create,
        timeoutMs: 1000,
      },
    );
    expect(results).toEqual([
      { check: 'signaling', outcome: 'failed', reason: 'unreachable', detail: 'server-error' },
      { check: 'stun', outcome: 'failed', reason: 'no-candidate' },
      { check: 'turn', outcome: 'skipped' },
    ]);
  });

  test('a silent signaling server times out', async () => {
    const peer = fakePeer('silent');
    const [signaling] = await testConnection({ ...SETTINGS, iceServers: [] }, undefined, {
      createPeer: peer.createPeer,
      createPeerConnection: fakePeerConnection(() => []).create,
      timeoutMs: 20,
    });
    expect(signaling).toEqual({ check: 'signaling', outcome: 'failed', reason: 'timeout' });
    expect(peer.destroyed()).toBe(1);
  });

  test('a configuration the browser refuses is a failure, not a hang', async () => {
    const results = await testConnection(
      { ...SETTINGS, signalingUrl: 'http://127.0.0.1:9/peerjs' },
      undefined,
      {
        createPeer: fakePeer('open').createPeer,
        createPeerConnection: () => {
          throw new SyntaxError('uses a port that is blocked');
        },
        timeoutMs: 1000,
      },
    );
    expect(results[1]).toMatchObject({ check: 'stun', outcome: 'failed', reason: 'refused' });
    expect(results[2]).toMatchObject({ check: 'turn', outcome: 'failed', reason: 'refused' });
  });
});
