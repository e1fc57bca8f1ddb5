/**
 * Every request an extension context may send to the vault (the background), in one place.
 *
 * Each entry says who may ask (`callers`) and what goes in and out. Three kinds of caller:
 * - `content`: the x.com content script. It handles ciphertext and opaque ids only, so no
 *   request it may make returns plaintext or key material (isolation rule 2).
 * - `frame`: the compose and reader frames, extension pages x.com embeds. The page cannot
 *   read them but can restyle and cover them, so no request a frame may make changes trust
 *   (isolation rule 3): they open the decision window instead.
 * - `page`: an extension page x.com cannot embed (popup, options, contacts, the call and
 *   decision windows).
 */

import type { DtlsFingerprint } from '../calls/sdp';
import type { SecurityMark } from '../config/security-mark';
import type { SettingsChange, SettingsView } from '../config/settings';
import type { UserText } from '../i18n/user-text';
import type { CallLogEntry, CallTicket, IncomingRing } from '../vault/calls';
import type {
  CallTarget,
  ComposeTarget,
  ContactView,
  IngestResult,
  MessageView,
} from '../vault/types';
import type { RpcErrorCode } from './errors';

/** Bumped when a request changes shape; a vault drops messages of another version. */
export const RPC_VERSION = 2;

export type Caller = 'content' | 'frame' | 'page';

export interface VaultStatus {
  /** Extension version from the manifest. */
  version: string;
  /** `locked`: a passphrase is set and the vault key is not in memory. */
  state: 'ready' | 'locked';
  hasPassphrase: boolean;
}

// The vault's views travel over RPC as they are: one definition, in lib/vault/types.ts.
export type {
  ComposeTarget,
  ContactView,
  ErrorReason as MessageErrorReason,
  IngestResult,
  MessageState,
  MessageView,
} from '../vault/types';

export type CallMedia = 'audio' | 'video';

/** What a call button should do: the vault's answer, or `locked` when it cannot look. */
export interface CallTargetView {
  state: CallTarget['state'] | 'locked';
}

/** Where a compose frame sends: the conversation of the tab that embeds it. */
export interface ConversationRef {
  conversationId: string;
  partner: string;
}

/** The outcome of putting envelopes into X's composer and sending them. */
export interface SendOutcome {
  messageId: string;
  delivery: 'sent' | 'failed';
}

type Empty = Record<string, never>;

/** One of X's message rows, as the content script reads it. */
export interface IngestRow {
  rowId: string;
  direction: 'in' | 'out';
  text: string;
}

/** Most rows one `message.ingestRows` request may carry (X renders ~30 at a time). */
export const MAX_INGEST_ROWS = 50;

/** The vault's answer about one row: what it is, or why the vault could not look at it. */
export type IngestRowAnswer = { ok: true; value: IngestResult } | { ok: false; code: RpcErrorCode };

export interface VaultRequests {
  /** Liveness and lock state; safe for anyone. */
  status: { callers: 'content' | 'frame' | 'page'; input: Empty; output: VaultStatus };
  /** The content script announces itself for a tab. */
  'content.hello': { callers: 'content'; input: { site: 'x' }; output: { tabId: number } };
  /**
   * Rows' texts: is each Sotto's, and what should the row show? Never returns plaintext.
   * Rows of one conversation, answered in order, one request for a burst of rows: X renders
   * dozens at a time, and each message to the background costs the page's main thread.
   */
  'message.ingestRows': {
    callers: 'content';
    input: ConversationRef & { rows: IngestRow[] };
    output: IngestRowAnswer[];
  };
  /** What the compose button should offer here. */
  'compose.target': {
    callers: 'frame' | 'page';
    input: ConversationRef;
    output: ComposeTarget;
  };
  /** Whether a call button can place a call to this person; never keys or ids. */
  'call.target': { callers: 'content' | 'page'; input: { handle: string }; output: CallTargetView };
  /** A call button was clicked (trusted): open the call window, which takes it from there. */
  'call.start': {
    callers: 'content' | 'page';
    input: { handle: string; media: CallMedia };
    output: Empty;
  };

  /** Encrypt and send through the embedding tab's composer (compose frame only). */
  'compose.send': {
    callers: 'frame' | 'page';
    input: ConversationRef & { text: string };
    output: SendOutcome;
  };
  /** Send an invitation through the embedding tab's composer. */
  'compose.invite': { callers: 'frame' | 'page'; input: ConversationRef; output: SendOutcome };
  'draft.get': {
    callers: 'frame' | 'page';
    input: { conversationId: string };
    output: { text: string };
  };
  'draft.save': {
    callers: 'frame' | 'page';
    input: { conversationId: string; text: string };
    output: Empty;
  };
  /** Plaintext for a reader frame. */
  'message.get': {
    callers: 'frame' | 'page';
    input: { messageId: string };
    output: MessageView | null;
  };
  /** A conversation's messages, oldest first (history views). */
  'conversation.messages': {
    callers: 'frame' | 'page';
    input: { conversationId: string; limit: number };
    output: MessageView[];
  };
  /** Accept an invite (trusted pages only); the reply is sent through the tab that asked. */
  'invite.accept': { callers: 'page'; input: { messageId: string }; output: SendOutcome };

  /**
   * Open the decision window for a choice that changes trust (accept an invitation; keep,
   * trust or block a contact's new key). The only thing the frames' trust buttons can do.
   */
  'decision.open': { callers: 'frame' | 'page'; input: DecisionRequest; output: Empty };
  /** The decision window: what it was opened for (null once taken or gone). */
  'decision.get': { callers: 'page'; input: { id: string }; output: DecisionView | null };
  /** The decision window: the user's choice, carried out. */
  'decision.take': {
    callers: 'page';
    input: { id: string; choice: DecisionChoice };
    output: { delivery: SendOutcome['delivery'] | null };
  };

  'identity.get': { callers: 'page'; input: Empty; output: { fingerprint: string } };
  'contact.get': { callers: 'page'; input: { handle: string }; output: ContactView | null };
  'contact.verify': {
    callers: 'page';
    input: { handle: string; verified: boolean };
    output: Empty;
  };
  'contact.approveKeyChange': { callers: 'page'; input: { handle: string }; output: Empty };
  /** Every contact (the contacts page). */
  'contact.list': { callers: 'page'; input: Empty; output: ContactView[] };
  /** Forget a contact's pinned key and sessions; their messages stay in history. */
  'contact.remove': { callers: 'page'; input: { handle: string }; output: Empty };

  'vault.unlock': { callers: 'page'; input: { passphrase: string }; output: Empty };
  'vault.lock': { callers: 'page'; input: Empty; output: Empty };
  'vault.setPassphrase': { callers: 'page'; input: { passphrase: string }; output: Empty };
  'vault.changePassphrase': {
    callers: 'page';
    input: { current: string; next: string };
    output: Empty;
  };
  'vault.removePassphrase': { callers: 'page'; input: { current: string }; output: Empty };
  /** Erase everything, passphrase included (works while locked: a forgotten passphrase). */
  'vault.reset': { callers: 'page'; input: Empty; output: Empty };
  /** An encrypted backup (base64) and the recovery key that opens it, shown once. */
  'backup.export': {
    callers: 'page';
    input: { history: boolean };
    output: { file: string; recoveryKey: string };
  };
  /** Restore a backup into an empty Sotto; all or nothing. */
  'backup.import': { callers: 'page'; input: { file: string; recoveryKey: string }; output: Empty };
  /**
   * The call settings in effect (build defaults under the user's overrides), a superset of
   * `CallDefaults`. Sealed in the vault: refused with LOCKED while it is locked.
   */
  'settings.get': { callers: 'page'; input: Empty; output: SettingsView };
  /** Change settings (`null` = back to the build default); answers the new effective ones. */
  'settings.set': { callers: 'page'; input: SettingsChange; output: SettingsView };
  /**
   * The user's security mark (made at random on first ask), which every Sotto surface shows.
   * Frames may read it: only they and Sotto's own pages show it. Never the content script.
   */
  'mark.get': { callers: 'frame' | 'page'; input: Empty; output: SecurityMark };
  /** Choose a new mark (Settings, Welcome); never a frame x.com can embed and restyle. */
  'mark.set': { callers: 'page'; input: SecurityMark; output: SecurityMark };

  // ── calls: the call window, the presence listener, the popup (lib/calls, docs/PROTOCOL.md)
  /** The call window placing a call: a signed ring for `handle`, to be answered at `peerId`. */
  'call.prepare': {
    callers: 'page';
    input: { handle: string; media: CallMedia; peerId: string };
    output: CallTicket;
  };
  /** The call window: our identity's signature over the call's DTLS fingerprints. */
  'call.bind': {
    callers: 'page';
    input: { callId: string; own: DtlsFingerprint; peer: DtlsFingerprint };
    output: { signature: string };
  };
  /**
   * The presence listener received a ring. Verified against pinned keys; `refused` (stranger,
   * bad signature, stale, replay) is counted and must not be answered to the caller.
   */
  'call.ring': { callers: 'page'; input: { ring: string }; output: { answer: RingAnswer } };
  /**
   * The presence listener: the caller of a ringing call took its ring back (on the ring's own
   * connection); its ringing window ends as missed.
   */
  'call.cancel': { callers: 'page'; input: { callId: string }; output: Empty };
  /** The ringing window: the verified ring it was opened for (null once it is gone). */
  'call.incoming': { callers: 'page'; input: { callId: string }; output: IncomingRing | null };
  /** A call window reports how its call went (the call log). */
  'call.record': { callers: 'page'; input: CallLogEntry; output: Empty };
  /** Recent calls, newest first. */
  'calls.log': { callers: 'page'; input: { limit: number }; output: CallLogEntry[] };
  /** The presence listener: where to listen, and through which servers. */
  'presence.config': { callers: 'page'; input: Empty; output: PresenceConfig };
  /** Whether incoming calls can reach this browser now, and how many rings were dropped. */
  'presence.status': { callers: 'page'; input: Empty; output: PresenceStatus };
}

/** What a decision window is opened for. */
export type DecisionRequest =
  | { kind: 'accept-invite'; messageId: string }
  | { kind: 'key'; handle: string; conversationId: string | null };

/**
 * confirm: accept the invitation / trust the new key. keep: keep the pinned key (for an
 * invitation: not now). block: neither key sends.
 */
export type DecisionChoice = 'confirm' | 'keep' | 'block';

/** What the decision window shows: who, the key they have pinned, and the key on offer. */
export interface DecisionView {
  kind: DecisionRequest['kind'];
  handle: string;
  /** The contact as pinned now (null: a first contact, trust on first use). */
  contact: ContactView | null;
  /** The key this decision would trust: the invitation's, or the pending one. */
  offered: { fingerprint: string; safetyNumber: string | null } | null;
  /** The invitation was already accepted (nothing left to decide). */
  done: boolean;
}

/** What a presence listener tells a caller after a ring. */
export type RingAnswer = 'ringing' | 'busy' | 'unavailable' | 'refused';

export interface PresenceConfig {
  /** This installation's presence address (a random PeerJS id). */
  address: string;
  signalingUrl: string;
  iceServers: SettingsView['iceServers'];
}

export interface PresenceStatus {
  state: 'starting' | 'connecting' | 'connected' | 'offline' | 'locked';
  /** What to tell the user when not connected (the popup translates it). */
  detail: UserText | null;
  /** Rings dropped since the browser started: strangers, bad signatures, stale, replays. */
  droppedRings: number;
}

export type RequestType = keyof VaultRequests;
export type RequestInput<K extends RequestType> = VaultRequests[K]['input'];
export type RequestOutput<K extends RequestType> = VaultRequests[K]['output'];

/** Which callers may send each request: the one table the router enforces. */
export const ALLOWED_CALLERS: { [K in RequestType]: readonly Caller[] } = {
  status: ['content', 'frame', 'page'],
  'content.hello': ['content'],
  'message.ingestRows': ['content'],
  // Not the content script: the answer names the contact's key and verification state.
  'compose.target': ['frame', 'page'],
  'call.target': ['content', 'page'],
  'call.start': ['content', 'page'],
  'compose.send': ['frame', 'page'],
  'compose.invite': ['frame', 'page'],
  'draft.get': ['frame', 'page'],
  'draft.save': ['frame', 'page'],
  'message.get': ['frame', 'page'],
  'conversation.messages': ['frame', 'page'],
  'invite.accept': ['page'],
  'decision.open': ['frame', 'page'],
  'decision.get': ['page'],
  'decision.take': ['page'],
  'identity.get': ['page'],
  'contact.get': ['page'],
  'contact.verify': ['page'],
  'contact.approveKeyChange': ['page'],
  'contact.list': ['page'],
  'contact.remove': ['page'],
  'vault.unlock': ['page'],
  'vault.lock': ['page'],
  'vault.setPassphrase': ['page'],
  'vault.changePassphrase': ['page'],
  'vault.removePassphrase': ['page'],
  'vault.reset': ['page'],
  'backup.export': ['page'],
  'backup.import': ['page'],
  'settings.get': ['page'],
  'settings.set': ['page'],
  // Not the content script: the mark must never be readable from inside x.com's page.
  'mark.get': ['frame', 'page'],
  'mark.set': ['page'],
  'call.prepare': ['page'],
  'call.bind': ['page'],
  'call.ring': ['page'],
  'call.cancel': ['page'],
  'call.incoming': ['page'],
  'call.record': ['page'],
  'calls.log': ['page'],
  'presence.config': ['page'],
  'presence.status': ['page'],
};

/** The wire shape of a request. */
export interface RpcRequest<K extends RequestType = RequestType> {
  sotto: typeof RPC_VERSION;
  type: K;
  input: RequestInput<K>;
}

export function isRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && Object.hasOwn(ALLOWED_CALLERS, value);
}

/**
 * Extension contexts' requests to a tab's content script. Only ciphertext and what the page
 * itself shows travel this way.
 */
export interface TabRequests {
  /** From the background: put envelopes into X's composer and send them. */
  'envelope.send': {
    input: { conversationId: string; parts: string[] };
    output: { sent: boolean; reason?: string };
  };
  /** From the popup: open the compose frame of the tab's conversation with `partner`. */
  'compose.open': { input: { partner: string }; output: { opened: boolean } };
  /** From the popup: which conversation the tab shows, and with whom (as X's header says). */
  'conversation.current': {
    input: Record<string, never>;
    output: {
      conversationId: string;
      kind: 'direct' | 'group' | 'unknown';
      partner: string | null;
    } | null;
  };
}

export interface TabRequest<K extends keyof TabRequests = keyof TabRequests> {
  sottoTab: typeof RPC_VERSION;
  type: K;
  input: TabRequests[K]['input'];
}
