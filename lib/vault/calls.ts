/**
 * The vault's part in calls: where this installation listens (its presence address), what
 * contacts told us about theirs, the call log, and turning store records into views. The
 * signing itself happens in `vault.ts` (only it holds the identity secret), with `lib/calls`
 * building every signed byte string, so no caller can make the vault sign anything else.
 */
import type { CallMedia } from '../calls';
import { isPeerId } from '../calls';
import { bytesEqual } from '../crypto';
import type { CallLogRecord, ContactRecord } from '../store';

/** Settings record holding this installation's presence address (vault bookkeeping). */
export const PRESENCE_ADDRESS_NAME = 'vault:presence-address';

/** Longest call log kept; older entries are dropped when a new one is written. */
export const MAX_CALL_LOG = 200;

const OUTCOMES: ReadonlySet<string> = new Set([
  'answered',
  'missed',
  'declined',
  'failed',
  'sas-mismatch',
]);

/**
 * A contact record that remembers the presence address a message from them carried — only
 * when the message came from the key we have pinned for them (a new, unapproved key's
 * address waits until that key is pinned).
 */
export function withPresenceAddress(
  contact: ContactRecord | undefined,
  senderKey: Uint8Array,
  address: string | undefined,
): ContactRecord | null {
  if (!contact || address === undefined || !isPeerId(address)) return null;
  if (!bytesEqual(contact.identityKey, senderKey) || contact.presenceAddress === address) {
    return null;
  }
  return { ...contact, presenceAddress: address };
}

/**
 * The contact who has this key pinned and may call us: not one the user blocked, nor one whose
 * old-style key change waits for approval. (A pending new key does not stop the pinned one.)
 */
export function contactForKey(contacts: ContactRecord[], key: Uint8Array): string | null {
  const found = contacts.find((c) => bytesEqual(c.identityKey, key));
  return found && found.verification.state !== 'changed' && found.blockedAt === undefined
    ? found.handle
    : null;
}

export function callLogView(record: CallLogRecord): CallLogEntry {
  return {
    id: record.id,
    handle: record.peer,
    direction: record.direction,
    media: record.media,
    startedAt: record.startedAt,
    endedAt: record.endedAt ?? null,
    outcome: record.outcome,
  };
}

export function callLogRecord(entry: CallLogEntry): CallLogRecord | null {
  if (
    !OUTCOMES.has(entry.outcome) ||
    (entry.direction !== 'in' && entry.direction !== 'out') ||
    (entry.media !== 'audio' && entry.media !== 'video') ||
    !Number.isFinite(entry.startedAt)
  ) {
    return null;
  }
  return {
    id: entry.id,
    peer: entry.handle,
    direction: entry.direction,
    media: entry.media satisfies CallMedia,
    startedAt: entry.startedAt,
    ...(entry.endedAt === null ? {} : { endedAt: entry.endedAt }),
    outcome: entry.outcome,
  };
}

/** A call about to be placed: the signed ring and what the call window needs to check the callee. */
export interface CallTicket {
  callId: string;
  /**
   * The signed ring (base64url), for the callee's presence listener; null while the callee's
   * presence address is unknown (the ring names it).
   */
  ring: string | null;
  /** Where the callee listens; null until a message from them told us. */
  presenceAddress: string | null;
  /** The callee's pinned identity key and ours (hex): binding checks and the SAS use them. */
  peerKey: string;
  ownKey: string;
}

/** A ring that verified against a contact's pinned key. */
export interface IncomingRing {
  callId: string;
  handle: string;
  media: 'audio' | 'video';
  /** The caller's PeerJS id for this call. */
  peerId: string;
  peerKey: string;
  ownKey: string;
}

/** One entry of the call log (newest first in `callLog`). */
export interface CallLogEntry {
  /** The call id. */
  id: string;
  handle: string;
  direction: 'in' | 'out';
  media: 'audio' | 'video';
  startedAt: number;
  endedAt: number | null;
  outcome: 'answered' | 'missed' | 'declined' | 'failed' | 'sas-mismatch';
}
