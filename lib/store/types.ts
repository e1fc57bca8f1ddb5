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
  /**
   * Their current identity X25519 key (signed by `identityKey`); safety numbers cover both.
   * Added by `lib/vault` within record format 2 (optional, so older records stay valid).
   */
  dhKey?: Uint8Array;
  /**
   * When the identity key last changed, until the user acknowledges it (`approveKeyChange`,
   * or verifying the new key). Added by `lib/vault` within record format 2 (optional).
   */
  keyChangedAt?: number;
  /**
   * Where they listen for calls (a random PeerJS id their messages carried inside the
   * ratchet); dropped when their key changes. Added by `lib/vault` (optional).
   */
  presenceAddress?: string;
  /**
   * A different identity key the host showed for this handle (in an invite or a session
   * start), never applied on arrival: it waits here until the user keeps the pinned key,
   * trusts this one, or blocks both (`lib/vault/contacts.ts`). Optional within format 2.
   */
  pendingKey?: PendingKey;
  /** The user blocked this contact: nothing is sent to them, and what comes is held. */
  blockedAt?: number;
}

/** A new identity key for a pinned handle, awaiting the user's decision. */
export interface PendingKey {
  identityKey: Uint8Array;
  dhKey: Uint8Array;
  /** When it was first shown to us. */
  seenAt: number;
}

/** Contact record as schema v1 wrote it (record format 1); upgraded on read. */
export interface ContactRecordV1 {
  handle: string;
  identityKey: Uint8Array;
  firstSeen: number;
  verified: boolean;
}

/**
 * The Double Ratchet sessions of one 1:1 conversation. `lib/vault` files one record per
 * conversation: `contact` holds the host's conversation id, and `state` the vault's
 * `ConversationState` (partner handle, every live session, which one sends, invites).
 */
export interface SessionRecord {
  /** The key the vault files the sessions under: the host's (1:1) conversation id. */
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
  /** `error`: an envelope that could not be shown (`error` says why). Added by `lib/vault`. */
  kind: 'text' | 'invite' | 'accept' | 'error';
  /** The plaintext (empty for invites, accepts and errors). */
  text: string;
  delivery: DeliveryState;
  /** Set when the host confirmed an outgoing message, or when an incoming one was stored. */
  deliveredAt?: number;
  // The optional fields below were added by `lib/vault` within record format 2: records
  // without them stay valid, so no format bump or upgrader was needed.
  /** kind 'error': the reason, from `lib/vault`'s closed set (`ErrorReason`). */
  error?: string;
  /** Incoming invites: the encoded 1413-byte prekey bundle, kept so it can be accepted later. */
  bundle?: Uint8Array;
  /** Incoming invites: when the user accepted, and the session that started. */
  acceptedAt?: number;
  acceptedSessionId?: string;
  /**
   * Incoming text from an identity key the user has not approved yet (a verified contact's key
   * changed): that signing key. Shown as a `key-changed` error until the change is approved.
   */
  heldFor?: Uint8Array;
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

/**
 * One user setting; `value` is plain data like a session state. Names starting with `vault:`
 * are `lib/vault`'s own bookkeeping (the index of session ids ever seen, envelope parts
 * waiting for the rest of their message); see `lib/vault/records.ts`.
 */
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
