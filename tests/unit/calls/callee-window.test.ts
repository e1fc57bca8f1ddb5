// The ringing window, with PeerJS, the browser and the vault faked: while it rings it turns on
// no camera or microphone and opens no connection to the caller; only Accept does.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

const fakes = vi.hoisted(() => {
  interface Connection {
    to: string;
    options: { metadata?: unknown; serialization?: string };
    on(event: string, fn: (...args: unknown[]) => void): void;
    close(): void;
    send(): void;
    open: boolean;
  }
  const state = {
    peers: [] as { id: string; connections: Connection[] }[],
    getUserMedia: null as unknown as ReturnType<typeof vi.fn>,
  };
  class FakePeer {
    connections: Connection[] = [];
    open = true;
    #handlers: Record<string, (...args: unknown[]) => void> = {};
    constructor(readonly id: string) {
      state.peers.push(this);
      queueMicrotask(() => this.#handlers.open?.(id));
    }
    once(event: string, fn: (...args: unknown[]) => void) {
      this.#handlers[event] = fn;
    }
    on(event: string, fn: (...args: unknown[]) => void) {
      this.#handlers[event] = fn;
    }
    connect(to: string, options: Connection['options']): Connection {
      const connection: Connection = {
        to,
        options,
        open: false,
        on() {},
        close() {},
        send() {},
      };
      this.connections.push(connection);
      return connection;
    }
    destroy() {}
  }
  return { state, FakePeer };
});

vi.mock('peerjs', () => ({ default: fakes.FakePeer }));
vi.mock('wxt/browser', () => ({
  browser: {
    i18n: { getMessage: () => '' },
    runtime: {
      connect: () => ({
        postMessage() {},
        disconnect() {},
        onDisconnect: { addListener() {} },
        onMessage: { addListener() {} },
      }),
    },
  },
}));
vi.mock('@/lib/calls/peer-options', () => ({ peerJsOptions: () => ({}) }));
vi.mock('@/lib/rpc/client', () => ({
  callVault: async (name: string) => {
    if (name === 'settings.get') return { ok: true, value: {} };
    if (name === 'call.incoming') {
      return {
        ok: true,
        value: {
          callId: CALL_ID,
          handle: 'alice',
          media: 'video',
          peerId: CALLER_PEER,
          peerKey: 'aa'.repeat(32),
          ownKey: 'bb'.repeat(32),
        },
      };
    }
    return { ok: true, value: {} };
  },
}));

const CALL_ID = 'c0'.repeat(16);
const CALLER_PEER = 'a1'.repeat(16);

const { CallController } = await import('../../../entrypoints/call/controller');

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeEach(() => {
  fakes.state.peers.length = 0;
  fakes.state.getUserMedia = vi.fn(async () => {
    const track = () => ({ kind: 'video', enabled: true, stop() {} });
    const stream = {
      getTracks: () => [track()],
      getAudioTracks: () => [],
      getVideoTracks: () => [track()],
      clone: () => stream,
    };
    return stream;
  });
  vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: fakes.state.getUserMedia } });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the ringing window', () => {
  test('rings without camera, microphone or a connection to the caller', async () => {
    const controller = new CallController({ role: 'callee', callId: CALL_ID });
    await controller.begin();
    await settle();
    expect(controller.view.state).toBe('ringing');
    expect(controller.view.local).toBeNull();
    expect(fakes.state.getUserMedia).not.toHaveBeenCalled();
    expect(fakes.state.peers).toHaveLength(1);
    expect(fakes.state.peers[0]!.connections).toEqual([]);
    controller.windowClosing();
  });

  test('Accept starts the media, then connects to the caller', async () => {
    const controller = new CallController({ role: 'callee', callId: CALL_ID });
    await controller.begin();
    await settle();
    await controller.accept();
    expect(fakes.state.getUserMedia).toHaveBeenCalledTimes(1);
    const [connection] = fakes.state.peers[0]!.connections;
    expect(connection).toMatchObject({
      to: CALLER_PEER,
      options: { metadata: { callId: CALL_ID }, serialization: 'json' },
    });
    controller.windowClosing();
  });

  test('Decline answers in metadata only: no media, no channel', async () => {
    const controller = new CallController({ role: 'callee', callId: CALL_ID });
    await controller.begin();
    await settle();
    await controller.decline();
    expect(fakes.state.getUserMedia).not.toHaveBeenCalled();
    expect(fakes.state.peers[0]!.connections.map((c) => c.options)).toEqual([
      { metadata: { callId: CALL_ID, t: 'decline' } },
    ]);
    expect(controller.view.state).toBe('declined');
  });
});
