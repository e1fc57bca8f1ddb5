/**
 * A hostile signaling server for calls, and the man in the middle it hands calls to.
 *
 * docs/PROTOCOL.md § 12 takes the PeerServer as untrusted: it carries every SDP, so it can put
 * itself between the two browsers of a call. This is that server. It speaks PeerJS's signaling
 * protocol (a WebSocket at `<path>/peerjs?key=…&id=…&token=…`; the server says OPEN, the
 * clients send OFFER, ANSWER and CANDIDATE with `dst`/`payload` and HEARTBEAT, the server
 * stamps `src` and answers a message nobody picked up with EXPIRE) and routes everything like
 * a PeerServer (harness/peer-server.ts), except the call itself: an OFFER that carries a call
 * id in its metadata (the callee window's control connection and the caller's media call, not
 * the ring to a presence address nor a decline/timeout riding in metadata) goes, with
 * everything else on that connection id, to a **shadow** of its destination instead: a PeerJS
 * peer `mitm-<id>` in a third headless Chromium. Whatever a shadow sends reaches the real peer
 * with the `src` it impersonates, so each browser believes it talks to the other one.
 *
 * The middle (installMiddle, in that Chromium) terminates both legs of the call with its own
 * RTCPeerConnections — each browser sees the middle's DTLS fingerprint, never the other
 * browser's — and opens the matching connection onward from the shadow of the caller or the
 * callee. It relays the control channel (JSON, as the call window opens it) both ways, except
 * the fingerprint binding `{t: "bind"}`, which it drops: it cannot forge one (it has no
 * identity key), and one from the other leg would name the wrong fingerprints. It relays the
 * media, too: each leg is answered with placeholder tracks that are swapped for the other
 * leg's real tracks as they arrive, so each window gets the other's RTP through the middle. It
 * also keeps the legs apart at the end — no `hangup`, no closing leg is passed on — so the
 * verdict each window reaches is its own gate's (lib/calls/gate.ts: no binding within 5 s),
 * not an echo of the other window giving up.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type WebSocket, WebSocketServer } from 'ws';
import { browserExecutable } from './browsers';
import { CHROMIUM_ARGS } from './chromium';
import { PEER_SERVER } from './peer-server';

/** The id prefix of the middle's shadow peers. */
export const SHADOW = 'mitm-';

interface Signal {
  type: string;
  src?: string;
  dst?: string;
  payload?: { connectionId?: unknown; type?: unknown; metadata?: unknown };
}

/** A connection of the call the server took to the middle. */
export interface Interception {
  kind: string;
  from: string;
  to: string;
}

export interface MitmSignaling {
  /** Every connection of a call the server sent to a shadow instead of its destination. */
  readonly intercepted: Interception[];
  stop(): Promise<void>;
}

/** The call's own connections: metadata `{callId}` (not a decline/timeout riding in it). */
function isCallConnection(payload: Signal['payload']): boolean {
  const metadata = payload?.metadata as Record<string, unknown> | undefined;
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof metadata.callId === 'string' &&
    !('t' in metadata)
  );
}

/** How long a message waits for its destination to connect before the sender hears EXPIRE. */
const EXPIRE_MS = 5000;

/**
 * The signaling server on PEER_SERVER (the e2e build's signaling URL). `needShadows` is told
 * the two peer ids of each call it intercepts; it must bring up their shadows (messages to a
 * shadow wait for it, as a PeerServer's queue does).
 */
export async function startMitmSignaling(
  needShadows: (ids: string[]) => Promise<void>,
): Promise<MitmSignaling> {
  const intercepted: Interception[] = [];
  const clients = new Map<string, { socket: WebSocket; token: string }>();
  /** Messages for ids not connected (yet): the sender, and the id it addressed. */
  const queues = new Map<string, { message: Signal; sender: string; as: string; at: number }[]>();
  /** Connection ids of the call's legs: everything on them goes through the middle. */
  const hijacked = new Set<string>();
  const sockets = new Set<Socket>();

  const deliver = (message: Signal, sender: string, as: string) => {
    const dst = message.dst!;
    const client = clients.get(dst);
    if (client && client.socket.readyState === client.socket.OPEN) {
      client.socket.send(JSON.stringify(message));
      return;
    }
    const queue = queues.get(dst) ?? [];
    queue.push({ message, sender, as, at: Date.now() });
    queues.set(dst, queue);
  };

  const onMessage = (src: string, raw: string) => {
    let message: Signal;
    try {
      message = JSON.parse(raw) as Signal;
    } catch {
      return;
    }
    const { type, dst, payload } = message;
    if (!['OFFER', 'ANSWER', 'CANDIDATE'].includes(type) || typeof dst !== 'string') return;
    const connectionId = typeof payload?.connectionId === 'string' ? payload.connectionId : null;
    if (src.startsWith(SHADOW)) {
      // The middle, speaking as the peer it shadows; the answers come back to the shadow.
      if (connectionId) hijacked.add(connectionId);
      const as = src.slice(SHADOW.length);
      deliver({ type, src: as, dst, payload }, src, dst);
      return;
    }
    if (type === 'OFFER' && connectionId && isCallConnection(payload)) {
      hijacked.add(connectionId);
      intercepted.push({ kind: String(payload?.type), from: src, to: dst });
      void needShadows([src, dst]).catch(() => {});
    }
    if (connectionId && hijacked.has(connectionId)) {
      deliver({ type, src, dst: SHADOW + dst, payload }, src, dst);
      return;
    }
    deliver({ type, src, dst, payload }, src, dst);
  };

  // Like a PeerServer: a message nobody picked up in time is answered EXPIRE (PeerJS says
  // `peer-unavailable`), once per sender and destination.
  const expiry = setInterval(() => {
    const now = Date.now();
    for (const [dst, queue] of queues) {
      if (clients.has(dst) || !queue.some((entry) => now - entry.at > EXPIRE_MS)) continue;
      queues.delete(dst);
      const told = new Set<string>();
      for (const { sender, as } of queue) {
        if (told.has(sender)) continue;
        told.add(sender);
        const client = clients.get(sender);
        client?.socket.send(JSON.stringify({ type: 'EXPIRE', src: as, dst: sender }));
      }
    }
  }, 500);

  const http: Server = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ server: http, path: `${PEER_SERVER.path}/peerjs` });
  wss.on('connection', (socket, request) => {
    socket.on('error', () => {});
    const query = new URL(request.url ?? '', 'http://signaling').searchParams;
    const id = query.get('id');
    const token = query.get('token');
    if (!id || !token || query.get('key') !== 'peerjs') {
      socket.send(JSON.stringify({ type: 'ERROR', payload: { msg: 'Invalid parameters' } }));
      socket.close();
      return;
    }
    const existing = clients.get(id);
    if (existing && existing.token !== token) {
      socket.send(JSON.stringify({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }));
      socket.close();
      return;
    }
    clients.set(id, { socket, token });
    if (!existing) socket.send(JSON.stringify({ type: 'OPEN' }));
    socket.on('message', (data) => onMessage(id, data.toString()));
    socket.on('close', () => {
      if (clients.get(id)?.socket === socket) clients.delete(id);
    });
    const queue = queues.get(id);
    queues.delete(id);
    for (const { message } of queue ?? []) socket.send(JSON.stringify(message));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(PEER_SERVER.port, PEER_SERVER.host, () => resolve());
  });

  return {
    intercepted,
    async stop() {
      clearInterval(expiry);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** One RTCPeerConnection of the middle, as it saw it over its life. */
export interface MiddleLeg {
  /** `data` or `media`, and the real peer at the other end. */
  kind: string;
  peer: string;
  /** Reached `connected` at (ms since the epoch), or null. */
  connectedAt: number | null;
  /** The most RTP bytes it sent to / received from that peer. */
  bytesSent: number;
  bytesReceived: number;
  /** DTLS fingerprints in its local and remote SDP. */
  ownFingerprint: string | null;
  peerFingerprint: string | null;
}

export interface MiddleReport {
  /** `from>to` of every `bind` dropped. */
  dropped: string[];
  /** `from>to:t` of every control message passed on. */
  relayed: string[];
  /** `from>to` of every `hangup` kept from the other leg. */
  held: string[];
  legs: MiddleLeg[];
  errors: string[];
}

interface PeerLike {
  on(event: string, listener: (value: never) => void): void;
  connect(id: string, options: unknown): ConnectionLike;
  call(id: string, stream: MediaStream, options: unknown): ConnectionLike;
}

interface ConnectionLike {
  peer: string;
  open: boolean;
  metadata: unknown;
  serialization: string;
  reliable: boolean;
  peerConnection: RTCPeerConnection;
  on(event: string, listener: (value: never) => void): void;
  send(data: unknown): void;
  answer(stream: MediaStream): void;
}

/**
 * Runs in the middle's page (PeerJS loaded as `globalThis.peerjs`): `__middle.shadows(ids)`
 * brings up the shadows of those peers, `__middle.report()` says what happened. Self-contained:
 * Playwright sends its source to the page.
 */
function installMiddle(server: { host: string; port: number; path: string; prefix: string }) {
  const { Peer } = (
    globalThis as unknown as {
      peerjs: { Peer: new (id: string, options: unknown) => PeerLike };
    }
  ).peerjs;
  const report: MiddleReport = { dropped: [], relayed: [], held: [], legs: [], errors: [] };
  const shadows = new Map<string, Promise<PeerLike>>();
  /** Both ends of every control channel, so the middle can speak on them itself. */
  const controls: ConnectionLike[] = [];

  const fingerprint = (sdp: string | undefined) =>
    sdp?.match(/^a=fingerprint:(.+)$/m)?.[1]?.trim() ?? null;

  /** Keeps what each leg did, even after the browser at its other end closed it. */
  const watch = (kind: string, peer: string, pc: RTCPeerConnection) => {
    const leg: MiddleLeg = {
      kind,
      peer,
      connectedAt: null,
      bytesSent: 0,
      bytesReceived: 0,
      ownFingerprint: null,
      peerFingerprint: null,
    };
    report.legs.push(leg);
    const sample = async () => {
      if (pc.connectionState === 'connected' && leg.connectedAt === null) {
        leg.connectedAt = Date.now();
      }
      leg.ownFingerprint ??= fingerprint(pc.localDescription?.sdp);
      leg.peerFingerprint ??= fingerprint(pc.remoteDescription?.sdp);
      if (pc.connectionState === 'closed') return;
      const stats = await pc.getStats().catch(() => null);
      let sent = 0;
      let received = 0;
      for (const stat of stats?.values() ?? []) {
        if (stat.type === 'outbound-rtp') sent += stat.bytesSent ?? 0;
        if (stat.type === 'inbound-rtp') received += stat.bytesReceived ?? 0;
      }
      leg.bytesSent = Math.max(leg.bytesSent, sent);
      leg.bytesReceived = Math.max(leg.bytesReceived, received);
    };
    pc.addEventListener('connectionstatechange', () => void sample());
    const timer = setInterval(() => {
      void sample();
      if (pc.connectionState === 'closed') clearInterval(timer);
    }, 200);
  };

  /** Tracks to answer with until the other leg's real ones arrive. */
  const placeholder = () => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const context = canvas.getContext('2d')!;
    setInterval(() => {
      context.fillStyle = `hsl(${Date.now() % 360} 50% 50%)`;
      context.fillRect(0, 0, canvas.width, canvas.height);
    }, 100);
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const out = audio.createMediaStreamDestination();
    tone.connect(out);
    tone.start();
    return new MediaStream([
      ...out.stream.getAudioTracks(),
      ...canvas.captureStream(10).getTracks(),
    ]);
  };

  /** Sends `stream`'s tracks on `to`'s connection, in place of what it sent so far. */
  const forward = (stream: MediaStream, to: ConnectionLike) => {
    // Chromium pulls a received audio track only while something plays it: unplayed, it
    // would send nothing onward.
    const sink = new Audio();
    sink.muted = true;
    sink.srcObject = stream;
    void sink.play().catch(() => {});
    for (const sender of to.peerConnection.getSenders()) {
      const track = stream.getTracks().find((t) => t.kind === sender.track?.kind);
      if (track) void sender.replaceTrack(track).catch((e) => report.errors.push(String(e)));
    }
  };

  /** Passes the control channel on, one way: all but `bind` (dropped) and `hangup` (held). */
  const pipe = (from: ConnectionLike, to: ConnectionLike) => {
    const label = `${from.peer}>${to.peer}`;
    const waiting: unknown[] = [];
    to.on('open', () => {
      for (const data of waiting.splice(0)) to.send(data);
    });
    from.on('data', (data: never) => {
      const t = (data as { t?: unknown } | null)?.t;
      if (t === 'bind') {
        report.dropped.push(label);
        return;
      }
      if (t === 'hangup') {
        report.held.push(label);
        return;
      }
      report.relayed.push(`${label}:${String(t)}`);
      if (to.open) to.send(data);
      else waiting.push(data);
    });
  };

  /** A connection from `incoming.peer` reached the shadow of `as`: the same one onward. */
  const relayData = async (as: string, incoming: ConnectionLike) => {
    const onward = (await shadow(incoming.peer)).connect(as, {
      serialization: incoming.serialization,
      reliable: incoming.reliable,
      metadata: incoming.metadata,
    });
    pipe(incoming, onward);
    pipe(onward, incoming);
    controls.push(incoming, onward);
    watch('data', incoming.peer, incoming.peerConnection);
    watch('data', as, onward.peerConnection);
  };

  /** A media call from `incoming.peer` reached the shadow of `as`: answered, and placed onward. */
  const relayMedia = async (as: string, incoming: ConnectionLike) => {
    const onward = (await shadow(incoming.peer)).call(as, placeholder(), {
      metadata: incoming.metadata,
    });
    incoming.answer(placeholder());
    watch('media', incoming.peer, incoming.peerConnection);
    watch('media', as, onward.peerConnection);
    incoming.on('stream', (stream: never) => forward(stream, onward));
    onward.on('stream', (stream: never) => forward(stream, incoming));
  };

  const shadow = (id: string): Promise<PeerLike> => {
    let peer = shadows.get(id);
    if (!peer) {
      peer = new Promise((resolve) => {
        const created = new Peer(`${server.prefix}${id}`, {
          host: server.host,
          port: server.port,
          path: server.path,
          secure: false,
          key: 'peerjs',
          debug: 0,
          config: { iceServers: [] },
        });
        created.on('open', () => resolve(created));
        created.on('error', (error: never) => report.errors.push(`${id}: ${String(error)}`));
        created.on('connection', (incoming: never) => void relayData(id, incoming));
        created.on('call', (incoming: never) => void relayMedia(id, incoming));
      });
      shadows.set(id, peer);
    }
    return peer;
  };

  (globalThis as unknown as { __middle: unknown }).__middle = {
    shadows: async (ids: string[]) => {
      await Promise.all(ids.map(shadow));
    },
    report: () => report,
    /** The middle's own `hangup` to both windows, as if each other had hung up. */
    hangUpBoth: () => {
      for (const control of controls) if (control.open) control.send({ t: 'hangup' });
    },
  };
}

interface MiddleApi {
  shadows(ids: string[]): Promise<void>;
  report(): MiddleReport;
  hangUpBoth(): void;
}

export interface Middle {
  signaling: MitmSignaling;
  /** What the middle did so far. */
  report(): Promise<MiddleReport>;
  /** Says `hangup` to both windows on the control channels it relays. */
  hangUpBoth(): Promise<void>;
  stop(): Promise<void>;
}

/** The hostile signaling server and the middle it hands calls to, in a headless Chromium. */
export async function startMiddle(): Promise<Middle> {
  const browser: Browser = await chromium.launch({
    executablePath: browserExecutable('chromium'),
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      // Its host candidates as addresses, not mDNS names the test browsers cannot resolve.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      // The placeholder tone's AudioContext runs without a click.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  let signaling: MitmSignaling | null = null;
  try {
    const page: Page = await browser.newPage();
    await page.addScriptTag({
      content: readFileSync('node_modules/peerjs/dist/peerjs.min.js', 'utf8'),
    });
    await page.evaluate(installMiddle, {
      host: PEER_SERVER.host,
      port: PEER_SERVER.port,
      path: PEER_SERVER.path,
      prefix: SHADOW,
    });
    signaling = await startMitmSignaling(async (ids) => {
      await page.evaluate(
        (list) => (globalThis as unknown as { __middle: MiddleApi }).__middle.shadows(list),
        ids,
      );
    });
    const server = signaling;
    return {
      signaling: server,
      report: () =>
        page.evaluate(() => (globalThis as unknown as { __middle: MiddleApi }).__middle.report()),
      hangUpBoth: () =>
        page.evaluate(() =>
          (globalThis as unknown as { __middle: MiddleApi }).__middle.hangUpBoth(),
        ),
      async stop() {
        await browser.close();
        await server.stop();
      },
    };
  } catch (error) {
    await browser.close();
    await signaling?.stop();
    throw error;
  }
}
