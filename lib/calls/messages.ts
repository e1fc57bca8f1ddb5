/**
 * What call windows and presence listeners say to each other over PeerJS data connections
 * (JSON). Everything arriving is checked here; anything else is ignored. docs/PROTOCOL.md.
 */
export type ControlMessage =
  /** Caller → presence: the signed ring. */
  | { t: 'ring'; ring: string }
  /** Presence → caller: the callee's answer to a ring. */
  | { t: 'ringing' | 'busy' | 'unavailable' }
  /** Callee's call window → caller: ringing here / picked up / declined / gave up after 45 s. */
  | { t: 'alerting' | 'accept' | 'decline' | 'timeout' }
  /**
   * Caller → callee's presence listener, on the ring's own connection: stopped calling before
   * an answer (the ringing window has no connection to the caller to hear it on).
   */
  | { t: 'cancel' }
  /** Either side: its signed view of the DTLS fingerprints (lib/calls/binding.ts). */
  | { t: 'bind'; signature: string }
  /** Either side: the call is over. */
  | { t: 'hangup' };

const BARE = new Set([
  'ringing',
  'busy',
  'unavailable',
  'alerting',
  'accept',
  'decline',
  'timeout',
  'cancel',
  'hangup',
]);

export function readControlMessage(data: unknown): ControlMessage | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const message = data as Record<string, unknown>;
  const keys = Object.keys(message);
  if (typeof message.t !== 'string') return null;
  if (BARE.has(message.t) && keys.length === 1) return { t: message.t } as ControlMessage;
  if (
    message.t === 'ring' &&
    keys.length === 2 &&
    typeof message.ring === 'string' &&
    message.ring.length <= 400
  ) {
    return { t: 'ring', ring: message.ring };
  }
  if (
    message.t === 'bind' &&
    keys.length === 2 &&
    typeof message.signature === 'string' &&
    message.signature.length <= 200
  ) {
    return { t: 'bind', signature: message.signature };
  }
  return null;
}

/**
 * The callee's answer carried in a connection's metadata, never opening a channel: from its
 * presence listener when the ringing window closed unanswered ("decline"), or from the ringing
 * window itself, which connects to the caller only after Accept and so answers "decline" or
 * "timeout" this way (PeerJS sends metadata with the offer, through the server).
 */
export function relayedAnswer(metadata: unknown, callId: string): 'decline' | 'timeout' | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const fields = metadata as Record<string, unknown>;
  if (fields.callId !== callId) return null;
  return fields.t === 'decline' || fields.t === 'timeout' ? fields.t : null;
}

export function isRelayedDecline(metadata: unknown, callId: string): boolean {
  return relayedAnswer(metadata, callId) === 'decline';
}

/** How long a callee rings before the call counts as missed. */
export const RING_TIMEOUT_MS = 45_000;
/** How long a caller waits for the callee's presence to answer the ring. */
export const RING_ANSWER_TIMEOUT_MS = 10_000;
/**
 * How long a call stays up after the browser reports its connection `disconnected` (no
 * packets for a few seconds): a blip recovers within it, a lost network or a dead browser
 * does not.
 */
export const DISCONNECTED_GRACE_MS = 8000;

/**
 * How long a caller waits, after the ringing window's channel closes unanswered, for the
 * callee's browser to say whether that was a decline (its window was closed) before calling
 * it "no answer" (the browser crashed or went offline).
 */
export const ABANDONED_RING_GRACE_MS = 5000;

/**
 * How long the callee, after Accept, waits for the caller's media offer (the caller sends it
 * as soon as the control connection Accept opens) before the call fails.
 */
export const OFFER_WAIT_MS = 10_000;
