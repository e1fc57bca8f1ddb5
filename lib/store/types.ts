/**
 * The shapes of every record `lib/store` keeps, in one place. Records are plain data: objects,
 * arrays, strings, finite numbers, booleans, null and `Uint8Array` (see `codec.ts`). Times are
 * milliseconds since the epoch. Handles are stored as the vault passes them (the vault
 * normalises them, e.g. lower-case without "@").
 */

/** Our own long-term identity: an Ed25519 signing key and the X25519 key it signs. */
export interface IdentityRecord {
  kind: 'identity';
  createdAt: number;
  signingPublicKey: Uint8Array;
  signingPrivateKey: Uint8Array;
  dhPublicKey: Uint8Array;
  dhPrivateKey: Uint8Array;
  /** Ed25519 signature of `dhPublicKey` by the signing key. */
  dhSignature: Uint8Array;
}

/** A signed prekey (X25519) or signed ML-KEM-768 prekey; old ones kept for a grace period. */
export interface PrekeyRecord {
  kind: 'signedPrekey' | 'kemPrekey';
  /** Small integer id, unique per kind. */
  id: number;
  createdAt: number;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  signature: Uint8Array;
  /** When a newer prekey replaced it; deleted after the grace period. */
  retiredAt?: number;
}

/** Anything in the `identity` store. */
export type IdentityStoreRecord = IdentityRecord | PrekeyRecord;

/** The natural key of an `identity` store record. */
export type IdentityKey = 'identity' | readonly ['signedPrekey' | 'kemPrekey', number];

/** One identity key a contact used, with when we first and last accepted it. */
export interface KeyHistoryEntry {
  identityKey: Uint8Array;
  firstSeen: number;
  /** When a different key replaced it. */
  replacedAt: number;
}

/** Whether the user compared safety numbers with this contact, and what happened since. */
export type Verification =
  | { state: 'unverified' }
  | { state: 'verified'; at: number }
  /** Was verified, then the identity key changed: sending is blocked until re-approved. */
  | { state: 'changed'; at: number; previouslyVerifiedKey: Uint8Array };

/** A person we have a key for (trust on first use, pinned). */
export interface ContactRecord {
  handle: string;
  /** Their current identity (signing) public key. */
  identityKey: Uint8Array;
  /** When we first saw any key for this handle. */
  firstSeen: number;
  /** Keys they used before the current one, oldest first. */
  keyHistory: KeyHistoryEntry[];
  verification: Verification;
  displayName?: string;
}

/** Contact record as schema v1 wrote it (record format 1); upgraded on read. */
export interface ContactRecordV1 {
  handle: string;
  identityKey: Uint8Array;
  firstSeen: number;
  verified: boolean;
}

/** A Double Ratchet session with one contact. */
export interface SessionRecord {
  /** The contact's handle; one session per contact. */
  contact: string;
  updatedAt: number;
  /**
   * The ratchet state, opaque to the store: plain data (objects, arrays, strings, finite
   * numbers, booleans, null, Uint8Array). Anything else is refused at write time.
   */
  state: unknown;
}

/** Where a message is in its life. Outgoing: pending → sent | failed. Incoming: received. */
export type DeliveryState = 'pending' | 'sent' | 'failed' | 'received';

/** One message, in either direction, stored under its envelope's hash. */
export interface MessageRecord {
  /** The envelope's hash (the vault's message id). */
  id: string;
  /** The host's conversation id. */
  conversationId: string;
  /** Handle of the other party. */
  peer: string;
  direction: 'in' | 'out';
  /** When the message was sent, as the host or the sender reports it; orders a conversation. */
  timestamp: number;
  kind: 'text' | 'invite' | 'accept';
  /** The plaintext. */
  text: string;
  delivery: DeliveryState;
  /** Set when the host confirmed an outgoing message, or when an incoming one was stored. */
  deliveredAt?: number;
}

/** Message record as schema v1 wrote it (record format 1); upgraded on read. */
export interface MessageRecordV1 {
  id: string;
  conversationId: string;
  peer: string;
  direction: 'in' | 'out';
  timestamp: number;
  text: string;
  status: 'sent' | 'received';
}

/** Unsent text in a conversation's compose frame. */
export interface DraftRecord {
  conversationId: string;
  text: string;
  updatedAt: number;
  /** The outgoing message this draft became, until the host confirms it appeared. */
  pendingMessageId?: string;
}

/** One user setting; `value` is plain data like a session state. */
export interface SettingRecord {
  name: string;
  value: unknown;
}

/** One call, placed or received. */
export interface CallLogRecord {
  id: string;
  peer: string;
  direction: 'in' | 'out';
  media: 'audio' | 'video';
  startedAt: number;
  endedAt?: number;
  outcome: 'answered' | 'missed' | 'declined' | 'failed' | 'sas-mismatch';
}

/** The record type of each sealed store. */
export interface RecordTypes {
  identity: IdentityStoreRecord;
  contacts: ContactRecord;
  sessions: SessionRecord;
  messages: MessageRecord;
  drafts: DraftRecord;
  settings: SettingRecord;
  callLog: CallLogRecord;
}

/** The natural (caller-facing) key type of each sealed store. */
export interface KeyTypes {
  identity: IdentityKey;
  contacts: string;
  sessions: string;
  messages: string;
  drafts: string;
  settings: string;
  callLog: string;
}

/** A sealed store's name. */
export type DataStoreName = keyof RecordTypes;

/** A natural key as the codec and the blinding see it. */
export type NaturalKey = string | number | readonly (string | number)[];
