/**
 * One call, from either side: media, PeerJS, the control channel, fingerprint binding and the
 * SAS. The window renders `CallView`; everything that can fail ends in a state with a
 * sentence the user can act on (public/_locales, through texts.ts and t()).
 *
 * Caller: getUserMedia → signed ring to the callee's presence address → the callee's ringing
 * window gets its media (the preview) and opens a control connection to our per-call peer id
 * → accept → it calls us with its media → we answer with ours. Both then sign their view of
 * the DTLS fingerprints.
 */
import Peer, { type DataConnection, type MediaConnection } from 'peerjs';
import { browser } from 'wxt/browser';
import { type CallMedia, newPeerId } from '@/lib/calls';
import { verifyBinding } from '@/lib/calls/binding';
import {
  ABANDONED_RING_GRACE_MS,
  type ControlMessage,
  DISCONNECTED_GRACE_MS,
  isRelayedDecline,
  OFFER_WAIT_MS,
  RING_ANSWER_TIMEOUT_MS,
  RING_TIMEOUT_MS,
  readControlMessage,
} from '@/lib/calls/messages';
import { peerJsOptions } from '@/lib/calls/peer-options';
import { shortAuthenticationString } from '@/lib/calls/sas';
import { type DtlsFingerprint, extractFingerprint } from '@/lib/calls/sdp';
import { callQuality, type Quality, readCallStats, type StatLike } from '@/lib/calls/stats';
import { CALL_WINDOW_PORT, type CallWindowReport } from '@/lib/calls/window-port';
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
  #mediaCall: MediaConnection | null = null;
  /** Callee: the caller's media offer, held unanswered until Accept. */
  #offer: MediaConnection | null = null;
  /** Callee: the local media Accept answers with. */
  #acceptedWith: MediaStream | null = null;
  /** Callee: Accept was pressed (the window may still say "ringing" for a moment). */
  #accepted = false;
  #keys: Keys | null = null;
  #callerPeerId: string | null = null;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  #theirBinding: string | null = null;
  #ourView: { own: DtlsFingerprint; peer: DtlsFingerprint } | null = null;
  #bindingStarted = false;
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

  #later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
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
   * Asks for the microphone (and camera) once per window. Both sides start this before the
   * call needs it — the caller before ringing, the callee as its window starts ringing — so
   * the device start-up (up to a few hundred ms) is not between Accept and media flowing.
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
          this.#update({ local: stream });
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
    if (!presenceAddress) return this.#finish('failed', 'no-address');
    this.#keys = { callId, peerKey: fromHex(peerKey)!, ownKey: fromHex(ownKey)! };
    this.#startedAt = Date.now();

    // The callee's window reaches us here once it rings.
    peer.on('connection', (connection) => {
      if (isRelayedDecline(connection.metadata, callId)) {
        connection.close();
        if (this.#view.state === 'calling') void this.#finish('declined', 'declined');
        return;
      }
      const metadata = connection.metadata as { callId?: unknown } | undefined;
      if (this.#control || metadata?.callId !== callId) return connection.close();
      this.#attachControl(connection);
      // Our media offer waits at the ringing window, which answers it on Accept: one
      // signaling round trip fewer between Accept and media than the window calling us then.
      // Its candidates reach us only in that answer.
      connection.on('open', () => {
        if (this.#mediaCall || this.#view.state !== 'calling') return;
        this.#attachMedia(peer.call(connection.peer, local, { metadata: { callId } }));
      });
    });
    // Nobody calls a caller.
    peer.on('call', (call) => call.close());

    const toPresence = peer.connect(presenceAddress, { serialization: 'json', reliable: true });
    let answered = false;
    toPresence.on('open', () => toPresence.send({ t: 'ring', ring }));
    toPresence.on('data', (data) => {
      const message = readControlMessage(data);
      if (!message || answered) return;
      answered = true;
      toPresence.close();
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
    // The ringing window shows the local preview, as call apps do; a refusal or a missing
    // device is reported if Bob accepts (he may well decline instead).
    void this.#acquire();
    const peer = await this.#newPeer();
    if (!peer) return false;
    // Declined before the peer was up: connect only to deliver that answer.
    if (this.#finished && this.#unsent.length === 0) return false;
    const control = peer.connect(ring.peerId, {
      serialization: 'json',
      reliable: true,
      metadata: { callId },
    });
    this.#attachControl(control);
    if (!this.#finished) control.on('open', () => control.send({ t: 'alerting' }));
    // The caller offers its media as soon as we ring; it waits here, unanswered (nothing of
    // ours reaches the caller), until Accept.
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
      } else void this.#finish('ended', this.#endedByThem());
    });
  }

  /**
   * Why a call that was under way ended when its connection closed. The window that closes
   * says `hangup` as it goes, but that message can lose the race with its own teardown. A
   * window that closes (or a browser that quits) also closes its connections, so ours close
   * at once while packets still flowed; a network that goes away or a process that dies
   * first stops the packets, and the connection is `disconnected` seconds before it closes.
   */
  #endedByThem(): 'remote-hangup' | 'connection-lost' {
    return this.#packetsStopped ? 'connection-lost' : 'remote-hangup';
  }

  /** Sends now, or as soon as the channel opens (a quick "Decline" can beat its opening). */
  #send(message: ControlMessage): void {
    const control = this.#control;
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
        if (state === 'ringing') await this.#finish('ended', 'missed');
        break;
      case 'hangup':
        await this.#finish('ended', 'remote-hangup');
        break;
      case 'bind':
        this.#theirBinding = message.signature;
        await this.#checkBinding();
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
    this.#send({ t: 'accept' });
    this.#acceptedWith = local;
    this.#answerOffer();
    // The caller's offer is normally here long before Accept; without it there is no call.
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
      this.#update({ remote });
      void this.#startBinding();
    });
    call.on('close', () => {
      if (!this.#finished) void this.#finish('ended', this.#endedByThem());
    });
    const pc = call.peerConnection;
    const watch = () => {
      const s = pc.connectionState;
      if (s === 'connected') void this.#startBinding();
      if (s === 'failed' || s === 'closed') {
        if (!this.#finished) void this.#finish('ended', this.#endedByThem());
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
    if (this.#bindingStarted || !pc || !this.#keys || !this.#view.remote) return;
    if (pc.connectionState !== 'connected') return;
    this.#bindingStarted = true;
    const own = extractFingerprint(pc.localDescription?.sdp);
    const peer = extractFingerprint(pc.remoteDescription?.sdp);
    if (!own.ok || !peer.ok) return this.#securityFailure();
    this.#ourView = { own: own.fingerprint, peer: peer.fingerprint };
    const signed = await callVault('call.bind', {
      callId: this.#keys.callId,
      own: own.fingerprint,
      peer: peer.fingerprint,
    });
    if (!signed.ok)
      return this.#finish('failed', signed.error.code === 'LOCKED' ? 'locked' : 'internal');
    this.#send({ t: 'bind', signature: signed.value.signature });
    await this.#checkBinding();
  }

  async #checkBinding(): Promise<void> {
    const ours = this.#ourView;
    const theirs = this.#theirBinding;
    if (!ours || theirs === null || !this.#keys || this.#view.sas) return;
    const { callId, peerKey, ownKey } = this.#keys;
    if (!verifyBinding(theirs, peerKey, { callId, ...ours })) return this.#securityFailure();
    const me = { identityKey: ownKey, fingerprint: ours.own };
    const them = { identityKey: peerKey, fingerprint: ours.peer };
    const sas =
      this.start.role === 'caller'
        ? shortAuthenticationString(callId, me, them)
        : shortAuthenticationString(callId, them, me);
    this.#update({ state: 'connected', text: t('call_connected'), sas, connectedAt: Date.now() });
    this.#watchQuality();
  }

  async #securityFailure(): Promise<void> {
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
    this.#update({ muted });
  }

  toggleCamera(): void {
    const cameraOff = !this.#view.cameraOff;
    for (const track of this.#view.local?.getVideoTracks() ?? []) track.enabled = !cameraOff;
    this.#update({ cameraOff });
  }

  /** Switches the microphone or camera to another device, in the running call. */
  async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    const local = this.#view.local;
    if (!local) return;
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
    track.enabled = kind === 'audioinput' ? !this.#view.muted : !this.#view.cameraOff;
    local.addTrack(track);
    this.#update({ local });
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
      else setTimeout(() => this.#teardown(), 300);
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
    this.#peer?.destroy();
    for (const track of this.#view.local?.getTracks() ?? []) track.stop();
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
