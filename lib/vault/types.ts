/**
 * What the vault hands out. Views are plain data (they cross `runtime.sendMessage`). Nothing a
 * content script may receive (`IngestResult`, `ComposeTarget`) carries plaintext or key bytes.
 */
import type { BindingView, RingResult } from '../calls';
import type { KdfParams } from '../store';
import type { CallLogEntry, CallTicket, IncomingRing } from './calls';

/** Random bytes of the requested length (the `lib/crypto` shape). */
export type RandomSource = (length: number) => Uint8Array;

/** How to open a vault. Every capability is injectable, so the vault runs in node tests. */
export interface OpenVaultOptions {
  /** IndexedDB factory (default `globalThis.indexedDB`). */
  indexedDB?: IDBFactory;
  /** Random source (default `crypto.getRandomValues`). */
  random?: RandomSource;
  /** Clock in ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** Passphrase KDF parameters for passphrases set through this vault (default: production). */
  kdf?: KdfParams;
  /** IndexedDB database name (default "sotto"). */
  name?: string;
  /** Longest line the host carries; longer envelopes are split (default 10,000: x.com). */
  partLimit?: number;
}

/** What a message row shows. */
export type MessageState = 'decrypted' | 'sent' | 'invite' | 'accepted' | 'error';

/** Why an envelope is shown as an error. */
export type ErrorReason =
  /** Bad MAC, altered, forged, malformed, unknown session, or "out" but not sent by us. */
  | 'unverifiable'
  /** Bound to another conversation or partner than the one it is shown in. */
  | 'other-conversation'
  /** From an identity key the user has not trusted (pending, kept out, or blocked). */
  | 'key-changed'
  /** Would need more than MAX_SKIP skipped message keys. */
  | 'too-many-skipped'
  /** Made by a newer Sotto. */
  | 'version-too-new'
  /** A new envelope replaying a ratchet message whose key is gone, or a replayed init. */
  | 'replay';

/** The answer to `ingest`: never plaintext. */
export type IngestResult =
  | { kind: 'not-sotto' }
  | { kind: 'part-pending' }
  | { kind: 'message'; messageId: string; state: MessageState };

/** What the vault knows about a contact. */
export interface ContactView {
  handle: string;
  /** Short human string of their current identity key. */
  fingerprint: string;
  /** 60 digits, the same on both sides ('' if their X25519 key was never seen). */
  safetyNumber: string;
  verified: boolean;
  /** A new key waits for the user's decision (or an old-style change was not approved). */
  keyChanged: boolean;
  /** The new key the host showed for them, never applied until the user trusts it. */
  pendingKey: { fingerprint: string; safetyNumber: string; seen: number } | null;
  /** The user blocked them: nothing is sent, and what comes is held. */
  blocked: boolean;
  firstSeen: number;
  /** Keys they used before the current one, oldest first; `seen` = first seen. */
  keyHistory: { fingerprint: string; seen: number }[];
}

/** What the compose UI should offer for a conversation. */
export interface ComposeTarget {
  state:
    | 'no-session'
    | 'invite-sent'
    | 'invite-received'
    | 'ready'
    | 'key-changed-blocked'
    | 'blocked';
  contact: ContactView | null;
}

/**
 * Whether a call to a handle can be placed: a session with a pinned key exists. No keys, no
 * conversation ids: the content script's call buttons ask this.
 */
export interface CallTarget {
  state: 'ready' | 'no-session' | 'key-changed-blocked';
}

/** One message for the reader and compose frames (extension pages only). */
export interface MessageView {
  id: string;
  conversationId: string;
  direction: 'in' | 'out';
  /** The partner's handle for incoming messages, 'me' for our own. */
  sender: string;
  /** Plaintext of text messages; null for invites, accepts, errors and held messages. */
  text: string | null;
  state: MessageState;
  error: ErrorReason | null;
  createdAt: number;
  /** Outgoing only. */
  delivery: 'pending' | 'sent' | 'failed' | null;
  /** Incoming invites: who (as the host claims) and which key. */
  inviteFrom?: { handle: string; fingerprint: string };
  /** What the envelope was (an addition to the brief's shape). */
  kind: 'text' | 'invite' | 'accept' | 'error';
}

/** Input of `ingest`: one row of the host's conversation. */
export interface IngestInput {
  conversationId: string;
  partner: string;
  rowId: string;
  direction: 'in' | 'out';
  text: string;
}

/** The vault: the background's only holder of secrets. */
export interface Vault {
  status(): { locked: boolean; hasPassphrase: boolean };
  unlock(passphrase: string): Promise<void>;
  lock(): void;
  setPassphrase(passphrase: string): Promise<void>;
  changePassphrase(current: string, next: string): Promise<void>;
  removePassphrase(current: string): Promise<void>;
  exportUnlockedKey(): Uint8Array;
  openWithKey(key: Uint8Array): Promise<void>;
  /** Own identity; created on first use. */
  identity(): Promise<{ fingerprint: string }>;

  composeTarget(conversationId: string, partner: string): Promise<ComposeTarget>;
  /** Whether a call to `handle` is possible (an established session with them). */
  callTarget(handle: string): Promise<CallTarget>;
  createInvite(
    conversationId: string,
    partner: string,
  ): Promise<{ messageId: string; parts: string[] }>;
  encrypt(
    conversationId: string,
    partner: string,
    plaintext: string,
  ): Promise<{ messageId: string; parts: string[] }>;
  acceptInvite(messageId: string): Promise<{ messageId: string; parts: string[] }>;

  ingest(input: IngestInput): Promise<IngestResult>;
  getMessage(messageId: string): Promise<MessageView | null>;
  listMessages(conversationId: string, opts?: { limit?: number }): Promise<MessageView[]>;
  reportDelivery(messageId: string, state: 'sent' | 'failed'): Promise<void>;

  contact(handle: string): Promise<ContactView | null>;
  setVerified(handle: string, verified: boolean): Promise<void>;
  /** Trust the pending (or changed) key: the same as `decideKey(handle, 'trust')`. */
  approveKeyChange(handle: string): Promise<void>;
  /**
   * The user's decision about a contact's pending key: keep the pinned one, trust, block.
   * Resolves with the conversations with them (whose compose frames should look again).
   */
  decideKey(handle: string, decision: 'keep' | 'trust' | 'block'): Promise<string[]>;
  /** Every contact, by handle. */
  contacts(): Promise<ContactView[]>;
  /** Forget a contact's pinned key and sessions (history stays). */
  removeContact(handle: string): Promise<void>;
  /** Erase every record and the passphrase; works while locked. */
  reset(): Promise<void>;
  /** A plain value the user chose, under a name starting with `user:` (sealed, backed up). */
  readSetting(name: string): Promise<unknown>;
  writeSetting(name: string, value: unknown): Promise<void>;
  /**
   * Read, change and write one setting with no other change to it in between (two settings
   * pages saving at once each keep their change); resolves with the value written.
   */
  updateSetting(name: string, update: (current: unknown) => unknown): Promise<unknown>;
  saveDraft(conversationId: string, text: string): Promise<void>;
  getDraft(conversationId: string): Promise<string>;
  exportBackup(opts: { history: boolean }): Promise<{ file: Uint8Array; recoveryKey: string }>;
  importBackup(file: Uint8Array, recoveryKey: string): Promise<void>;

  /** Where this installation listens for calls; created on first use. */
  presenceAddress(): Promise<string>;
  /** Signs a ring to `handle` for a call answered at `peerId`. */
  prepareCall(handle: string, media: 'audio' | 'video', peerId: string): Promise<CallTicket>;
  /** Our signed view of a call's DTLS fingerprints (see lib/calls/binding.ts). */
  signCallBinding(view: BindingView): Promise<string>;
  /** Verifies a ring against pinned keys, refuses replays, and logs it (as missed until told). */
  receiveRing(ring: string): Promise<RingResult<IncomingRing>>;
  /** Adds or updates a call log entry. */
  recordCall(entry: CallLogEntry): Promise<void>;
  callLog(limit: number): Promise<CallLogEntry[]>;

  /** Close the IndexedDB connection and forget the keys (tests; a worker that is going away). */
  close(): void;
}
