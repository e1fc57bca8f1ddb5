/**
 * Which session of a conversation sends, as pure functions over `ConversationState`.
 *
 * A conversation can hold several sessions: a new one starts whenever either side accepts an
 * invite, and both sides may accept each other's invites at once ("session crossing"). Every
 * live session keeps decrypting; exactly one sends (`activeSessionId`):
 *
 * 1. Accepting an invite (we initiate): the new session sends.
 * 2. A new init arrives (they initiated):
 *    - Crossing: if the session we send on is one *we* initiated that has not heard back yet
 *      (its PQXDH header is still pending) and is with the same identity, both sides are in
 *      the same position (each holds its own unanswered session and just received the
 *      other's). Both then send on the session with the smaller session id. Session ids are
 *      the same on both sides, so both pick the same one without another round trip.
 *    - Otherwise the partner started afresh (e.g. they lost their state, or accepted a newer
 *      invite of ours): the new session sends.
 * 3. Receiving on an existing session never switches (no ping-pong under reordering).
 *
 * A new session answers every invite received before it (`inviteReceived` is cleared), so an
 * invite recorded while a session exists is newer than it: the partner started over.
 *
 * Sessions that are not the active one and have been quiet for `SESSION_QUIET_MS` are
 * dropped, and at most `MAX_SESSIONS` are kept. Their ids stay in the replay guard.
 */
import { bytesEqual } from '../crypto';
import type { ContactRecord } from '../store';
import type { ConversationState, StoredSession } from './records';

/** Most sessions kept per conversation. */
export const MAX_SESSIONS = 5;
/** A non-sending session unused this long is dropped. */
export const SESSION_QUIET_MS = 30 * 24 * 60 * 60 * 1000;

export function findSession(
  c: ConversationState | undefined,
  sessionId: string,
): StoredSession | undefined {
  return c?.sessions.find((s) => s.state.sessionId === sessionId);
}

/** The conversation with `updated` replacing the session of the same id. */
export function withSession(c: ConversationState, updated: StoredSession): ConversationState {
  return {
    ...c,
    sessions: c.sessions.map((s) => (s.state.sessionId === updated.state.sessionId ? updated : s)),
  };
}

function prune(c: ConversationState, now: number): ConversationState {
  const live = c.sessions.filter(
    (s) => s.state.sessionId === c.activeSessionId || now - s.lastUsedAt < SESSION_QUIET_MS,
  );
  if (live.length <= MAX_SESSIONS) return { ...c, sessions: live };
  const keepIds = new Set(
    [...live]
      .sort((a, b) => {
        const aActive = a.state.sessionId === c.activeSessionId ? 1 : 0;
        const bActive = b.state.sessionId === c.activeSessionId ? 1 : 0;
        return bActive - aActive || b.lastUsedAt - a.lastUsedAt;
      })
      .slice(0, MAX_SESSIONS)
      .map((s) => s.state.sessionId),
  );
  return { ...c, sessions: live.filter((s) => keepIds.has(s.state.sessionId)) };
}

/** Rule 1: a session we initiated (accepting their invite) sends from now on. */
export function addInitiated(
  c: ConversationState,
  s: StoredSession,
  now: number,
): ConversationState {
  const others = c.sessions.filter((x) => x.state.sessionId !== s.state.sessionId);
  return prune(
    {
      ...c,
      sessions: [...others, s],
      activeSessionId: s.state.sessionId,
      inviteSent: null,
      inviteReceived: null,
    },
    now,
  );
}

/** Rule 2: a session they initiated (their init arrived). */
export function addResponded(
  c: ConversationState,
  s: StoredSession,
  now: number,
): ConversationState {
  const active = findSession(c, c.activeSessionId ?? '');
  let activeId = s.state.sessionId;
  if (
    active &&
    active.state.role === 'initiator' &&
    active.state.pendingInit !== null &&
    bytesEqual(active.state.theirSigningKey, s.state.theirSigningKey)
  ) {
    // Session ids are 16 lower-case hex digits: string order is numeric order.
    activeId = [active.state.sessionId, s.state.sessionId].sort()[0]!;
  }
  return prune(
    {
      ...c,
      sessions: [...c.sessions, s],
      activeSessionId: activeId,
      inviteSent: null,
      inviteReceived: null,
    },
    now,
  );
}

/** After a successful decrypt or encrypt on an existing session. */
export function touched(c: ConversationState, s: StoredSession, now: number): ConversationState {
  const next = withSession(c, s);
  // A reply on a session we initiated means the handshake is complete: our invite is answered.
  return prune({ ...next, inviteSent: next.sessions.length > 0 ? null : next.inviteSent }, now);
}

/** The session `encrypt` may use: the active one, with the currently pinned key. */
export function sendingSession(
  c: ConversationState | undefined,
  contact: ContactRecord | undefined,
): StoredSession | null {
  if (!c || !contact || c.activeSessionId === null) return null;
  const s = findSession(c, c.activeSessionId);
  if (!s?.state.cks || !bytesEqual(s.state.theirSigningKey, contact.identityKey)) return null;
  return s;
}

/**
 * A session they initiated from a key that is not the pinned one (pending the user's
 * decision): it is kept, so its messages decrypt and are held, but nothing changes which
 * session sends, and the invite marks stay as they were.
 */
export function addUntrusted(
  c: ConversationState,
  s: StoredSession,
  now: number,
): ConversationState {
  return prune({ ...c, sessions: [...c.sessions, s] }, now);
}

/**
 * The conversation after the user decided about the contact's key (`pinnedKey` is the key
 * pinned now). Trusting a new key sends on the newest session with it that can send; keeping
 * the old key drops the sessions of any other key, so they decrypt nothing more; blocking
 * changes no session.
 * Returns `c` itself when nothing changes.
 */
export function afterKeyDecision(
  c: ConversationState,
  pinnedKey: Uint8Array,
  decision: 'keep' | 'trust' | 'block',
): ConversationState {
  // Blocked, everything is held and nothing sends (contacts.ts); sessions stay for a later
  // decision either way.
  if (decision === 'block') return c;
  if (decision === 'trust') {
    const active = findSession(c, c.activeSessionId ?? '');
    if (active?.state.cks && bytesEqual(active.state.theirSigningKey, pinnedKey)) return c;
    const candidates = c.sessions
      .filter((s) => s.state.cks && bytesEqual(s.state.theirSigningKey, pinnedKey))
      .sort((a, b) => b.createdAt - a.createdAt);
    const chosen = candidates[0];
    return chosen ? { ...c, activeSessionId: chosen.state.sessionId } : c;
  }
  const kept = c.sessions.filter((s) => bytesEqual(s.state.theirSigningKey, pinnedKey));
  if (kept.length === c.sessions.length) return c;
  const activeKept = kept.some((s) => s.state.sessionId === c.activeSessionId);
  return { ...c, sessions: kept, activeSessionId: activeKept ? c.activeSessionId : null };
}
