/**
 * The media gate of one call window. The signaling server carries the SDP, so until the
 * peer's signed fingerprint binding (lib/calls/binding.ts) has verified, the browser at the
 * other end of our DTLS may be the server's: nothing of ours may reach it (our tracks stay
 * disabled, so only silence and black frames are sent) and nothing of its may be shown or
 * played (the remote stream is held back). A binding that never comes is as bad as a wrong
 * one — otherwise a middle could simply drop `bind` — so both end the call as "Security
 * check failed". Pure: the clock and what happens on each outcome are injected.
 */

/** How long, after media connects (or we sent our binding), the peer's binding may take. */
export const BINDING_WAIT_MS = 5000;

/**
 * How long, after the call was answered, until the binding must have verified. It also caps
 * the time a middle holding both identity keys has to search for certificates that make the
 * short authentication string match (lib/calls/sas.ts).
 */
export const CALL_SETUP_LIMIT_MS = 30_000;

/** The slice of a MediaStreamTrack the gate switches. */
export interface GateTrack {
  readonly kind: string;
  enabled: boolean;
}

export interface GateDeps<Remote> {
  /** The tracks we send, read each time (a device switch replaces one). */
  localTracks(): GateTrack[];
  /** The peer's binding verified (their signature): the call is connected. */
  verified(theirs: string): void;
  /** The remote stream may now be attached to media elements (once verified and arrived). */
  showRemote(remote: Remote): void;
  /** No binding in time, or a wrong one: end the call with reason 'binding'. */
  failed(): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type GateState = 'closed' | 'open' | 'failed';

type Kind = 'audio' | 'video';

export class MediaGate<Remote> {
  #state: GateState = 'closed';
  /** What the person switched off (mute, camera off), kept while closed, applied once open. */
  #off: Record<Kind, boolean> = { audio: false, video: false };
  #remote: Remote | null = null;
  #theirs: string | null = null;
  #check: ((signature: string) => boolean) | null = null;
  #bindingTimer: unknown = null;
  #setupTimer: unknown = null;

  constructor(private readonly deps: GateDeps<Remote>) {}

  get state(): GateState {
    return this.#state;
  }

  /**
   * The peer's binding is due (media connected, or ours sent) and has not verified yet. A call
   * that the other side (or whoever sits between) ends now never passed the security check,
   * and must not read as an ordinary end.
   */
  get checking(): boolean {
    return this.#state === 'closed' && this.#bindingTimer !== null;
  }

  /** Whether a track of this kind may be on now. */
  enabledFor(kind: string): boolean {
    return (
      this.#state === 'open' && !(kind === 'audio' || kind === 'video' ? this.#off[kind] : true)
    );
  }

  /** Local media arrived or a track was replaced: it stays off until the gate opens. */
  localChanged(): void {
    this.#apply();
  }

  /** Mute or camera off (and back): remembered while closed, applied once open. */
  setOff(kind: Kind, off: boolean): void {
    this.#off[kind] = off;
    this.#apply();
  }

  /** The remote stream: held back until the binding verified. */
  remoteArrived(remote: Remote): void {
    this.#remote = remote;
    if (this.#state === 'open') this.deps.showRemote(remote);
  }

  /** The call was answered (caller: our offer is on its way; callee: Accept). */
  answered(): void {
    if (this.#state !== 'closed' || this.#setupTimer !== null) return;
    this.#setupTimer = this.deps.setTimeout(() => this.#fail(), CALL_SETUP_LIMIT_MS);
  }

  /** Media connected, or we sent our binding: theirs must verify within BINDING_WAIT_MS. */
  expectBinding(): void {
    if (this.#state !== 'closed' || this.#bindingTimer !== null) return;
    this.#bindingTimer = this.deps.setTimeout(() => this.#fail(), BINDING_WAIT_MS);
  }

  /** Our own view of the fingerprints is known: how to check their signature against it. */
  ourView(check: (signature: string) => boolean): void {
    if (this.#check) return;
    this.#check = check;
    this.#decide();
  }

  /** Their `bind` message. The first one decides; any later one is ignored. */
  theirs(signature: string): void {
    if (this.#theirs !== null) return;
    this.#theirs = signature;
    this.#decide();
  }

  /** Our side cannot bind (no usable fingerprint in the SDP): the same failure. */
  fail(): void {
    this.#fail();
  }

  /** The call ended for another reason: no timer may fire after it. */
  stop(): void {
    this.#clearTimers();
  }

  #decide(): void {
    if (this.#state !== 'closed' || !this.#check || this.#theirs === null) return;
    if (!this.#check(this.#theirs)) {
      this.#fail();
      return;
    }
    this.#state = 'open';
    this.#clearTimers();
    this.#apply();
    this.deps.verified(this.#theirs);
    if (this.#remote !== null) this.deps.showRemote(this.#remote);
  }

  #fail(): void {
    if (this.#state !== 'closed') return;
    this.#state = 'failed';
    this.#clearTimers();
    this.#apply();
    this.deps.failed();
  }

  #apply(): void {
    for (const track of this.deps.localTracks()) track.enabled = this.enabledFor(track.kind);
  }

  #clearTimers(): void {
    for (const timer of [this.#bindingTimer, this.#setupTimer]) {
      if (timer !== null) this.deps.clearTimeout(timer);
    }
    this.#bindingTimer = null;
    this.#setupTimer = null;
  }
}
