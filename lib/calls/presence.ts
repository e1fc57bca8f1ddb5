/**
 * The presence listener: a PeerJS peer under this installation's presence address, alive
 * while the browser runs (Chrome: offscreen document; Firefox: background page). It takes
 * rings and answers them, and keeps a ring's connection open while it rings, so the caller can
 * take the ring back (`cancel`, or the connection closing); everything else about a call
 * happens in the call windows.
 *
 * Reconnects with backoff (1 s doubling to 60 s); when connected, the only timer is PeerJS's
 * 5 s heartbeat. Capabilities are injected, so it runs against fakes in unit tests.
 */
import { type UserText, userText } from '../i18n/user-text';
import type { PresenceConfig, PresenceStatus, RingAnswer } from '../rpc/protocol';
import { RING_TIMEOUT_MS, readControlMessage } from './messages';
import { peerJsOptions, reconnectDelay } from './peer-options';
import { parseRing } from './ring';

/** The slice of PeerJS this module uses. */
export interface PresencePeer {
  on(event: 'open', listener: (id: string) => void): void;
  on(event: 'connection', listener: (connection: PresenceConnection) => void): void;
  on(event: 'disconnected', listener: () => void): void;
  on(event: 'error', listener: (error: { type?: string }) => void): void;
  connect(id: string, options: { metadata: unknown }): PresenceConnection;
  destroy(): void;
}

export interface PresenceConnection {
  on(event: 'data', listener: (data: unknown) => void): void;
  on(event: 'open' | 'close', listener: () => void): void;
  send(data: unknown): void;
  close(): void;
}

export type ConfigAnswer =
  | { ok: true; config: PresenceConfig }
  | { ok: false; state: 'locked' | 'offline'; detail: UserText };

export interface PresenceDeps {
  config(): Promise<ConfigAnswer>;
  ring(ring: string): Promise<RingAnswer>;
  /** The caller of this ringing call stopped calling: the ringing window ends as missed. */
  cancel(callId: string): void;
  createPeer(id: string, options: NonNullable<ReturnType<typeof peerJsOptions>>): PresencePeer;
  onStatus?(status: Omit<PresenceStatus, 'droppedRings'>): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A ring connection that says nothing useful within this time is closed. */
const CONNECTION_LIFETIME_MS = 15_000;
/**
 * A ring that rings keeps its connection this long at most: the ringing window gives up
 * after RING_TIMEOUT_MS, the caller a little later (lib/calls/messages.ts).
 */
const RINGING_LIFETIME_MS = RING_TIMEOUT_MS + 15_000;
/** How long a relayed "declined" connection is kept before closing it (the caller closes it first). */
const DECLINE_LIFETIME_MS = 5_000;
/** At most this many ring connections at once (a flood cannot exhaust the listener). */
const MAX_CONNECTIONS = 8;

export const SERVER_UNREACHABLE = userText('presenceServerUnreachable');
/** The vault did not answer for the configuration (it is still opening). */
export const STARTING = userText('presenceStarting');

export class Presence {
  #peer: PresencePeer | null = null;
  #attempt = 0;
  #timer: unknown = null;
  #connections = 0;
  #stopped = false;
  #status: Omit<PresenceStatus, 'droppedRings'> = { state: 'starting', detail: null };

  constructor(private readonly deps: PresenceDeps) {}

  get status(): Omit<PresenceStatus, 'droppedRings'> {
    return this.#status;
  }

  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) this.deps.clearTimeout(this.#timer);
    this.#timer = null;
    // Forgotten before it goes: the ring connections it closes were not closed by callers.
    const peer = this.#peer;
    this.#peer = null;
    peer?.destroy();
  }

  /** Settings changed or the vault unlocked: connect afresh now. */
  restart(): void {
    this.stop();
    this.#attempt = 0;
    this.start();
  }

  /**
   * The ringing window closed before its own connection to the caller opened (a person
   * closing it at once, or the browser quitting): say "declined" for it, so the caller is not
   * left calling. The answer rides in the connection's metadata, which PeerJS sends with the
   * offer through the server, so it arrives even though no data channel ever opens. The
   * server could forge this — as it can drop any call; it learns nothing new from it.
   */
  declineRing(callerPeerId: string, callId: string): void {
    const peer = this.#peer;
    if (!peer || this.#status.state !== 'connected') return;
    const connection = peer.connect(callerPeerId, { metadata: { callId, t: 'decline' } });
    this.deps.setTimeout(() => connection.close(), DECLINE_LIFETIME_MS);
  }

  #set(state: PresenceStatus['state'], detail: UserText | null): void {
    this.#status = { state, detail };
    this.deps.onStatus?.(this.#status);
  }

  #retry(): void {
    if (this.#stopped || this.#timer !== null) return;
    const delay = reconnectDelay(this.#attempt++);
    this.#timer = this.deps.setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, delay);
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const old = this.#peer;
    this.#peer = null;
    old?.destroy();
    this.#set('connecting', null);
    const answer = await this.deps
      .config()
      .catch((): ConfigAnswer => ({ ok: false, state: 'offline', detail: STARTING }));
    if (this.#stopped) return;
    if (!answer.ok) {
      this.#set(answer.state, answer.detail);
      this.#retry();
      return;
    }
    const options = peerJsOptions(answer.config);
    if (!options) {
      this.#set('offline', userText('presenceBadServerAddress'));
      return;
    }
    const peer = this.deps.createPeer(answer.config.address, options);
    this.#peer = peer;
    peer.on('open', () => {
      if (this.#peer !== peer) return;
      this.#attempt = 0;
      this.#set('connected', null);
    });
    peer.on('connection', (connection) => this.#take(connection, peer));
    const lost = () => {
      if (this.#peer !== peer) return;
      this.#peer = null;
      peer.destroy();
      this.#set('offline', SERVER_UNREACHABLE);
      this.#retry();
    };
    peer.on('disconnected', lost);
    peer.on('error', (error) => {
      // A failed data connection to one caller is that caller's problem, not ours.
      if (error.type === 'peer-unavailable' || error.type === 'webrtc') return;
      lost();
    });
  }

  /**
   * One caller's connection: a ring, its answer, and — while it rings — the caller's `cancel`.
   * Only the connection the ring arrived on can take it back, so nobody else can stop a ring
   * (the signaling server could, by sitting in that connection or closing it, as it could
   * simply not deliver the ring: docs/PROTOCOL.md § 12.4).
   */
  #take(connection: PresenceConnection, peer: PresencePeer): void {
    if (this.#connections >= MAX_CONNECTIONS) {
      connection.close();
      return;
    }
    this.#connections++;
    let done = false;
    /** The call id once its window rings (the vault accepted the ring). */
    let ringing: string | null = null;
    /** The caller said `cancel` or closed the connection (its window closed, or it quit). */
    let takenBack = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.#connections--;
      this.deps.clearTimeout(expiry);
      connection.close();
      // Not when we closed it: our own restart, or a ring that ran its time.
      if (takenBack && ringing !== null && this.#peer === peer) this.deps.cancel(ringing);
    };
    const takeBack = () => {
      if (done) return;
      takenBack = true;
      finish();
    };
    let expiry = this.deps.setTimeout(finish, CONNECTION_LIFETIME_MS);
    let answered = false;
    connection.on('close', takeBack);
    connection.on('data', async (data) => {
      const message = readControlMessage(data);
      if (message?.t === 'cancel' && answered) return takeBack();
      if (answered || message?.t !== 'ring') return finish();
      answered = true;
      const answer = await this.deps.ring(message.ring).catch((): RingAnswer => 'unavailable');
      const parsed = answer === 'ringing' ? parseRing(message.ring) : null;
      if (parsed?.ok) ringing = parsed.value.fields.callId;
      // The caller gave up while the vault decided: its window must not ring on.
      if (done) {
        if (takenBack && ringing !== null && this.#peer === peer) this.deps.cancel(ringing);
        return;
      }
      // Strangers, forgeries and replays learn nothing: the connection just closes.
      if (answer === 'refused') return finish();
      connection.send({ t: answer });
      if (ringing === null) return;
      // Kept open while it rings: the caller's way to take the ring back.
      this.deps.clearTimeout(expiry);
      expiry = this.deps.setTimeout(finish, RINGING_LIFETIME_MS);
    });
  }
}
