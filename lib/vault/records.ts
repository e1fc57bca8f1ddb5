/**
 * How the vault's state maps onto `lib/store` records (shapes in `lib/store/types.ts`):
 *
 * | store      | key                      | what                                                    |
 * | ---------- | ------------------------ | ------------------------------------------------------- |
 * | identity   | 'identity'               | our identity (`IdentityRecord`)                         |
 * | identity   | [signedPrekey, id]       | X25519 half of a signed prekey (one signature for both) |
 * | identity   | [kemPrekey, id]          | ML-KEM-768 half of the same prekey                      |
 * | contacts   | handle                   | TOFU pin, key history, verification                     |
 * | sessions   | conversation id          | `ConversationState` (below) as `SessionRecord.state`    |
 * | messages   | message id               | plaintext and metadata (see `ids.ts` for the ids)       |
 * | drafts     | conversation id          | unsent text                                             |
 * | settings   | `vault:session:<sid>`    | every session id ever started or accepted: replay guard |
 * | settings   | `vault:parts:<conv>:<id>`| envelope parts waiting for the rest (or the id they made)|
 * | settings   | `vault:parts-pending`    | which part groups are still incomplete (bounded)        |
 *
 * Everything read back is validated; a record that does not have the shape we write is
 * treated as damage (`INTERNAL`), never trusted.
 */
import {
  exportSession,
  type Identity,
  importIdentity,
  importSession,
  type PrekeyRing,
  type RetiredPrekey,
  type SessionState,
  type SignedPrekey,
} from '../crypto';
import type { IdentityRecord, IdentityStoreRecord, PrekeyRecord } from '../store';
import { VaultError } from './errors';

// ── identity and prekeys ───────────────────────────────────────────────────────────────

export function identityToRecord(id: Identity, createdAt: number): IdentityRecord {
  return {
    kind: 'identity',
    createdAt,
    signingPublicKey: id.signingKey,
    signingPrivateKey: id.signingSecret,
    dhPublicKey: id.dhKey,
    dhPrivateKey: id.dhSecret,
    dhSignature: id.dhSignature,
  };
}

export function identityFromRecord(r: IdentityRecord): Identity {
  const parsed = importIdentity({
    v: 1,
    signingSecret: r.signingPrivateKey,
    signingKey: r.signingPublicKey,
    dhSecret: r.dhPrivateKey,
    dhKey: r.dhPublicKey,
    dhSignature: r.dhSignature,
  });
  if (!parsed.ok) throw new VaultError('INTERNAL');
  return parsed.value;
}

/** A signed prekey as its two records (the signature covers both halves). */
export function prekeyToRecords(p: SignedPrekey, retiredAt?: number): [PrekeyRecord, PrekeyRecord] {
  const common = { id: p.id, createdAt: p.createdAt, signature: p.signature };
  const retired = retiredAt === undefined ? {} : { retiredAt };
  return [
    { kind: 'signedPrekey', ...common, publicKey: p.dhKey, privateKey: p.dhSecret, ...retired },
    { kind: 'kemPrekey', ...common, publicKey: p.kemKey, privateKey: p.kemSecret, ...retired },
  ];
}

/** Rebuild the prekey ring from the identity store's records; null if there is none. */
export function ringFromRecords(records: readonly IdentityStoreRecord[]): PrekeyRing | null {
  const dh = new Map<number, PrekeyRecord>();
  const kem = new Map<number, PrekeyRecord>();
  for (const r of records) {
    if (r.kind === 'signedPrekey') dh.set(r.id, r);
    else if (r.kind === 'kemPrekey') kem.set(r.id, r);
  }
  let current: SignedPrekey | null = null;
  const retired: RetiredPrekey[] = [];
  for (const [id, d] of dh) {
    const k = kem.get(id);
    if (!k) throw new VaultError('INTERNAL');
    const prekey: SignedPrekey = {
      id,
      createdAt: d.createdAt,
      dhSecret: d.privateKey,
      dhKey: d.publicKey,
      kemSecret: k.privateKey,
      kemKey: k.publicKey,
      signature: d.signature,
    };
    if (d.retiredAt === undefined) {
      // Exactly one current prekey; if a crash ever left two, the newer one wins.
      if (current && current.createdAt > prekey.createdAt) {
        retired.push({ prekey, retiredAt: current.createdAt });
      } else {
        if (current) retired.push({ prekey: current, retiredAt: prekey.createdAt });
        current = prekey;
      }
    } else {
      retired.push({ prekey, retiredAt: d.retiredAt });
    }
  }
  if (kem.size !== dh.size) throw new VaultError('INTERNAL');
  if (!current) return null;
  return { v: 1, current, retired };
}

// ── conversations ──────────────────────────────────────────────────────────────────────

/** One ratchet session of a conversation. */
export interface StoredSession {
  state: SessionState;
  createdAt: number;
  /** Last encrypt or successful decrypt on it. */
  lastUsedAt: number;
}

/** `SessionRecord.state` of a conversation: everything the ratchet needs, plain data. */
export interface ConversationState {
  v: 1;
  /** Bumped on every write: a commit whose snapshot is stale retries instead of overwriting. */
  rev: number;
  /** The partner (normalised handle) the conversation was first bound to. */
  handle: string;
  /** Live sessions, oldest first; bounded (see `sessions.ts`). */
  sessions: StoredSession[];
  /** The session `encrypt` uses, or null. */
  activeSessionId: string | null;
  /** Our latest invite here, until a session is established. */
  inviteSent: { messageId: string; at: number } | null;
  /** Their latest invite here that we have not accepted. */
  inviteReceived: { messageId: string; at: number } | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function parseMark(v: unknown): { messageId: string; at: number } | null {
  if (v === null || v === undefined) return null;
  if (!isRecord(v) || typeof v.messageId !== 'string' || !isFiniteNumber(v.at)) {
    throw new VaultError('INTERNAL');
  }
  return { messageId: v.messageId, at: v.at };
}

/** Validate a stored conversation state (fresh copies of every session). */
export function parseConversation(raw: unknown): ConversationState {
  if (!isRecord(raw) || raw.v !== 1 || !Number.isInteger(raw.rev)) throw new VaultError('INTERNAL');
  if (typeof raw.handle !== 'string' || !Array.isArray(raw.sessions)) {
    throw new VaultError('INTERNAL');
  }
  const sessions = raw.sessions.map((s): StoredSession => {
    if (!isRecord(s) || !isFiniteNumber(s.createdAt) || !isFiniteNumber(s.lastUsedAt)) {
      throw new VaultError('INTERNAL');
    }
    const state = importSession(s.state);
    if (!state.ok) throw new VaultError('INTERNAL');
    return { state: state.value, createdAt: s.createdAt, lastUsedAt: s.lastUsedAt };
  });
  const active = raw.activeSessionId;
  if (active !== null && typeof active !== 'string') throw new VaultError('INTERNAL');
  return {
    v: 1,
    rev: raw.rev as number,
    handle: raw.handle,
    sessions,
    activeSessionId: active,
    inviteSent: parseMark(raw.inviteSent),
    inviteReceived: parseMark(raw.inviteReceived),
  };
}

/** The plain-data form written to the store. */
export function serialiseConversation(c: ConversationState): ConversationState {
  return {
    ...c,
    sessions: c.sessions.map((s) => ({ ...s, state: exportSession(s.state) })),
  };
}

export function emptyConversation(handle: string): ConversationState {
  return {
    v: 1,
    rev: 0,
    handle,
    sessions: [],
    activeSessionId: null,
    inviteSent: null,
    inviteReceived: null,
  };
}

// ── settings-store bookkeeping ─────────────────────────────────────────────────────────

export const SETTING_PREFIX = 'vault:';

/** Name of the replay-guard record of a session id. */
export function sessionIndexName(sessionId: string): string {
  return `${SETTING_PREFIX}session:${sessionId}`;
}

/** Every session id ever started or accepted, with the conversation it belongs to. */
export interface SessionIndexEntry {
  conversationId: string;
  handle: string;
  createdAt: number;
}

export function parseSessionIndex(raw: unknown): SessionIndexEntry {
  if (
    !isRecord(raw) ||
    typeof raw.conversationId !== 'string' ||
    typeof raw.handle !== 'string' ||
    !isFiniteNumber(raw.createdAt)
  ) {
    throw new VaultError('INTERNAL');
  }
  return { conversationId: raw.conversationId, handle: raw.handle, createdAt: raw.createdAt };
}

/** Name of the record collecting the parts of one split envelope in one conversation. */
export function partGroupName(conversationId: string, partId: string): string {
  return `${SETTING_PREFIX}parts:${partId}:${conversationId}`;
}

export const PARTS_PENDING_NAME = `${SETTING_PREFIX}parts-pending`;

/** Where a candidate part text belongs: its index among `total` parts. */
export interface PartSlot {
  index: number;
  total: number;
}

/** Parts of one split envelope seen in one conversation. */
export interface PartGroup {
  conversationId: string;
  partId: string;
  /** The part count of the first part seen (candidates may claim others: see `slots`). */
  total: number;
  firstSeen: number;
  /**
   * Candidate part texts, distinct, in arrival order (a bounded few per index: the host may
   * show a forged text for an index before the real one, and only joining tells them apart);
   * emptied once the message is complete.
   */
  parts: string[];
  /**
   * Where each entry of `parts` belongs. Absent in records from before candidates were kept
   * (then `parts` held one text per index, '' for one not seen yet) and in completed groups.
   */
  slots?: PartSlot[];
  /** Set once complete: the message id the joined envelope got. */
  messageId: string | null;
}

/** A part group as read: candidates always with their slots (older records are migrated). */
export type CollectedParts = PartGroup & { slots: PartSlot[] };

function isSlot(v: unknown): v is PartSlot {
  return (
    isRecord(v) &&
    Number.isInteger(v.index) &&
    Number.isInteger(v.total) &&
    (v.total as number) >= 2 &&
    (v.total as number) <= 255 &&
    (v.index as number) >= 1 &&
    (v.index as number) <= (v.total as number)
  );
}

export function parsePartGroup(raw: unknown): CollectedParts {
  if (
    !isRecord(raw) ||
    typeof raw.conversationId !== 'string' ||
    typeof raw.partId !== 'string' ||
    !Number.isInteger(raw.total) ||
    !isFiniteNumber(raw.firstSeen) ||
    !Array.isArray(raw.parts) ||
    !raw.parts.every((p) => typeof p === 'string') ||
    (raw.messageId !== null && typeof raw.messageId !== 'string')
  ) {
    throw new VaultError('INTERNAL');
  }
  const total = raw.total as number;
  const texts = raw.parts as string[];
  let parts: string[];
  let slots: PartSlot[];
  if (raw.slots === undefined) {
    // Written before candidates were kept: one text per index (index - 1), '' = not seen yet.
    parts = [];
    slots = [];
    texts.forEach((text, i) => {
      if (text === '' || i >= total) return;
      parts.push(text);
      slots.push({ index: i + 1, total });
    });
  } else {
    if (
      !Array.isArray(raw.slots) ||
      raw.slots.length !== texts.length ||
      !raw.slots.every(isSlot) ||
      texts.some((t) => t === '')
    ) {
      throw new VaultError('INTERNAL');
    }
    parts = [...texts];
    slots = raw.slots.map((s) => ({ index: s.index, total: s.total }));
  }
  return {
    conversationId: raw.conversationId,
    partId: raw.partId,
    total,
    firstSeen: raw.firstSeen,
    parts,
    slots,
    messageId: raw.messageId,
  };
}

/** Incomplete part groups, oldest first, with their size, to bound what they hold. */
export interface PendingParts {
  groups: { name: string; at: number; chars: number }[];
}

export function parsePendingParts(raw: unknown): PendingParts {
  if (raw === undefined) return { groups: [] };
  if (!isRecord(raw) || !Array.isArray(raw.groups)) throw new VaultError('INTERNAL');
  const groups = raw.groups.map((g) => {
    if (
      !isRecord(g) ||
      typeof g.name !== 'string' ||
      !isFiniteNumber(g.at) ||
      !isFiniteNumber(g.chars)
    ) {
      throw new VaultError('INTERNAL');
    }
    return { name: g.name, at: g.at, chars: g.chars };
  });
  return { groups };
}
