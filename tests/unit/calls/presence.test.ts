// The presence listener against a fake PeerJS and a fake clock: reconnects with backoff,
// answers rings the vault accepts, tells refused callers nothing, and lets a caller take back
// a ring that rings (only on that ring's own connection).
import { describe, expect, test } from 'vitest';
import { newCallId, newPeerId } from '../../../lib/calls/ids';
import {
  type ConfigAnswer,
  Presence,
  type PresenceConnection,
  type PresencePeer,
  SERVER_UNREACHABLE,
} from '../../../lib/calls/presence';
import { createRing } from '../../../lib/calls/ring';
import { ed25519KeyPair } from '../../../lib/crypto/primitives';
import { systemRandom } from '../../../lib/crypto/random';
import type { PresenceConfig, RingAnswer } from '../../../lib/rpc/protocol';

type Handler = (...args: never[]) => void;

class FakeEmitter {
  handlers = new Map<string, Handler[]>();
  on(event: string, listener: Handler): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener]);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? [])
      (handler as (...a: unknown[]) => void)(...args);
  }
}

class FakePeer extends FakeEmitter implements PresencePeer {
  destroyed = false;
  connected: { id: string; metadata: unknown; connection: FakeConnection }[] = [];
  constructor(readonly id: string) {
    super();
  }
  connect(id: string, options: { metadata: unknown }): FakeConnection {
    const connection = new FakeConnection();
    this.connected.push({ id, metadata: options.metadata, connection });
    return connection;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

class FakeConnection extends FakeEmitter implements PresenceConnection {
  sent: unknown[] = [];
  closed = false;
  send(data: unknown): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
}

const CONFIG: PresenceConfig = {
  address: 'ab'.repeat(16),
  signalingUrl: 'http://127.0.0.1:9000/peerjs',
  iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
};

function setup(
  options: { config?: () => Promise<ConfigAnswer>; ring?: (r: string) => Promise<RingAnswer> } = {},
) {
  const peers: FakePeer[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const cancelled: string[] = [];
  const presence = new Presence({
    config: options.config ?? (async () => ({ ok: true, config: CONFIG })),
    ring: options.ring ?? (async () => 'ringing'),
    cancel: (callId) => cancelled.push(callId),
    createPeer: (id, peerOptions) => {
      expect(peerOptions).toMatchObject({
        host: '127.0.0.1',
        port: 9000,
        path: '/peerjs',
        secure: false,
      });
      const peer = new FakePeer(id);
      peers.push(peer);
      return peer;
    },
    setTimeout: (fn, ms) => {
      const timer = { fn, ms, cleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      (handle as { cleared: boolean }).cleared = true;
    },
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  /** Fires the pending reconnect timer, as the clock would. */
  const fire = async () => {
    const timer = timers.filter((t) => !t.cleared && t.ms >= 1000).pop()!;
    timer.cleared = true;
    timer.fn();
    await settle();
  };
  return { presence, peers, timers, cancelled, settle, fire };
}

/** A well-formed ring for `callId` (the listener reads its call id once the vault accepted it). */
function signedRing(callId: string): string {
  const caller = ed25519KeyPair(systemRandom);
  const callee = ed25519KeyPair(systemRandom);
  return createRing(
    {
      callerKey: caller.public,
      callId,
      media: 'audio',
      timestamp: Date.now(),
      peerId: newPeerId(),
      calleeKey: callee.public,
      calleeAddress: CONFIG.address,
    },
    caller.secret,
  )!;
}

describe('the presence listener', () => {
  test('listens under the presence address and says when it is connected', async () => {
    const { presence, peers, settle } = setup();
    presence.start();
    await settle();
    expect(peers.map((p) => p.id)).toEqual([CONFIG.address]);
    expect(presence.status.state).toBe('connecting');
    peers[0]!.emit('open', CONFIG.address);
    expect(presence.status).toEqual({ state: 'connected', detail: null });
  });

  test('a lost server means "offline", then reconnects with growing delays, never below 1 s', async () => {
    const { presence, peers, timers, settle, fire } = setup();
    presence.start();
    await settle();
    peers[0]!.emit('error', { type: 'network' });
    expect(presence.status).toEqual({ state: 'offline', detail: SERVER_UNREACHABLE });
    expect(peers[0]!.destroyed).toBe(true);
    await fire();
    peers[1]!.emit('disconnected');
    await fire();
    const delays = timers.filter((t) => t.ms >= 1000).map((t) => t.ms);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(delays[1]).toBeGreaterThan(delays[0]!);
    // Back again: the backoff starts over.
    peers[2]!.emit('open', CONFIG.address);
    expect(presence.status.state).toBe('connected');
    peers[2]!.emit('error', { type: 'server-error' });
    expect(timers.filter((t) => t.ms >= 1000).at(-1)!.ms).toBeLessThan(1250 + 1);
    presence.stop();
  });

  test('a failed connection to one caller does not drop the listener', async () => {
    const { presence, peers, settle } = setup();
    presence.start();
    await settle();
    peers[0]!.emit('open', CONFIG.address);
    peers[0]!.emit('error', { type: 'peer-unavailable' });
    expect(presence.status.state).toBe('connected');
    expect(peers[0]!.destroyed).toBe(false);
  });

  test('a locked vault is shown as locked and retried', async () => {
    const { presence, peers, timers, settle } = setup({
      config: async () => ({ ok: false, state: 'locked', detail: { key: 'errorLocked' } }),
    });
    presence.start();
    await settle();
    expect(presence.status).toEqual({ state: 'locked', detail: { key: 'errorLocked' } });
    expect(peers).toHaveLength(0);
    expect(timers.some((t) => t.ms >= 1000 && !t.cleared)).toBe(true);
  });

  test('rings are answered as the vault decides; refused ones get no answer at all', async () => {
    const answers: Record<string, RingAnswer> = {
      good: 'ringing',
      busy: 'busy',
      forged: 'refused',
    };
    const { presence, peers, settle } = setup({ ring: async (ring) => answers[ring] ?? 'refused' });
    presence.start();
    await settle();
    peers[0]!.emit('open', CONFIG.address);
    const ring = async (text: unknown) => {
      const connection = new FakeConnection();
      peers[0]!.emit('connection', connection);
      connection.emit('data', text);
      await settle();
      return connection;
    };
    expect((await ring({ t: 'ring', ring: 'good' })).sent).toEqual([{ t: 'ringing' }]);
    expect((await ring({ t: 'ring', ring: 'busy' })).sent).toEqual([{ t: 'busy' }]);
    const forged = await ring({ t: 'ring', ring: 'forged' });
    expect(forged.sent).toEqual([]);
    expect(forged.closed).toBe(true);
    const junk = await ring({ t: 'hello' });
    expect(junk.sent).toEqual([]);
    expect(junk.closed).toBe(true);
  });

  test('a flood of connections is capped', async () => {
    const { presence, peers, settle } = setup({ ring: () => new Promise(() => {}) });
    presence.start();
    await settle();
    const connections = Array.from({ length: 12 }, () => new FakeConnection());
    for (const connection of connections) peers[0]!.emit('connection', connection);
    expect(connections.filter((c) => c.closed)).toHaveLength(4);
  });

  test('declines for a ringing window that closed: the answer rides in the offer metadata', async () => {
    const { presence, peers, timers, settle } = setup();
    presence.start();
    await settle();
    const caller = 'cd'.repeat(16);
    const callId = 'ef'.repeat(16);
    // Not connected to the server yet: nothing can be said.
    presence.declineRing(caller, callId);
    expect(peers[0]!.connected).toEqual([]);
    peers[0]!.emit('open', CONFIG.address);
    presence.declineRing(caller, callId);
    expect(peers[0]!.connected).toEqual([
      { id: caller, metadata: { callId, t: 'decline' }, connection: expect.any(FakeConnection) },
    ]);
    // The connection is closed later even if the caller never answers it.
    const closing = timers.at(-1)!;
    closing.fn();
    expect(peers[0]!.connected[0]!.connection.closed).toBe(true);
  });
});

describe('taking a ring back', () => {
  async function ringing(options: Parameters<typeof setup>[0] = {}) {
    const setupResult = setup(options);
    const { presence, peers, settle } = setupResult;
    presence.start();
    await settle();
    peers[0]!.emit('open', CONFIG.address);
    const callId = newCallId();
    const connection = new FakeConnection();
    peers[0]!.emit('connection', connection);
    connection.emit('data', { t: 'ring', ring: signedRing(callId) });
    await settle();
    return { ...setupResult, callId, connection };
  }

  test('the caller says cancel on the ring’s connection: its ringing window is told', async () => {
    const { connection, cancelled, callId } = await ringing();
    expect(connection.sent).toEqual([{ t: 'ringing' }]);
    // Kept open while it rings, past the 15 s a connection otherwise gets.
    expect(connection.closed).toBe(false);
    connection.emit('data', { t: 'cancel' });
    expect(cancelled).toEqual([callId]);
    expect(connection.closed).toBe(true);
    // Said once.
    connection.emit('close');
    expect(cancelled).toEqual([callId]);
  });

  test('the caller’s connection closing (its window closed, it quit) takes the ring back too', async () => {
    const { connection, cancelled, callId } = await ringing();
    connection.emit('close');
    expect(cancelled).toEqual([callId]);
  });

  test('a cancel while the vault still decides stops the ring as soon as it rings', async () => {
    let answer: (value: RingAnswer) => void = () => {};
    const { connection, cancelled, callId, settle } = await ringing({
      ring: () => new Promise((resolve) => (answer = resolve)),
    });
    connection.emit('data', { t: 'cancel' });
    expect(cancelled).toEqual([]);
    answer('ringing');
    await settle();
    expect(cancelled).toEqual([callId]);
    expect(connection.sent).toEqual([]);
  });

  test('nothing to take back: a busy, refused or unanswered ring, a cancel without a ring', async () => {
    for (const answer of ['busy', 'unavailable', 'refused'] as const) {
      const { connection, cancelled } = await ringing({ ring: async () => answer });
      connection.emit('data', { t: 'cancel' });
      connection.emit('close');
      expect(cancelled).toEqual([]);
    }
    const { presence, peers, settle, cancelled } = setup();
    presence.start();
    await settle();
    const early = new FakeConnection();
    peers[0]!.emit('connection', early);
    early.emit('data', { t: 'cancel' });
    early.emit('close');
    expect(cancelled).toEqual([]);
    expect(early.closed).toBe(true);
  });

  test('our own restart or the ring running its time is no cancel', async () => {
    const first = await ringing();
    first.presence.restart();
    first.connection.emit('close');
    expect(first.cancelled).toEqual([]);

    const second = await ringing();
    const expiry = second.timers.filter((t) => !t.cleared && t.ms > 45_000).pop()!;
    expiry.fn();
    expect(second.connection.closed).toBe(true);
    second.connection.emit('close');
    expect(second.cancelled).toEqual([]);
  });
});
