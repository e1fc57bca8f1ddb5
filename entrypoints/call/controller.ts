/**
 * One call, from either side: media, PeerJS, the control channel, fingerprint binding and the
 * SAS. The window renders `CallView`; everything that can fail ends in a state with a
 * sentence the user can act on (public/_locales, through texts.ts and t()).
 *
 * Caller: getUserMedia → signed ring to the callee's presence address → the callee's window
 * rings, without its camera/microphone and without any connection to us → Accept: it gets its
 * media and opens a control connection to our per-call peer id → we offer our media, it
 * answers with its own. Both then sign their view of the DTLS fingerprints; until the other's
 * signature verifies, our tracks stay disabled and theirs are not shown or played
 * (lib/calls/gate.ts), and without it within seconds the call fails.
 */
import Peer, { type DataConnection, type MediaConnection } from 'peerjs';
import { browser } from 'wxt/browser';
import { type CallMedia, newPeerId } from '@/lib/calls';
import { verifyBinding } from '@/lib/calls/binding';
import { MediaGate } from '@/lib/calls/gate';
import {
  ABANDONED_RING_GRACE_MS,
  type ControlMessage,
  DISCONNECTED_GRACE_MS,
  OFFER_WAIT_MS,
  RING_ANSWER_TIMEOUT_MS,
  RING_TIMEOUT_MS,
  readControlMessage,
  relayedAnswer,
} from '@/lib/calls/messages';
import { peerJsOptions } from '@/lib/calls/peer-options';
import { shortAuthenticationString } from '@/lib/calls/sas';
import { type DtlsFingerprint, extractFingerprint } from '@/lib/calls/sdp';
import { callQuality, type Quality, readCallStats, type StatLike } from '@/lib/calls/stats';
import {
  CALL_WINDOW_PORT,
  type CallWindowReport,
  readCallWindowCommand,
} from '@/lib/calls/window-port';
import { fromHex } from '@/lib/crypto/bytes';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { CallLogEntry } from '@/lib/vault/calls';
import { type EndReason, TEXT } from './texts';

export type CallState =
  | 'calling'
  | 'ringing'
  | 'connecting'
  | 'connected'
  | 'ended'
  | 'declined'
  | 'failed';

export interface CallView {
  role: 'caller' | 'callee';
  state: CallState;
  handle: string;
  media: CallMedia;
  /** What the window says about the state, in words. */
  text: string;
  /** Why it ended or failed (data-sotto-reason), when it did. */
  reason: EndReason | null;
  sas: string[] | null;
  connectedAt: number | null;
  muted: boolean;
  cameraOff: boolean;
  quality: Quality | null;
  /** Bytes and video frames received so far (shown under the quality). */
  received: { bytes: number; frames: number } | null;
  /** How media travels: straight between the browsers, or through a TURN relay. */
  route: 'direct' | 'relay' | null;
  local: MediaStream | null;
  remote: MediaStream | null;
  /** Asking the browser for the microphone/camera the first time. */
  askingPermission: boolean;
}

export interface CallStart {
  role: 'caller' | 'callee';
  handle?: string;
  media?: CallMedia;
  callId?: string;
}

interface Keys {
  callId: string;
  /** The other side's PeerJS id (callee: the ring's; caller: learnt from the control channel). */
  peerKey: Uint8Array;
  ownKey: Uint8Array;
}

type Listener = (view: CallView) => void;

export class CallController {
  #view: CallView;
  #listener: Listener = () => {};
  #peer: Peer | null = null;
  #control: DataConnection | null = null;
  /**
   * Caller: the ring's connection to the callee's presence listener, kept open while it rings:
   * the only way to take the ring back (`cancel`; closing it does too), since the ringing
   * window has no connection to us before Accept.
   */
  #toPresence: DataConnection | null = null;
  #mediaCall: MediaConnection | null = null;
  /** Callee: the caller's media offer, held unanswered until Accept. */
  #offer: MediaConnection | null = null;
  /** Callee: the local media Accept answers with. */
  #acceptedWith: MediaStream | null = null;
  /**
   * The media we send. The window shows a copy (`view.local`) whose tracks follow only mute
   * and camera: the person sees themselves while the gate keeps these disabled.
   */
  #sending: MediaStream | null = null;
  /** Media flows only once the peer's binding verified (lib/calls/gate.ts). */
  #gate: MediaGate<MediaStream>;
  /** Callee: Accept was pressed (the window may still say "ringing" for a moment). */
  #accepted = false;
  #keys: Keys | null = null;
  #callerPeerId: string | null = null;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  #ourView: { own: DtlsFingerprint; peer: DtlsFingerprint } | null = null;
  #ourBinding: string | null = null;
  #bindingStarted = false;
  /** Callee: a decline or timeout went out in a connection's metadata (teardown waits a bit). */
  #relayed = false;
  /** The media connection went `disconnected` (packets stopped) at some point in this call. */
  #packetsStopped = false;
  #finished = false;
  #startedAt = Date.now();
  #lastBytes = 0;
  #port: ReturnType<typeof browser.runtime.connect> | null = null;
  #unsent: ControlMessage[] = [];
  #media: Promise<MediaStream | 'permission' | 'no-device'> | null = null;
  #tornDown = false;
  /**
   * Callee: settles when the ringing window has its peer and its control connection to the
   * caller under way (true), or could not get there (false, and the window says why). Accept
   * can be clicked before then — the window shows the buttons at once — and waits for it.
   */
  #ringReady: Promise<boolean>;
  #settleRingReady: (ready: boolean) => void = () => {};

  constructor(private readonly start: CallStart) {
    this.#ringReady = new Promise((resolve) => {
      this.#settleRingReady = resolve;
    });
    this.#gate = new MediaGate<MediaStream>({
      localTracks: () => this.#sending?.getTracks() ?? [],
      verified: (theirs) => this.#connected(theirs),
      showRemote: (remote) => this.#update({ remote }),
      failed: () => void this.#securityFailure(),
      setTimeout: (fn, ms) => this.#later(fn, ms),
      clearTimeout: (timer) => {
        clearTimeout(timer as ReturnType<typeof setTimeout>);
        this.#timers.delete(timer as ReturnType<typeof setTimeout>);
      },
    });
    this.#view = {
      role: start.role,
      state: start.role === 'caller' ? 'calling' : 'ringing',
      handle: start.handle ?? '',
      media: start.media ?? 'audio',
      text: start.role === 'caller' ? t('call_preparing') : t('call_loadingRing'),
      reason: null,
      sas: null,
      connectedAt: null,
      muted: false,
      cameraOff: false,
      quality: null,
      received: null,
      route: null,
      local: null,
      remote: null,
      askingPermission: false,
    };
  }

  get view(): CallView {
    return this.#view;
  }

  subscribe(listener: Listener): void {
    this.#listener = listener;
    listener(this.#view);
  }

  #update(patch: Partial<CallView>): void {
    this.#view = { ...this.#view, ...patch };
    this.#listener(this.#view);
  }

  #later(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  // ── starting ─────────────────────────────────────────────────────────────────────────

  async begin(): Promise<void> {
    this.#register();
    if (this.start.role === 'caller') await this.#placeCall();
    else await this.#ring();
  }

  /** Tells the background a call is live here (so other rings get "busy"), until it ends. */
  #register(): void {
    if (this.#finished) return;
    this.#port = browser.runtime.connect({ name: CALL_WINDOW_PORT });
    // The background passes on the caller's `cancel` (its presence listener got it).
    this.#port.onMessage.addListener((message: unknown) => {
      if (readCallWindowCommand(message)?.t === 'cancel') void this.#onControl({ t: 'cancel' });
    });
    if (this.start.role === 'callee' && this.start.callId) {
      this.#report({ t: 'ringing', callId: this.start.callId });
      if (this.#view.state !== 'ringing') this.#report({ t: 'accepted' });
    }
    this.#port.onDisconnect.addListener(() => {
      this.#port = null;
      // Chrome restarted its worker: register with the new one.
      if (!this.#finished) this.#later(() => this.#register(), 500);
    });
  }

  #report(report: CallWindowReport): void {
    try {
      this.#port?.postMessage(report);
    } catch {
      // The worker is restarting; #register tells the new one.
    }
  }

  /**
   * Asks for the microphone (and camera) once per window: the caller before ringing, the
   * callee only on Accept (a ringing window never turns on a camera nobody agreed to).
   */
  #acquire(): Promise<MediaStream | 'permission' | 'no-device'> {
    this.#media ??= (async () => {
      this.#update({ askingPermission: true });
      try {
        const stream = await navigator.mediaDevices.getUserMedia({
          audio: true,
          video: this.#view.media === 'video',
        });
        // Declined, timed out or closed while the browser was still starting the devices.
        if (this.#finished) {
          for (const track of stream.getTracks()) track.stop();
        } else {
          this.#sending = stream;
          // Disabled until the peer's binding verifies: nothing of ours reaches a middle.
          this.#gate.localChanged();
          this.#update({ local: stream.clone() });
        }
        return stream;
      } catch (error) {
        const name = error instanceof DOMException ? error.name : '';
        return name === 'NotAllowedError' || name === 'SecurityError' ? 'permission' : 'no-device';
      } finally {
        this.#update({ askingPermission: false });
      }
    })();
    return this.#media;
  }

  /** The local media, or null after ending the call with the reason it could not be had. */
  async #getMedia(): Promise<MediaStream | null> {
    const result = await this.#acquire();
    if (typeof result !== 'string') return this.#finished ? null : result;
    await this.#finish('failed', result);
    return null;
  }

  async #newPeer(): Promise<Peer | null> {
    const settings = await callVault('settings.get', {});
    if (!settings.ok) {
      await this.#finish('failed', settings.error.code === 'LOCKED' ? 'locked' : 'internal');
      return null;
    }
    const options = peerJsOptions(settings.value);
    if (!options) {
      await this.#finish('failed', 'server');
      return null;
    }
    // The window finished and cleaned up while the settings were on their way.
    if (this.#tornDown) return null;
    const peer = new Peer(newPeerId(), options);
    this.#peer = peer;
    return new Promise((resolve) => {
      peer.once('open', () => resolve(peer));
      peer.on('error', (error) => {
        if (error.type === 'peer-unavailable') {
          if (this.#view.state === 'calling') void this.#finish('failed', 'unreachable');
          // Accepted, but the caller's call peer is gone (it gave up while we rang).
          else if (this.start.role === 'callee' && this.#accepted && !this.#mediaCall) {
            void this.#finish('ended', 'gone');
          }
          return;
        }
        const serverTrouble = ['network', 'server-error', 'socket-error', 'socket-closed'];
        if (!peer.open || serverTrouble.includes(error.type)) {
          // Before media flows the call cannot go on; during a call, media does not need
          // the server, so only a lost peer connection ends it.
          if (this.#view.state !== 'connected') void this.#finish('failed', 'server');
          resolve(null);
        }
      });
    });
  }

  async #placeCall(): Promise<void> {
    const handle = this.#view.handle;
    const local = await this.#getMedia();
    if (!local) return;
    this.#update({ text: t('call_connectingServer') });
    const peer = await this.#newPeer();
    if (!peer) return;
    const ticket = await callVault('call.prepare', {
      handle,
      media: this.#view.media,
      peerId: peer.id,
    });
    if (!ticket.ok) {
      const code = ticket.error.code;
      return this.#finish(
        'failed',
        code === 'NO_SESSION'
          ? 'no-session'
          : code === 'KEY_CHANGED_BLOCKED'
            ? 'key-changed'
            : code === 'LOCKED'
              ? 'locked'
              : 'internal',
      );
    }
    const { callId, ring, presenceAddress, peerKey, ownKey } = ticket.value;
    if (!presenceAddress || !ring) return this.#finish('failed', 'no-address');
    this.#keys = { callId, peerKey: fromHex(peerKey)!, ownKey: fromHex(ownKey)! };
    this.#startedAt = Date.now();

    // The callee's window reaches us here only once its person accepted; a decline or a
    // timeout arrives in a connection's metadata instead, without any channel opening.
    peer.on('connection', (connection) => {
      const answer = relayedAnswer(connection.metadata, callId);
      if (answer) {
        connection.close();
        if (this.#view.state !== 'calling') return;
        if (answer === 'decline') void this.#finish('declined', 'declined');
        else void this.#finish('ended', 'no-answer');
        return;
      }
      const metadata = connection.metadata as { callId?: unknown } | undefined;
      if (this.#control || metadata?.callId !== callId) return connection.close();
      this.#attachControl(connection);
      // Accepted: the ring has done its work, nothing is left to take back.
      this.#toPresence?.close();
      this.#toPresence = null;
      // The control channel opens after Accept: offer our media at once. Our tracks stay
      // disabled until the callee's binding verifies.
      connection.on('open', () => {
        if (this.#mediaCall || this.#finished) return;
        this.#gate.answered();
        this.#attachMedia(peer.call(connection.peer, local, { metadata: { callId } }));
      });
    });
    // Nobody calls a caller.
    peer.on('call', (call) => call.close());

    const toPresence = peer.connect(presenceAddress, { serialization: 'json', reliable: true });
    this.#toPresence = toPresence;
    let answered = false;
    toPresence.on('open', () => toPresence.send({ t: 'ring', ring }));
    toPresence.on('data', (data) => {
      const message = readControlMessage(data);
      if (!message || answered) return;
      answered = true;
      // Kept while it rings (see #toPresence); our teardown closes it.
      if (message.t !== 'ringing' || this.#finished) toPresence.close();
      if (message.t === 'ringing') this.#update({ text: t('call_ringingThem', handle) });
      else if (message.t === 'busy') void this.#finish('declined', 'busy');
      else if (message.t === 'unavailable') void this.#finish('declined', 'unavailable');
    });
    toPresence.on('close', () => {
      // A listener closes without answering a ring it refused (or if it never heard it).
      if (!answered && this.#view.state === 'calling') void this.#finish('failed', 'unreachable');
    });
    this.#later(() => {
      if (!answered && this.#view.state === 'calling') void this.#finish('failed', 'unreachable');
    }, RING_ANSWER_TIMEOUT_MS);
    // A little longer than the callee rings: their window normally tells us first.
    this.#later(() => {
      if (this.#view.state === 'calling') {
        this.#send({ t: 'cancel' });
        void this.#finish('ended', 'no-answer');
      }
    }, RING_TIMEOUT_MS + 5000);
  }

  async #ring(): Promise<void> {
    const ready = await this.#prepareRing();
    this.#settleRingReady(ready);
  }

  async #prepareRing(): Promise<boolean> {
    const callId = this.start.callId ?? '';
    const incoming = await callVault('call.incoming', { callId });
    if (!incoming.ok || !incoming.value) {
      await this.#finish('ended', 'gone');
      return false;
    }
    const ring = incoming.value;
    this.#keys = { callId, peerKey: fromHex(ring.peerKey)!, ownKey: fromHex(ring.ownKey)! };
    this.#callerPeerId = ring.peerId;
    this.#startedAt = Date.now();
    this.#update({
      handle: ring.handle,
      media: ring.media,
      // Accept may already have been clicked: then the window says "connecting".
      text:
        this.#view.state === 'ringing' ? TEXT.ringingUs(ring.handle, ring.media) : this.#view.text,
    });
    // No camera, no microphone and no connection to the caller while it rings: the caller
    // learns nothing from this window (not even its network addresses) before Accept.
    const peer = await this.#newPeer();
    if (!peer) return false;
    // Declined or timed out before the peer was up: only that answer goes out.
    if (this.#finished) {
      this.#flush();
      return false;
    }
    // The caller offers its media once our control channel opens after Accept.
    peer.on('call', (call) => {
      const metadata = call.metadata as { callId?: unknown } | undefined;
      if (this.#offer || call.peer !== ring.peerId || metadata?.callId !== callId) {
        return call.close();
      }
      this.#offer = call;
      this.#answerOffer();
    });
    this.#later(() => {
      if (this.#view.state === 'ringing') {
        this.#send({ t: 'timeout' });
        void this.#finish('ended', 'missed');
      }
    }, RING_TIMEOUT_MS);
    return true;
  }

  // ── the control channel ──────────────────────────────────────────────────────────────

  #attachControl(connection: DataConnection): void {
    this.#control = connection;
    connection.on('open', () => this.#flush());
    connection.on('data', (data) => {
      const message = readControlMessage(data);
      if (message) void this.#onControl(message);
    });
    connection.on('close', () => {
      if (this.#finished) return;
      // The other window went away: closed, crashed, or its network is gone.
      const state = this.#view.state;
      if (state === 'ringing') void this.#finish('ended', 'missed');
      else if (state === 'calling') {
        // A closed ringing window is a decline, which the callee's browser relays on its
        // own connection; only if none comes was it a crash or a lost network.
        this.#later(() => {
          if (this.#view.state === 'calling') void this.#finish('ended', 'no-answer');
        }, ABANDONED_RING_GRACE_MS);
      } else void this.#endByThem(this.#endedByThem());
    });
  }

  /**
   * Why a call that was under way ended when its connection closed. The window that closes
   * says `hangup` as it goes, but that message can lose the race with its own teardown. A
   * window that closes (or a browser that quits) also closes its connections, so ours close
   * at once while packets still flowed; a network that goes away or a process that dies
   * first stops the packets, and the connection is `disconnected` seconds before it closes.
   */
  /**
   * The other side ended the call. While its binding is due and unverified, that is a failed
   * security check: a middle that cannot pass it would otherwise hang up on both sides just
   * before the deadline and turn an interception into an ordinary "Call ended."
   */
  async #endByThem(reason: 'remote-hangup' | 'connection-lost'): Promise<void> {
    if (this.#gate.checking) this.#gate.fail();
    else await this.#finish('ended', reason);
  }

  #endedByThem(): 'remote-hangup' | 'connection-lost' {
    return this.#packetsStopped ? 'connection-lost' : 'remote-hangup';
  }

  /** Sends now, or as soon as the channel opens (a quick "Decline" can beat its opening). */
  #send(message: ControlMessage): void {
    // A caller's `cancel` goes to the callee's presence listener, on the ring's connection.
    if (message.t === 'cancel') {
      this.#cancelRing();
      return;
    }
    const control = this.#control;
    // A ringing window has no channel to the caller: its answer rides in metadata.
    if (
      !control &&
      (message.t === 'decline' || message.t === 'timeout') &&
      this.#relay(message.t)
    ) {
      return;
    }
    // Not connected yet (a click can beat the connection): sent when it opens.
    if (!control?.open) {
      this.#unsent.push(message);
      return;
    }
    try {
      void control.send(message);
    } catch {
      // A closing channel: the other side learns from the channel closing instead.
    }
  }

  /**
   * Callee, before Accept: says "decline" or "timeout" in a connection's metadata, which the
   * caller reads from the offer and closes — no channel opens, so nothing of ours is exposed.
   */
  #relay(t: 'decline' | 'timeout'): boolean {
    const peer = this.#peer;
    if (this.start.role !== 'callee' || !peer?.open || !this.#callerPeerId || !this.#keys) {
      return false;
    }
    peer.connect(this.#callerPeerId, { metadata: { callId: this.#keys.callId, t } });
    this.#relayed = true;
    return true;
  }

  /**
   * Caller, before an answer: takes the ring back. The window closing closes the connection
   * too, which the listener reads the same way, so a window that goes says it as it goes.
   */
  #cancelRing(): void {
    const toPresence = this.#toPresence;
    if (!toPresence?.open) return;
    try {
      void toPresence.send({ t: 'cancel' });
    } catch {
      // Closing: the listener reads the closed connection as the cancel.
    }
  }

  #flush(): void {
    for (const message of this.#unsent.splice(0)) this.#send(message);
    if (this.#finished) this.#report({ t: 'finished' });
  }

  async #onControl(message: ControlMessage): Promise<void> {
    const state = this.#view.state;
    switch (message.t) {
      case 'alerting':
        break;
      case 'accept':
        if (this.start.role === 'caller' && state === 'calling') {
          this.#update({ state: 'connecting', text: t('call_connecting') });
        }
        break;
      case 'decline':
        if (state === 'calling') await this.#finish('declined', 'declined');
        break;
      case 'timeout':
        if (state === 'calling') await this.#finish('ended', 'no-answer');
        break;
      case 'cancel':
        // From the background (the caller's cancel reached our presence listener); once
        // accepted, the call's own connection says whether the caller is still there.
        if (state === 'ringing' && !this.#accepted) await this.#finish('ended', 'missed');
        break;
      case 'hangup':
        await this.#endByThem('remote-hangup');
        break;
      case 'bind':
        this.#gate.theirs(message.signature);
        break;
      default:
        break;
    }
  }

  // ── answering (callee) ───────────────────────────────────────────────────────────────

  async accept(): Promise<void> {
    if (this.start.role !== 'callee' || this.#view.state !== 'ringing' || this.#accepted) return;
    this.#accepted = true;
    this.#report({ t: 'accepted' });
    // Said once the answer is under way: re-rendering the window first would put its cost
    // (tens of ms on a slow machine) between Accept and the media.
    this.#later(() => {
      if (this.#view.state === 'ringing') {
        this.#update({ state: 'connecting', text: t('call_connecting') });
      }
    }, 0);
    if (this.start.callId) void browser.notifications?.clear(this.start.callId).catch(() => {});
    const [ready, local] = await Promise.all([this.#ringReady, this.#getMedia()]);
    if (!ready || !local || this.#finished || !this.#peer || !this.#callerPeerId || !this.#keys) {
      return;
    }
    // Only now does this window reach the caller.
    this.#attachControl(
      this.#peer.connect(this.#callerPeerId, {
        serialization: 'json',
        reliable: true,
        metadata: { callId: this.#keys.callId },
      }),
    );
    this.#send({ t: 'accept' });
    this.#gate.answered();
    this.#acceptedWith = local;
    this.#answerOffer();
    // The caller offers as soon as our channel opens; without its offer there is no call.
    this.#later(() => {
      if (!this.#mediaCall && !this.#finished) void this.#finish('failed', 'connection-lost');
    }, OFFER_WAIT_MS);
  }

  /** Callee: answers the caller's held media offer once Accept has the local media. */
  #answerOffer(): void {
    const offer = this.#offer;
    const local = this.#acceptedWith;
    if (!offer || !local || this.#mediaCall || this.#finished) return;
    // PeerJS makes the answering side's RTCPeerConnection here, and replays the candidates
    // that arrived while the offer waited.
    offer.answer(local);
    this.#attachMedia(offer);
  }

  async decline(): Promise<void> {
    if (this.#view.state !== 'ringing') return;
    this.#send({ t: 'decline' });
    await this.#finish('declined', 'declined-by-me');
  }

  // ── media and binding ────────────────────────────────────────────────────────────────

  #attachMedia(call: MediaConnection): void {
    this.#mediaCall = call;
    call.on('stream', (remote) => {
      // The callee's media can overtake its "accept" on the control channel.
      if (this.#view.state === 'calling') {
        this.#update({ state: 'connecting', text: t('call_connecting') });
      }
      // Shown and played only once the binding verified.
      this.#gate.remoteArrived(remote);
      void this.#startBinding();
    });
    call.on('close', () => {
      if (!this.#finished) void this.#endByThem(this.#endedByThem());
    });
    const pc = call.peerConnection;
    const watch = () => {
      const s = pc.connectionState;
      if (s === 'connected') {
        // From here the peer's binding must come within seconds.
        this.#gate.expectBinding();
        void this.#startBinding();
      }
      if (s === 'failed' || s === 'closed') {
        if (!this.#finished) void this.#endByThem(this.#endedByThem());
      }
      if (s === 'disconnected') {
        this.#packetsStopped = true;
        // A blip recovers within seconds; a pulled cable does not.
        this.#later(() => {
          if (pc.connectionState === 'disconnected' && !this.#finished) {
            void this.#finish('ended', 'connection-lost');
          }
        }, DISCONNECTED_GRACE_MS);
      }
    };
    pc.addEventListener('connectionstatechange', watch);
  }

  async #startBinding(): Promise<void> {
    const pc = this.#mediaCall?.peerConnection;
    if (this.#bindingStarted || !pc || !this.#keys || !pc.remoteDescription) return;
    if (pc.connectionState !== 'connected') return;
    this.#bindingStarted = true;
    this.#gate.expectBinding();
    const own = extractFingerprint(pc.localDescription?.sdp);
    const peer = extractFingerprint(pc.remoteDescription.sdp);
    if (!own.ok || !peer.ok) return this.#gate.fail();
    const ours = { own: own.fingerprint, peer: peer.fingerprint };
    this.#ourView = ours;
    const { callId, peerKey } = this.#keys;
    const signed = await callVault('call.bind', { callId, ...ours });
    if (!signed.ok)
      return this.#finish('failed', signed.error.code === 'LOCKED' ? 'locked' : 'internal');
    this.#ourBinding = signed.value.signature;
    this.#send({ t: 'bind', signature: signed.value.signature });
    this.#gate.ourView((theirs) => verifyBinding(theirs, peerKey, { callId, ...ours }));
  }

  /** The peer's binding verified (the gate has enabled our tracks): the call is connected. */
  #connected(theirs: string): void {
    const ours = this.#ourView;
    if (!ours || !this.#keys || this.#ourBinding === null || this.#finished) return;
    const { callId, peerKey, ownKey } = this.#keys;
    const me = { identityKey: ownKey, fingerprint: ours.own, binding: this.#ourBinding };
    const them = { identityKey: peerKey, fingerprint: ours.peer, binding: theirs };
    const sas =
      this.start.role === 'caller'
        ? shortAuthenticationString(callId, me, them)
        : shortAuthenticationString(callId, them, me);
    this.#update({ state: 'connected', text: t('call_connected'), sas, connectedAt: Date.now() });
    this.#watchQuality();
  }

  async #securityFailure(): Promise<void> {
    if (this.#finished) return;
    this.#send({ t: 'hangup' });
    await this.#finish('failed', 'binding');
  }

  #watchQuality(): void {
    const pc = this.#mediaCall?.peerConnection;
    if (!pc || this.#statsTimer) return;
    const sample = async () => {
      const report = await pc.getStats().catch(() => null);
      if (!report) return;
      const stats = readCallStats([...report.values()] as StatLike[]);
      const quality = callQuality(stats, this.#lastBytes);
      this.#lastBytes = stats.bytes;
      const { bytes, frames, route } = stats;
      this.#update({ quality, received: { bytes, frames }, route });
    };
    void sample();
    this.#statsTimer = setInterval(sample, 1000);
  }

  // ── controls ─────────────────────────────────────────────────────────────────────────

  toggleMute(): void {
    const muted = !this.#view.muted;
    for (const track of this.#view.local?.getAudioTracks() ?? []) track.enabled = !muted;
    this.#gate.setOff('audio', muted);
    this.#update({ muted });
  }

  toggleCamera(): void {
    const cameraOff = !this.#view.cameraOff;
    for (const track of this.#view.local?.getVideoTracks() ?? []) track.enabled = !cameraOff;
    this.#gate.setOff('video', cameraOff);
    this.#update({ cameraOff });
  }

  /** Switches the microphone or camera to another device, in the running call. */
  async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    const local = this.#sending;
    const preview = this.#view.local;
    if (!local || !preview) return;
    const constraints =
      kind === 'audioinput'
        ? { audio: { deviceId: { exact: deviceId } } }
        : { video: { deviceId: { exact: deviceId } } };
    const fresh = await navigator.mediaDevices.getUserMedia(constraints).catch(() => null);
    const track = fresh?.getTracks()[0];
    if (!track) return;
    const old = kind === 'audioinput' ? local.getAudioTracks()[0] : local.getVideoTracks()[0];
    const sender = this.#mediaCall?.peerConnection
      ?.getSenders()
      .find((s) => s.track?.kind === track.kind);
    await sender?.replaceTrack(track);
    if (old) {
      local.removeTrack(old);
      old.stop();
    }
    const oldShown =
      kind === 'audioinput' ? preview.getAudioTracks()[0] : preview.getVideoTracks()[0];
    if (oldShown) {
      preview.removeTrack(oldShown);
      oldShown.stop();
    }
    const shown = track.clone();
    shown.enabled = kind === 'audioinput' ? !this.#view.muted : !this.#view.cameraOff;
    local.addTrack(track);
    this.#gate.localChanged();
    preview.addTrack(shown);
    this.#update({ local: preview });
  }

  async hangUp(): Promise<void> {
    const state = this.#view.state;
    if (state === 'ringing') return this.decline();
    this.#send({ t: state === 'calling' ? 'cancel' : 'hangup' });
    await this.#finish('ended', state === 'calling' ? 'cancelled' : 'hangup');
  }

  /** The window is closing: tell the other side at once (best effort, synchronous). */
  windowClosing(): void {
    if (this.#finished) return;
    const state = this.#view.state;
    this.#send({ t: state === 'ringing' ? 'decline' : state === 'calling' ? 'cancel' : 'hangup' });
    this.#teardown();
  }

  // ── ending ───────────────────────────────────────────────────────────────────────────

  async #finish(state: 'ended' | 'declined' | 'failed', reason: EndReason): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.#gate.stop();
    // Said once the other side has heard it: until then, the background answers for a
    // window that closes (#flush reports it otherwise).
    if (this.#unsent.length === 0) this.#report({ t: 'finished' });
    const handle = this.#view.handle;
    this.#update({
      state,
      reason,
      text: TEXT.end(reason, handle, this.#view.media),
      quality: null,
    });
    // Let a last control message leave before the channel goes (waiting for it to open if
    // it has not yet, for a few seconds at most).
    const leave = (waited: number) => {
      if (this.#unsent.length > 0 && waited < 3000) setTimeout(() => leave(waited + 100), 100);
      // A metadata answer needs its offer to leave before the peer goes.
      else setTimeout(() => this.#teardown(), this.#relayed ? 1500 : 300);
    };
    leave(0);
    await this.#record(reason);
  }

  #teardown(): void {
    this.#tornDown = true;
    this.#port?.disconnect();
    this.#port = null;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    this.#statsTimer = null;
    this.#mediaCall?.close();
    if (this.#offer !== this.#mediaCall) this.#offer?.close();
    this.#control?.close();
    // Still ringing there: the listener reads this as our cancel.
    this.#toPresence?.close();
    this.#peer?.destroy();
    for (const track of this.#view.local?.getTracks() ?? []) track.stop();
    for (const track of this.#sending?.getTracks() ?? []) track.stop();
    if (this.#keys) void browser.notifications?.clear(this.#keys.callId).catch(() => {});
  }

  async #record(reason: EndReason): Promise<void> {
    if (!this.#keys || !this.#view.handle) return;
    const outcome: CallLogEntry['outcome'] =
      this.#view.connectedAt !== null || reason === 'hangup' || reason === 'remote-hangup'
        ? 'answered'
        : reason === 'binding'
          ? 'sas-mismatch'
          : reason === 'declined' || reason === 'declined-by-me' || reason === 'busy'
            ? 'declined'
            : reason === 'missed' || reason === 'no-answer' || reason === 'cancelled'
              ? 'missed'
              : 'failed';
    await callVault('call.record', {
      id: this.#keys.callId,
      handle: this.#view.handle,
      direction: this.start.role === 'caller' ? 'out' : 'in',
      media: this.#view.media,
      startedAt: this.#startedAt,
      endedAt: Date.now(),
      outcome,
    });
  }
}
