/**
 * The vault: contacts, sessions, messages and drafts over `lib/store`, driven by `lib/crypto`.
 *
 * Rules every method follows:
 * - Locked → `VaultError('LOCKED')` (except `status`, `unlock`, `openWithKey`, `lock`).
 * - Per conversation, "read state → run the ratchet → commit" runs under one mutex
 *   (`KeyedMutex`, keyed by conversation id), and the commit transaction re-checks the
 *   conversation's revision: the ratchet never runs inside a transaction (see
 *   docs/STORAGE.md §6), and no chain key is ever used twice.
 * - Every state change is committed to IndexedDB before the method returns. Only the vault
 *   key (inside `lib/store`) and derived, re-computable data (safety numbers, a timestamp
 *   tie-breaker) live in memory: the worker may be killed between any two calls.
 * - Errors leave as `VaultError` with a fixed sentence; plaintext never appears in an error,
 *   an `IngestResult` or a `ComposeTarget`.
 */
import {
  acceptRing,
  type BindingView,
  type CallMedia,
  createRing,
  newCallId,
  newPeerId,
  type RingResult,
  signBinding,
} from '../calls';
import {
  type Bundle,
  bytesEqual,
  type CryptoErrorCode,
  createIdentity,
  createInvite as createInviteEnvelope,
  createPrekeyRing,
  DEFAULT_INVITE_NOTE,
  decodeBundle,
  encodeBundle,
  type Identity,
  initiateSession,
  inspectEnvelope,
  joinParts,
  looksLikeEnvelope,
  type PrekeyRing,
  prekeysDue,
  prunePrekeys,
  ratchetDecrypt,
  ratchetEncrypt,
  respondToSession,
  rotatePrekeys,
  safetyNumber,
  splitEnvelope,
  systemRandom,
  toHex,
} from '../crypto';
import type { UserText } from '../i18n/user-text';
import {
  type ContactRecord,
  exportBackup as exportStoreBackup,
  type IdentityRecord,
  importBackup as importStoreBackup,
  type MessageRecord,
  openStore,
  type SessionRecord,
  type Store,
  type RandomSource as StoreRandomSource,
  type StoreTx,
} from '../store';
import {
  type CallLogEntry,
  type CallTicket,
  callLogRecord,
  callLogView,
  contactForKey,
  type IncomingRing,
  MAX_CALL_LOG,
  PRESENCE_ADDRESS_NAME,
  withPresenceAddress,
} from './calls';
import {
  decideKey,
  heldFrom,
  type KeyDecision,
  observeIdentity,
  sendingBlocked,
  setVerification,
} from './contacts';
import { decodeContent, encodeAccept, encodeText } from './content';
import { isVaultError, toVaultError, VAULT_MESSAGES, VaultError } from './errors';
import {
  errorIdOf,
  fingerprintOf,
  messageIdOf,
  normaliseHandle,
  ownInviteIdOf,
  validConversationId,
} from './ids';
import { KeyedMutex } from './mutex';
import {
  type ConversationState,
  emptyConversation,
  identityFromRecord,
  identityToRecord,
  PARTS_PENDING_NAME,
  type PartGroup,
  parseConversation,
  parsePartGroup,
  parsePendingParts,
  parseSessionIndex,
  partGroupName,
  prekeyToRecords,
  ringFromRecords,
  type SessionIndexEntry,
  type StoredSession,
  serialiseConversation,
  sessionIndexName,
} from './records';
import {
  addInitiated,
  addResponded,
  addUntrusted,
  afterKeyDecision,
  findSession,
  sendingSession,
  touched,
} from './sessions';
import type {
  CallTarget,
  ComposeTarget,
  ContactView,
  ErrorReason,
  IngestInput,
  IngestResult,
  MessageView,
  OpenVaultOptions,
  RandomSource,
  Vault,
} from './types';
import { bundleSigningKey, messageView, stateOf } from './views';

/** x.com's DM length limit: longer envelopes are split into parts. */
export const DEFAULT_PART_LIMIT = 10_000;
/** Longest row text `ingest` looks at (255 parts of 10,000 characters never come as one row). */
export const MAX_INGEST_TEXT = 200_000;
/** Longest draft kept. */
export const MAX_DRAFT = 100_000;
/** Incomplete split envelopes: at most this many groups… */
export const MAX_PENDING_PART_GROUPS = 32;
/** …holding at most this many characters in all… */
export const MAX_PENDING_PART_CHARS = 2_000_000;
/** …each dropped after this long without completing. */
export const PENDING_PARTS_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Largest `limit` `listMessages` accepts (without one it returns the whole conversation). */
export const MAX_LIST = 5_000;
/** How often a commit may find its snapshot stale (another vault instance wrote) and retry. */
const MAX_ATTEMPTS = 8;

/** Something shaped like an envelope (marker and a run of base64url), even if it does not parse. */
const ENVELOPE_SHAPE = /SOTTO\d{1,6}\.[A-Za-z0-9_-]{16,}/;

const NOT_SOTTO: IngestResult = { kind: 'not-sotto' };
const PART_PENDING: IngestResult = { kind: 'part-pending' };

interface Context {
  conversationId: string;
  handle: string;
  direction: 'in' | 'out';
}

interface Keys {
  identity: Identity;
  ring: PrekeyRing;
}

type Decision<T> =
  | { kind: 'done'; value: T }
  | { kind: 'error'; reason: ErrorReason }
  | { kind: 'retry' };

function reasonOf(code: CryptoErrorCode): ErrorReason {
  switch (code) {
    case 'REPLAY':
      return 'replay';
    case 'TOO_MANY_SKIPPED':
      return 'too-many-skipped';
    case 'VERSION_TOO_NEW':
      return 'version-too-new';
    case 'KEY_CHANGED':
      return 'key-changed';
    default:
      // BAD_MAC, MALFORMED, UNKNOWN_SESSION, UNKNOWN_PREKEY: nothing we can vouch for.
      return 'unverifiable';
  }
}

function revOf(record: SessionRecord | undefined): number | null {
  if (!record) return null;
  const rev = (record.state as { rev?: unknown } | null)?.rev;
  return typeof rev === 'number' ? rev : -1;
}

function badInput(text?: UserText): VaultError {
  return new VaultError('BAD_INPUT', text);
}

/** Open the vault (creating the database on first use). */
export async function openVault(options: OpenVaultOptions = {}): Promise<Vault> {
  const random = options.random ?? systemRandom;
  const storeRandom: StoreRandomSource = (bytes) => {
    const drawn = random(bytes.length);
    if (!(drawn instanceof Uint8Array) || drawn.length !== bytes.length) {
      throw new VaultError('INTERNAL');
    }
    bytes.set(drawn);
    return bytes;
  };
  const partLimit = options.partLimit ?? DEFAULT_PART_LIMIT;
  if (!Number.isInteger(partLimit) || partLimit < 2_500) throw badInput();
  let store: Store;
  try {
    store = await openStore({
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.kdf ? { kdf: options.kdf } : {}),
      ...(options.name ? { name: options.name } : {}),
      random: storeRandom,
    });
  } catch (error) {
    throw toVaultError(error);
  }
  return new SottoVault(store, random, storeRandom, options.now ?? Date.now, partLimit);
}

class SottoVault implements Vault {
  readonly #store: Store;
  readonly #random: RandomSource;
  readonly #storeRandom: StoreRandomSource;
  readonly #clock: () => number;
  readonly #partLimit: number;
  readonly #conversations = new KeyedMutex();
  readonly #keysMutex = new KeyedMutex();
  readonly #settingsMutex = new KeyedMutex();
  /** Safety numbers are costly (2 × 5200 SHA-512) and derived from public keys only. */
  readonly #safetyNumbers = new Map<string, string>();

  constructor(
    store: Store,
    random: RandomSource,
    storeRandom: StoreRandomSource,
    clock: () => number,
    partLimit: number,
  ) {
    this.#store = store;
    this.#random = random;
    this.#storeRandom = storeRandom;
    this.#clock = clock;
    this.#partLimit = partLimit;
  }

  // ── plumbing ─────────────────────────────────────────────────────────────────────────

  #now(): number {
    return this.#clock();
  }

  /**
   * The timestamp of a new message (inside its transaction): the clock, but after the latest
   * message of the conversation, so history keeps the order in which the vault stored it
   * even if the clock stands still or a restarted worker's clock reads earlier.
   */
  async #timestampIn(tx: StoreTx<'messages'>, conversationId: string): Promise<number> {
    const now = this.#clock();
    const [last] = await tx.listMessages(conversationId, { order: 'desc', limit: 1 });
    return last && last.timestamp >= now ? last.timestamp + 1 : now;
  }

  /** Wait a little before retrying a commit another vault instance got in first (jittered). */
  #backoff(attempt: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 6)));
  }

  #requireUnlocked(): void {
    if (this.#store.lockState === 'locked') throw new VaultError('LOCKED');
  }

  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      this.#requireUnlocked();
      return await work();
    } catch (error) {
      throw toVaultError(error);
    }
  }

  #conversationId(input: unknown): string {
    if (!validConversationId(input)) throw badInput(VAULT_MESSAGES.badConversation);
    return input;
  }

  #handle(input: unknown): string {
    const handle = normaliseHandle(input);
    if (handle === null) throw badInput(VAULT_MESSAGES.badHandle);
    return handle;
  }

  #id(input: unknown): string {
    if (typeof input !== 'string' || !/^[0-9a-f]{64}$/.test(input)) {
      throw new VaultError('UNKNOWN_MESSAGE');
    }
    return input;
  }

  #split(envelope: string): { parts: string[]; partId: string | null } {
    const parts = splitEnvelope(envelope, this.#partLimit);
    if (parts.length === 1) return { parts, partId: null };
    const info = inspectEnvelope(parts[0]!);
    if (!info.ok || info.value.kind !== 'part') throw new VaultError('INTERNAL');
    return { parts, partId: info.value.messageId };
  }

  /** Remember that the parts of our own split envelope make `messageId` (inside a transaction). */
  async #recordOwnParts(
    tx: StoreTx<'settings'>,
    conversationId: string,
    split: { parts: string[]; partId: string | null },
    messageId: string,
    now: number,
  ): Promise<void> {
    if (split.partId === null) return;
    const group: PartGroup = {
      conversationId,
      partId: split.partId,
      total: split.parts.length,
      firstSeen: now,
      parts: [],
      messageId,
    };
    await tx.put('settings', { name: partGroupName(conversationId, split.partId), value: group });
  }

  #safetyNumber(me: Identity, contact: ContactRecord): string {
    if (!contact.dhKey) return '';
    const key = `${toHex(me.signingKey)}${toHex(me.dhKey)}:${toHex(contact.identityKey)}${toHex(contact.dhKey)}`;
    let digits = this.#safetyNumbers.get(key);
    if (digits === undefined) {
      digits = safetyNumber(me, { signingKey: contact.identityKey, dhKey: contact.dhKey });
      if (this.#safetyNumbers.size > 256) this.#safetyNumbers.clear();
      this.#safetyNumbers.set(key, digits);
    }
    return digits;
  }

  #contactView(me: Identity, contact: ContactRecord): ContactView {
    return {
      handle: contact.handle,
      fingerprint: fingerprintOf(contact.identityKey),
      safetyNumber: this.#safetyNumber(me, contact),
      verified: contact.verification.state === 'verified',
      keyChanged:
        contact.pendingKey !== undefined ||
        contact.verification.state === 'changed' ||
        contact.keyChangedAt !== undefined,
      pendingKey: contact.pendingKey
        ? {
            fingerprint: fingerprintOf(contact.pendingKey.identityKey),
            safetyNumber: this.#safetyNumber(me, {
              ...contact,
              identityKey: contact.pendingKey.identityKey,
              dhKey: contact.pendingKey.dhKey,
            }),
            seen: contact.pendingKey.seenAt,
          }
        : null,
      blocked: contact.blockedAt !== undefined,
      firstSeen: contact.firstSeen,
      keyHistory: contact.keyHistory.map((k) => ({
        fingerprint: fingerprintOf(k.identityKey),
        seen: k.firstSeen,
      })),
    };
  }

  // ── identity and prekeys ─────────────────────────────────────────────────────────────

  /** Our identity and prekey ring: created on first use, rotated and pruned on schedule. */
  #ensureKeys(): Promise<Keys> {
    return this.#keysMutex.run('keys', async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const records = await this.#store.getAll('identity');
        const now = this.#now();
        const idRecord = records.find((r): r is IdentityRecord => r.kind === 'identity');
        if (!idRecord) {
          const identity = createIdentity(this.#random);
          const ring = createPrekeyRing(identity, now, this.#random);
          const written = await this.#store.transact(['identity'], async (tx) => {
            if (await tx.get('identity', 'identity')) return false;
            await tx.put('identity', identityToRecord(identity, now));
            for (const r of prekeyToRecords(ring.current)) await tx.put('identity', r);
            return true;
          });
          if (written) return { identity, ring };
          await this.#backoff(attempt);
          continue;
        }
        const identity = identityFromRecord(idRecord);
        const ring = ringFromRecords(records);
        let next: PrekeyRing;
        if (!ring) next = createPrekeyRing(identity, now, this.#random);
        else if (prekeysDue(ring, now)) next = rotatePrekeys(ring, identity, now, this.#random);
        else next = prunePrekeys(ring, now);
        if (ring && next === ring) return { identity, ring };
        const written = await this.#store.transact(['identity'], async (tx) => {
          // Another instance may have rotated meanwhile: only write over what we read.
          if (ring) {
            const current = await tx.get('identity', ['signedPrekey', ring.current.id]);
            if (current?.kind !== 'signedPrekey' || current.retiredAt !== undefined) {
              return false;
            }
          } else if ((await tx.getAll('identity')).some((r) => r.kind === 'signedPrekey')) {
            return false;
          }
          const keep = new Set([next.current.id, ...next.retired.map((r) => r.prekey.id)]);
          for (const old of ring ? [ring.current, ...ring.retired.map((r) => r.prekey)] : []) {
            if (keep.has(old.id)) continue;
            await tx.delete('identity', ['signedPrekey', old.id]);
            await tx.delete('identity', ['kemPrekey', old.id]);
          }
          for (const r of prekeyToRecords(next.current)) await tx.put('identity', r);
          for (const retired of next.retired) {
            for (const r of prekeyToRecords(retired.prekey, retired.retiredAt)) {
              await tx.put('identity', r);
            }
          }
          return true;
        });
        if (written) return { identity, ring: next };
        await this.#backoff(attempt);
      }
      throw new VaultError('INTERNAL');
    });
  }

  // ── lock and keys ────────────────────────────────────────────────────────────────────

  status(): { locked: boolean; hasPassphrase: boolean } {
    return { locked: this.#store.lockState === 'locked', hasPassphrase: this.#store.hasPassphrase };
  }

  async unlock(passphrase: string): Promise<void> {
    if (typeof passphrase !== 'string') throw badInput(VAULT_MESSAGES.passphraseEmpty);
    try {
      await this.#store.unlock(passphrase);
    } catch (error) {
      throw toVaultError(error);
    }
  }

  lock(): void {
    try {
      this.#store.lock();
    } catch (error) {
      throw toVaultError(error);
    }
  }

  setPassphrase(passphrase: string): Promise<void> {
    return this.#guard(async () => {
      if (typeof passphrase !== 'string') throw badInput(VAULT_MESSAGES.passphraseEmpty);
      await this.#store.setPassphrase(passphrase);
    });
  }

  changePassphrase(current: string, next: string): Promise<void> {
    return this.#guard(async () => {
      if (typeof current !== 'string' || typeof next !== 'string') {
        throw badInput(VAULT_MESSAGES.passphraseEmpty);
      }
      await this.#store.changePassphrase(current, next);
    });
  }

  removePassphrase(current: string): Promise<void> {
    return this.#guard(async () => {
      if (typeof current !== 'string') throw badInput(VAULT_MESSAGES.passphraseEmpty);
      await this.#store.removePassphrase(current);
    });
  }

  exportUnlockedKey(): Uint8Array {
    try {
      this.#requireUnlocked();
      return this.#store.exportUnlockedKey();
    } catch (error) {
      throw toVaultError(error);
    }
  }

  async openWithKey(key: Uint8Array): Promise<void> {
    try {
      await this.#store.openWithKey(key);
    } catch (error) {
      throw toVaultError(error);
    }
  }

  identity(): Promise<{ fingerprint: string }> {
    return this.#guard(async () => {
      const { identity } = await this.#ensureKeys();
      return { fingerprint: fingerprintOf(identity.signingKey) };
    });
  }

  close(): void {
    this.#store.close();
  }

  // ── compose ──────────────────────────────────────────────────────────────────────────

  composeTarget(conversationId: string, partner: string): Promise<ComposeTarget> {
    return this.#guard(async () => {
      const conv = this.#conversationId(conversationId);
      const handle = this.#handle(partner);
      const snap = await this.#store.transact(
        ['sessions', 'contacts', 'messages'],
        async (tx) => {
          const record = await tx.get('sessions', conv);
          const state = record ? parseConversation(record.state) : undefined;
          const contact = await tx.get('contacts', handle);
          const invite = state?.inviteReceived
            ? await tx.get('messages', state.inviteReceived.messageId)
            : undefined;
          return { state, contact, invite };
        },
        { readonly: true },
      );
      const contact = snap.contact
        ? this.#contactView((await this.#ensureKeys()).identity, snap.contact)
        : null;
      const target = (state: ComposeTarget['state']): ComposeTarget => ({ state, contact });
      if (snap.state && snap.state.handle !== handle) return target('no-session');
      if (snap.contact?.blockedAt !== undefined) return target('blocked');
      if (sendingBlocked(snap.contact)) return target('key-changed-blocked');
      const inviteKey = bundleSigningKey(snap.invite?.bundle);
      const inviteOpen =
        snap.invite !== undefined &&
        snap.invite.acceptedAt === undefined &&
        inviteKey !== null &&
        snap.contact !== undefined &&
        bytesEqual(inviteKey, snap.contact.identityKey);
      const sending = sendingSession(snap.state, snap.contact);
      // Every new session clears the invite mark (sessions.ts), so an open invite is newer than
      // any session: the partner started over (e.g. lost their state) and waits for an accept.
      if (inviteOpen) return target('invite-received');
      if (sending) return target('ready');
      if (snap.state?.inviteSent) return target('invite-sent');
      return target('no-session');
    });
  }

  callTarget(handle: string): Promise<CallTarget> {
    return this.#guard(async () => {
      const h = this.#handle(handle);
      const snap = await this.#store.transact(
        ['sessions', 'contacts'],
        async (tx) => ({
          contact: await tx.get('contacts', h),
          sessions: await tx.getAll('sessions'),
        }),
        { readonly: true },
      );
      if (!snap.contact) return { state: 'no-session' };
      if (sendingBlocked(snap.contact)) return { state: 'key-changed-blocked' };
      // Calls are by person, sessions by conversation: any conversation with them will do.
      const ready = snap.sessions.some((record) => {
        const state = parseConversation(record.state);
        return state.handle === h && sendingSession(state, snap.contact) !== null;
      });
      return { state: ready ? 'ready' : 'no-session' };
    });
  }

  createInvite(
    conversationId: string,
    partner: string,
  ): Promise<{ messageId: string; parts: string[] }> {
    return this.#guard(async () => {
      const conv = this.#conversationId(conversationId);
      const handle = this.#handle(partner);
      return this.#conversations.run(conv, async () => {
        const { identity, ring } = await this.#ensureKeys();
        // Invites of one prekey would otherwise be the same text every time, and the same text
        // is recognised as the same message: a re-sent invite (after a restore, say) must be
        // new to the partner. A random reference in the (unauthenticated) note does that.
        const reference = toHex(this.#random(4));
        const envelope = createInviteEnvelope(
          identity,
          ring.current,
          `${DEFAULT_INVITE_NOTE} (ref ${reference})`,
        );
        const id = ownInviteIdOf(conv, messageIdOf(envelope));
        const split = this.#split(envelope);
        const now = this.#now();
        const ok = await this.#store.transact(['sessions', 'messages', 'settings'], async (tx) => {
          const record = await tx.get('sessions', conv);
          const state = record ? parseConversation(record.state) : emptyConversation(handle);
          if (state.handle !== handle) return false;
          await this.#putConversation(tx, conv, {
            ...state,
            inviteSent: { messageId: id, at: now },
          });
          await tx.put('messages', {
            id,
            conversationId: conv,
            peer: handle,
            direction: 'out',
            timestamp: await this.#timestampIn(tx, conv),
            kind: 'invite',
            text: '',
            delivery: 'pending',
          });
          await this.#recordOwnParts(tx, conv, split, id, now);
          return true;
        });
        if (!ok) throw badInput(VAULT_MESSAGES.conversationOfAnother);
        return { messageId: id, parts: split.parts };
      });
    });
  }

  async #putConversation(
    tx: StoreTx<'sessions'>,
    conversationId: string,
    state: ConversationState,
  ): Promise<void> {
    await tx.put('sessions', {
      contact: conversationId,
      updatedAt: this.#now(),
      state: serialiseConversation({ ...state, rev: state.rev + 1 }),
    });
  }

  encrypt(
    conversationId: string,
    partner: string,
    plaintext: string,
  ): Promise<{ messageId: string; parts: string[] }> {
    return this.#guard(async () => {
      const conv = this.#conversationId(conversationId);
      const handle = this.#handle(partner);
      if (typeof plaintext !== 'string' || plaintext.length === 0) {
        throw badInput(VAULT_MESSAGES.emptyText);
      }
      const content = encodeText(plaintext, await this.presenceAddress());
      if (!content) throw badInput(VAULT_MESSAGES.textTooLong);
      return this.#conversations.run(conv, async () => {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          const snap = await this.#store.transact(
            ['sessions', 'contacts'],
            async (tx) => {
              const record = await tx.get('sessions', conv);
              return {
                record,
                state: record ? parseConversation(record.state) : undefined,
                contact: await tx.get('contacts', handle),
              };
            },
            { readonly: true },
          );
          if (snap.state && snap.state.handle !== handle) {
            throw badInput(VAULT_MESSAGES.conversationOfAnother);
          }
          if (sendingBlocked(snap.contact)) throw new VaultError('KEY_CHANGED_BLOCKED');
          const session = sendingSession(snap.state, snap.contact);
          if (!session || !snap.state) throw new VaultError('NO_SESSION');
          const out = ratchetEncrypt(session.state, content, { rng: this.#random });
          const messageId = messageIdOf(out.envelope);
          const split = this.#split(out.envelope);
          const now = this.#now();
          const committed = await this.#store.transact(
            ['sessions', 'messages', 'drafts', 'settings'],
            async (tx) => {
              if (revOf(await tx.get('sessions', conv)) !== snap.state!.rev) return false;
              await this.#putConversation(
                tx,
                conv,
                touched(snap.state!, { ...session, state: out.state, lastUsedAt: now }, now),
              );
              await tx.put('messages', {
                id: messageId,
                conversationId: conv,
                peer: handle,
                direction: 'out',
                timestamp: await this.#timestampIn(tx, conv),
                kind: 'text',
                text: plaintext,
                delivery: 'pending',
              });
              const draft = await tx.get('drafts', conv);
              if (draft) await tx.put('drafts', { ...draft, pendingMessageId: messageId });
              await this.#recordOwnParts(tx, conv, split, messageId, now);
              return true;
            },
          );
          if (committed) return { messageId, parts: split.parts };
          await this.#backoff(attempt);
        }
        throw new VaultError('INTERNAL');
      });
    });
  }

  acceptInvite(messageId: string): Promise<{ messageId: string; parts: string[] }> {
    return this.#guard(async () => {
      const id = this.#id(messageId);
      const first = await this.#store.get('messages', id);
      if (!first) throw new VaultError('UNKNOWN_MESSAGE');
      if (first.kind !== 'invite' || first.direction !== 'in' || !first.bundle) {
        throw new VaultError('NOT_AN_INVITE');
      }
      const conv = first.conversationId;
      return this.#conversations.run(conv, async () => {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          const snap = await this.#store.transact(
            ['sessions', 'contacts', 'messages'],
            async (tx) => {
              const invite = await tx.get('messages', id);
              const record = await tx.get('sessions', conv);
              return {
                invite,
                state: record ? parseConversation(record.state) : undefined,
                contact: invite ? await tx.get('contacts', invite.peer) : undefined,
              };
            },
            { readonly: true },
          );
          const invite = snap.invite;
          if (!invite?.bundle) throw new VaultError('UNKNOWN_MESSAGE');
          const decoded = decodeBundle(invite.bundle);
          if (!decoded.ok) throw new VaultError('NOT_AN_INVITE');
          const bundle: Bundle = decoded.value;
          if (snap.state && snap.state.handle !== invite.peer) {
            throw badInput(VAULT_MESSAGES.conversationOfAnother);
          }
          if (sendingBlocked(snap.contact)) throw new VaultError('KEY_CHANGED_BLOCKED');
          if (snap.contact && !bytesEqual(snap.contact.identityKey, bundle.identity.signingKey)) {
            throw new VaultError('KEY_CHANGED_BLOCKED', VAULT_MESSAGES.staleInvite);
          }
          // Accepting again while the session it started has not heard back re-sends on it.
          const prior = invite.acceptedSessionId
            ? findSession(snap.state, invite.acceptedSessionId)
            : undefined;
          let session: StoredSession;
          let isNew: boolean;
          const now = this.#now();
          if (prior && prior.state.role === 'initiator' && prior.state.pendingInit !== null) {
            session = prior;
            isNew = false;
          } else {
            const { identity } = await this.#ensureKeys();
            const started = initiateSession(identity, bundle, {
              rng: this.#random,
              ...(snap.contact ? { expectedSigningKey: snap.contact.identityKey } : {}),
            });
            if (!started.ok) {
              throw started.error.code === 'KEY_CHANGED'
                ? new VaultError('KEY_CHANGED_BLOCKED')
                : new VaultError('NOT_AN_INVITE');
            }
            session = { state: started.value.state, createdAt: now, lastUsedAt: now };
            isNew = true;
          }
          const out = ratchetEncrypt(session.state, encodeAccept(await this.presenceAddress()), {
            rng: this.#random,
          });
          const outId = messageIdOf(out.envelope);
          const split = this.#split(out.envelope);
          const sessionId = session.state.sessionId;
          const committed = await this.#store.transact(
            ['sessions', 'messages', 'contacts', 'settings'],
            async (tx) => {
              if (revOf(await tx.get('sessions', conv)) !== (snap.state?.rev ?? null)) return false;
              const contact = await tx.get('contacts', invite.peer);
              const pin = observeIdentity(contact, invite.peer, bundle.identity, now);
              if (pin.sighting === 'pending') return false; // changed under us: look again
              if (pin.changed) await tx.put('contacts', pin.contact);
              const updated: StoredSession = { ...session, state: out.state, lastUsedAt: now };
              const base = snap.state ?? emptyConversation(invite.peer);
              let next = isNew
                ? addInitiated(base, updated, now)
                : { ...touched(base, updated, now), activeSessionId: sessionId };
              if (next.inviteReceived?.messageId === id) next = { ...next, inviteReceived: null };
              await this.#putConversation(tx, conv, next);
              if (isNew) {
                const entry: SessionIndexEntry = {
                  conversationId: conv,
                  handle: invite.peer,
                  createdAt: now,
                };
                await tx.put('settings', { name: sessionIndexName(sessionId), value: entry });
              }
              await tx.put('messages', {
                ...invite,
                acceptedAt: now,
                acceptedSessionId: sessionId,
              });
              await tx.put('messages', {
                id: outId,
                conversationId: conv,
                peer: invite.peer,
                direction: 'out',
                timestamp: await this.#timestampIn(tx, conv),
                kind: 'accept',
                text: '',
                delivery: 'pending',
              });
              await this.#recordOwnParts(tx, conv, split, outId, now);
              return true;
            },
          );
          if (committed) return { messageId: outId, parts: split.parts };
          await this.#backoff(attempt);
        }
        throw new VaultError('INTERNAL');
      });
    });
  }

  // ── ingest ───────────────────────────────────────────────────────────────────────────

  ingest(input: IngestInput): Promise<IngestResult> {
    return this.#guard(async () => {
      if (typeof input !== 'object' || input === null) throw badInput();
      const conversationId = this.#conversationId(input.conversationId);
      const handle = this.#handle(input.partner);
      if (input.direction !== 'in' && input.direction !== 'out') throw badInput();
      if (typeof input.rowId !== 'string' || typeof input.text !== 'string') throw badInput();
      const text = input.text;
      if (text.length > MAX_INGEST_TEXT) throw badInput();
      if (!looksLikeEnvelope(text)) return NOT_SOTTO;
      const ctx: Context = { conversationId, handle, direction: input.direction };
      return this.#conversations.run(conversationId, () => this.#ingestText(ctx, text));
    });
  }

  async #ingestText(ctx: Context, text: string): Promise<IngestResult> {
    const whole = joinParts([text]);
    if (whole.ok) return this.#ingestWhole(ctx, whole.value);
    const info = inspectEnvelope(text);
    if (info.ok && info.value.kind === 'part') {
      return this.#ingestPart(ctx, text.trim(), info.value);
    }
    // A marker in ordinary text ("SOTTO1. is neat") is not ours to hide.
    if (!ENVELOPE_SHAPE.test(text)) return NOT_SOTTO;
    const code = info.ok ? 'MALFORMED' : info.error.code;
    return this.#storeError(ctx, messageIdOf(text.trim()), reasonOf(code));
  }

  /** What a stored record answers, marking our own message delivered once the host shows it. */
  async #answer(
    ctx: Context,
    rec: MessageRecord,
    contact: ContactRecord | undefined,
  ): Promise<IngestResult> {
    if (
      ctx.direction === 'out' &&
      rec.direction === 'out' &&
      rec.kind !== 'error' &&
      rec.delivery !== 'sent'
    ) {
      await this.#markDelivered(rec.id, 'sent');
    }
    return { kind: 'message', messageId: rec.id, state: stateOf(rec, contact) };
  }

  /** A whole envelope we may have seen before. */
  async #lookup(
    ctx: Context,
    messageId: string,
  ): Promise<
    | { kind: 'found'; rec: MessageRecord; contact: ContactRecord | undefined }
    | { kind: 'elsewhere' }
    | null
  > {
    return this.#store.transact(
      ['messages', 'contacts'],
      async (tx) => {
        const withContact = async (rec: MessageRecord) => ({
          kind: 'found' as const,
          rec,
          contact: await tx.get('contacts', rec.peer),
        });
        const rec = await tx.get('messages', messageId);
        if (rec) {
          return rec.conversationId === ctx.conversationId && rec.peer === ctx.handle
            ? withContact(rec)
            : { kind: 'elsewhere' as const };
        }
        const own = await tx.get('messages', ownInviteIdOf(ctx.conversationId, messageId));
        if (own) return own.peer === ctx.handle ? withContact(own) : { kind: 'elsewhere' as const };
        const err = await tx.get(
          'messages',
          errorIdOf(ctx.conversationId, ctx.direction, messageId),
        );
        if (err) return withContact(err);
        return null;
      },
      { readonly: true },
    );
  }

  async #ingestWhole(ctx: Context, canonical: string): Promise<IngestResult> {
    const messageId = messageIdOf(canonical);
    const found = await this.#lookup(ctx, messageId);
    if (found?.kind === 'found') return this.#answer(ctx, found.rec, found.contact);
    if (found?.kind === 'elsewhere') return this.#storeError(ctx, messageId, 'other-conversation');
    const info = inspectEnvelope(canonical);
    if (!info.ok) return this.#storeError(ctx, messageId, reasonOf(info.error.code));
    // Shown as ours, but we never sent it: a forgery (or history this browser does not have).
    if (ctx.direction === 'out') return this.#storeError(ctx, messageId, 'unverifiable');
    const value = info.value;
    switch (value.kind) {
      case 'invite':
        return this.#ingestInvite(ctx, messageId, value.bundle);
      case 'init':
      case 'message':
        return this.#ingestRatchet(ctx, canonical, messageId, value.sessionId, value.kind);
      default:
        return this.#storeError(ctx, messageId, 'unverifiable');
    }
  }

  /** Store a failure for this context (see `ids.ts`) and answer with it. */
  async #storeError(ctx: Context, messageId: string, reason: ErrorReason): Promise<IngestResult> {
    const id = errorIdOf(ctx.conversationId, ctx.direction, messageId);
    await this.#store.transact(['messages'], async (tx) => {
      if (await tx.get('messages', id)) return;
      await tx.put('messages', {
        id,
        conversationId: ctx.conversationId,
        peer: ctx.handle,
        direction: ctx.direction,
        timestamp: await this.#timestampIn(tx, ctx.conversationId),
        kind: 'error',
        text: '',
        delivery: 'received',
        error: reason,
      });
    });
    return { kind: 'message', messageId: id, state: 'error' };
  }

  async #ingestInvite(ctx: Context, messageId: string, bundle: Bundle): Promise<IngestResult> {
    const now = this.#now();
    const decision = await this.#store.transact(
      ['identity', 'contacts', 'sessions', 'messages'],
      async (tx): Promise<Decision<IngestResult>> => {
        if (await tx.get('messages', messageId)) return { kind: 'retry' };
        const me = await tx.get('identity', 'identity');
        if (
          me?.kind === 'identity' &&
          bytesEqual(me.signingPublicKey, bundle.identity.signingKey)
        ) {
          // Our own invite, but not one we have a record of posting here.
          return { kind: 'error', reason: 'unverifiable' };
        }
        const record = await tx.get('sessions', ctx.conversationId);
        const state = record ? parseConversation(record.state) : emptyConversation(ctx.handle);
        if (state.handle !== ctx.handle) return { kind: 'error', reason: 'other-conversation' };
        // A new key for a pinned handle only becomes pending (contacts.ts): the host can post
        // an invite "from" anyone.
        const pin = observeIdentity(
          await tx.get('contacts', ctx.handle),
          ctx.handle,
          bundle.identity,
          now,
        );
        if (pin.changed) await tx.put('contacts', pin.contact);
        await tx.put('messages', {
          id: messageId,
          conversationId: ctx.conversationId,
          peer: ctx.handle,
          direction: 'in',
          timestamp: await this.#timestampIn(tx, ctx.conversationId),
          kind: 'invite',
          text: '',
          delivery: 'received',
          deliveredAt: now,
          bundle: encodeBundle(bundle),
        });
        await this.#putConversation(tx, ctx.conversationId, {
          ...state,
          inviteReceived: { messageId, at: now },
        });
        return { kind: 'done', value: { kind: 'message', messageId, state: 'invite' } };
      },
    );
    if (decision.kind === 'done') return decision.value;
    if (decision.kind === 'error') return this.#storeError(ctx, messageId, decision.reason);
    // Another vault instance stored it meanwhile.
    return this.#answerById(ctx, messageId);
  }

  /** Answer from the record stored under `id` (which must belong to this conversation). */
  async #answerById(ctx: Context, id: string): Promise<IngestResult> {
    const found = await this.#store.transact(
      ['messages', 'contacts'],
      async (tx) => {
        const rec = await tx.get('messages', id);
        return rec ? { rec, contact: await tx.get('contacts', rec.peer) } : null;
      },
      { readonly: true },
    );
    if (!found) return PART_PENDING;
    if (found.rec.conversationId !== ctx.conversationId || found.rec.peer !== ctx.handle) {
      return this.#storeError(ctx, id, 'other-conversation');
    }
    return this.#answer(ctx, found.rec, found.contact);
  }

  async #ingestRatchet(
    ctx: Context,
    canonical: string,
    messageId: string,
    sessionId: string,
    kind: 'init' | 'message',
  ): Promise<IngestResult> {
    const conv = ctx.conversationId;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const snap = await this.#store.transact(
        ['sessions', 'settings', 'messages'],
        async (tx) => {
          const record = await tx.get('sessions', conv);
          const index = await tx.get('settings', sessionIndexName(sessionId));
          return {
            known: (await tx.get('messages', messageId)) !== undefined,
            state: record ? parseConversation(record.state) : undefined,
            index: index ? parseSessionIndex(index.value) : undefined,
          };
        },
        { readonly: true },
      );
      if (snap.known) return this.#answerById(ctx, messageId);
      if (snap.index && snap.index.conversationId !== conv) {
        return this.#storeError(ctx, messageId, 'other-conversation');
      }
      if (snap.state && snap.state.handle !== ctx.handle) {
        return this.#storeError(ctx, messageId, 'other-conversation');
      }
      const stored = findSession(snap.state, sessionId);
      if (stored && snap.state) {
        const opened = ratchetDecrypt(stored.state, canonical, { rng: this.#random });
        if (!opened.ok) return this.#storeError(ctx, messageId, reasonOf(opened.error.code));
        const state = snap.state;
        const now = this.#now();
        const updated: StoredSession = { ...stored, state: opened.value.state, lastUsedAt: now };
        const result = await this.#store.transact(
          ['sessions', 'messages', 'contacts'],
          async (tx) => {
            if (revOf(await tx.get('sessions', conv)) !== state.rev) return null;
            const contact = await tx.get('contacts', ctx.handle);
            await this.#putConversation(tx, conv, touched(state, updated, now));
            return this.#putReceived(
              tx,
              ctx,
              messageId,
              opened.value.plaintext,
              now,
              contact,
              updated,
            );
          },
        );
        if (result) return result;
        await this.#backoff(attempt);
        continue;
      }
      // A session id we started or accepted before, whose state is gone (retired, or this
      // vault was restored from a backup): never start it again from a replayed init.
      if (snap.index) return this.#storeError(ctx, messageId, 'replay');
      if (kind === 'message') return this.#storeError(ctx, messageId, 'unverifiable');
      const { identity, ring } = await this.#ensureKeys();
      const responded = respondToSession(identity, ring, canonical, {
        now: this.#now(),
        rng: this.#random,
      });
      if (!responded.ok) return this.#storeError(ctx, messageId, reasonOf(responded.error.code));
      const { theirIdentity, plaintext } = responded.value;
      const now = this.#now();
      const session: StoredSession = {
        state: responded.value.state,
        createdAt: now,
        lastUsedAt: now,
      };
      const result = await this.#store.transact(
        ['sessions', 'messages', 'contacts', 'settings'],
        async (tx) => {
          if (revOf(await tx.get('sessions', conv)) !== (snap.state?.rev ?? null)) return null;
          if (await tx.get('settings', sessionIndexName(sessionId))) return null;
          const pin = observeIdentity(
            await tx.get('contacts', ctx.handle),
            ctx.handle,
            theirIdentity,
            now,
          );
          if (pin.changed) await tx.put('contacts', pin.contact);
          const base = snap.state ?? emptyConversation(ctx.handle);
          // A session from a key the user has not trusted decrypts (its text is held) but
          // never sends: anyone, the host included, can start one in the contact's name.
          const next =
            pin.sighting === 'pending'
              ? addUntrusted(base, session, now)
              : addResponded(base, session, now);
          await this.#putConversation(tx, conv, next);
          const entry: SessionIndexEntry = {
            conversationId: conv,
            handle: ctx.handle,
            createdAt: now,
          };
          await tx.put('settings', { name: sessionIndexName(sessionId), value: entry });
          return this.#putReceived(tx, ctx, messageId, plaintext, now, pin.contact, session);
        },
      );
      if (result) return result;
      await this.#backoff(attempt);
    }
    throw new VaultError('INTERNAL');
  }

  /** Store a message that decrypted (inside the commit transaction) and answer with it. */
  async #putReceived(
    tx: StoreTx<'messages' | 'contacts'>,
    ctx: Context,
    messageId: string,
    plaintext: Uint8Array,
    now: number,
    contact: ContactRecord | undefined,
    session: StoredSession,
  ): Promise<IngestResult> {
    const base = {
      id: messageId,
      conversationId: ctx.conversationId,
      peer: ctx.handle,
      direction: 'in' as const,
      timestamp: await this.#timestampIn(tx, ctx.conversationId),
      delivery: 'received' as const,
      deliveredAt: now,
    };
    const decoded = decodeContent(plaintext);
    let record: MessageRecord;
    if (!decoded.ok) {
      // It authenticated and its key is used up: the failure is the message's own, so it is
      // stored under the message id and answered the same wherever it is shown again.
      record = { ...base, kind: 'error', text: '', error: decoded.reason };
    } else {
      // From a key the user has not trusted: kept, but held (shown as such) until they do.
      const held = heldFrom(contact, session.state.theirSigningKey)
        ? { heldFor: session.state.theirSigningKey.slice() }
        : {};
      record =
        decoded.content.type === 'accept'
          ? { ...base, kind: 'accept', text: '', ...held }
          : { ...base, kind: 'text', text: decoded.content.text, ...held };
    }
    // Where they listen for calls rides along inside the ratchet (lib/vault/content.ts).
    if (decoded.ok) {
      const updated = withPresenceAddress(
        contact,
        session.state.theirSigningKey,
        decoded.content.presence,
      );
      if (updated) await tx.put('contacts', updated);
    }
    await tx.put('messages', record);
    return { kind: 'message', messageId, state: stateOf(record, contact) };
  }

  /** Candidate texts kept per part index (a forged one shown first must not win for good). */
  static readonly #PART_CANDIDATES = 4;
  /** Combinations of candidates joined at most per ingested part (each join hashes them all). */
  static readonly #PART_COMBINATIONS = 64;

  async #ingestPart(
    ctx: Context,
    text: string,
    info: { messageId: string; index: number; total: number },
  ): Promise<IngestResult> {
    type Collected = ReturnType<typeof parsePartGroup>;
    const name = partGroupName(ctx.conversationId, info.messageId);
    const now = this.#now();
    const step = await this.#store.transact(
      ['settings', 'messages'],
      async (tx): Promise<{ done: string } | { group: Collected } | { pending: true }> => {
        const raw = await tx.get('settings', name);
        let group = raw ? parsePartGroup(raw.value) : null;
        if (group?.messageId) {
          if (await tx.get('messages', group.messageId)) return { done: group.messageId };
          // The message it made is gone (restored without history): collect it again.
          group = null;
        }
        group ??= {
          conversationId: ctx.conversationId,
          partId: info.messageId,
          total: info.total,
          firstSeen: now,
          parts: [],
          slots: [],
          messageId: null,
        };
        // Every distinct text is a candidate for its index (a few per index, bounded in all):
        // the host may show a forged part before the real one, and only joining tells them
        // apart (the whole must hash to the part id). Parts claiming another total are
        // candidates of that total, so a forged total cannot shut the real parts out either.
        if (SottoVault.#addPartCandidate(group, text, info)) {
          await tx.put('settings', { name, value: group });
        }
        await this.#trackPending(tx, name, group, now);
        const filled = SottoVault.#partCandidates(group, info.total).every((c) => c.length > 0);
        return filled ? { group } : { pending: true };
      },
    );
    if ('pending' in step) return PART_PENDING;
    if ('done' in step) return this.#answerById(ctx, step.done);
    const candidates = SottoVault.#partCandidates(step.group, info.total);
    // Combinations without this text were tried when their last candidate came; try the new
    // ones (this text in its place), a bounded number of them.
    if (step.group.parts.includes(text)) candidates[info.index - 1] = [text];
    else candidates[info.index - 1] = [];
    for (const combination of SottoVault.#partCombinations(candidates)) {
      const joined = joinParts(combination);
      if (!joined.ok) continue;
      const result = await this.#ingestWhole(ctx, joined.value);
      if (result.kind === 'message') {
        const finished: PartGroup = {
          conversationId: ctx.conversationId,
          partId: info.messageId,
          total: info.total,
          firstSeen: now,
          parts: [],
          messageId: result.messageId,
        };
        await this.#store.transact(['settings'], async (tx) => {
          await tx.put('settings', { name, value: finished });
          await this.#trackPending(tx, name, null, now);
        });
      }
      return result;
    }
    // Nothing joined. While an index can still take a candidate, the real part may yet come
    // (the row waits for the rest); once every index is full, the message cannot be made.
    const all = SottoVault.#partCandidates(step.group, info.total);
    if (all.some((c) => c.length < SottoVault.#PART_CANDIDATES)) return PART_PENDING;
    return this.#storeError(ctx, messageIdOf(all.map((c) => c[0]).join('\n')), 'unverifiable');
  }

  /**
   * Add `text` as a candidate for its index unless it is there already, its index holds the
   * maximum, or the group would hold more than the pending-parts budget. True if added.
   */
  static #addPartCandidate(
    group: ReturnType<typeof parsePartGroup>,
    text: string,
    slot: { index: number; total: number },
  ): boolean {
    if (group.parts.includes(text)) return false;
    const same = group.slots.filter((s) => s.index === slot.index && s.total === slot.total);
    if (same.length >= SottoVault.#PART_CANDIDATES) return false;
    const chars = group.parts.reduce((sum, p) => sum + p.length, 0);
    if (chars + text.length > MAX_PENDING_PART_CHARS) return false;
    group.parts.push(text);
    group.slots.push({ index: slot.index, total: slot.total });
    return true;
  }

  /** The candidate texts for each index (index - 1) of a `total`-part message, oldest first. */
  static #partCandidates(group: ReturnType<typeof parsePartGroup>, total: number): string[][] {
    const byIndex = Array.from({ length: total }, (): string[] => []);
    group.parts.forEach((text, i) => {
      const slot = group.slots[i]!;
      if (slot.total === total) byIndex[slot.index - 1]!.push(text);
    });
    return byIndex;
  }

  /** One text per index, in order of arrival, at most `#PART_COMBINATIONS` of them. */
  static *#partCombinations(candidates: string[][]): Generator<string[]> {
    if (candidates.some((c) => c.length === 0)) return;
    const at = candidates.map(() => 0);
    for (let n = 0; n < SottoVault.#PART_COMBINATIONS; n++) {
      yield candidates.map((c, i) => c[at[i]!]!);
      let i = 0;
      while (i < at.length && ++at[i]! === candidates[i]!.length) {
        at[i] = 0;
        i++;
      }
      if (i === at.length) return;
    }
  }

  /**
   * Keep the list of incomplete part groups bounded: drop groups older than the TTL, then the
   * oldest while there are too many or they hold too much. `group` null: `name` is complete.
   */
  async #trackPending(
    tx: StoreTx<'settings'>,
    name: string,
    group: PartGroup | null,
    now: number,
  ): Promise<void> {
    const pending = parsePendingParts((await tx.get('settings', PARTS_PENDING_NAME))?.value);
    let groups = pending.groups.filter((g) => g.name !== name);
    if (group) {
      const chars = group.parts.reduce((sum, p) => sum + p.length, 0);
      groups.push({ name, at: group.firstSeen, chars });
    }
    const dropped: string[] = [];
    groups = groups.filter((g) => {
      const stale = now - g.at > PENDING_PARTS_TTL_MS && g.name !== name;
      if (stale) dropped.push(g.name);
      return !stale;
    });
    let chars = groups.reduce((sum, g) => sum + g.chars, 0);
    while (
      groups.length > 0 &&
      (groups.length > MAX_PENDING_PART_GROUPS || chars > MAX_PENDING_PART_CHARS)
    ) {
      const oldest = groups.shift()!;
      chars -= oldest.chars;
      dropped.push(oldest.name);
    }
    for (const d of dropped) await tx.delete('settings', d);
    if (groups.length === 0 && pending.groups.length === 0) return;
    await tx.put('settings', { name: PARTS_PENDING_NAME, value: { groups } });
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────

  getMessage(messageId: string): Promise<MessageView | null> {
    return this.#guard(async () => {
      if (typeof messageId !== 'string' || !/^[0-9a-f]{64}$/.test(messageId)) return null;
      return this.#store.transact(
        ['messages', 'contacts'],
        async (tx) => {
          const rec = await tx.get('messages', messageId);
          return rec ? messageView(rec, await tx.get('contacts', rec.peer)) : null;
        },
        { readonly: true },
      );
    });
  }

  listMessages(conversationId: string, opts: { limit?: number } = {}): Promise<MessageView[]> {
    return this.#guard(async () => {
      const conv = this.#conversationId(conversationId);
      const limit = opts?.limit;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST)) {
        throw badInput();
      }
      return this.#store.transact(
        ['messages', 'contacts'],
        async (tx) => {
          const records =
            limit === undefined
              ? await tx.listMessages(conv)
              : (await tx.listMessages(conv, { order: 'desc', limit })).reverse();
          const contacts = new Map<string, ContactRecord | undefined>();
          for (const rec of records) {
            if (!contacts.has(rec.peer)) contacts.set(rec.peer, await tx.get('contacts', rec.peer));
          }
          return records.map((rec) => messageView(rec, contacts.get(rec.peer)));
        },
        { readonly: true },
      );
    });
  }

  reportDelivery(messageId: string, state: 'sent' | 'failed'): Promise<void> {
    return this.#guard(async () => {
      const id = this.#id(messageId);
      if (state !== 'sent' && state !== 'failed') throw badInput();
      await this.#markDelivered(id, state);
    });
  }

  async #markDelivered(id: string, state: 'sent' | 'failed'): Promise<void> {
    const now = this.#now();
    const outcome = await this.#store.transact(['messages', 'drafts'], async (tx) => {
      const rec = await tx.get('messages', id);
      if (!rec) return 'unknown' as const;
      if (rec.direction !== 'out' || rec.kind === 'error') return 'not-ours' as const;
      // The host showed it: a later "failed" (e.g. a timeout) does not undo that.
      if (rec.delivery !== 'sent' && !(rec.delivery === state)) {
        await tx.put('messages', {
          ...rec,
          delivery: state,
          ...(state === 'sent' ? { deliveredAt: now } : {}),
        });
      }
      const draft = await tx.get('drafts', rec.conversationId);
      if (
        draft &&
        (draft.pendingMessageId === id || (rec.kind === 'text' && draft.text === rec.text))
      ) {
        if (state === 'sent') {
          await tx.delete('drafts', rec.conversationId);
        } else if (draft.pendingMessageId === id) {
          const { pendingMessageId: _dropped, ...rest } = draft;
          await tx.put('drafts', rest);
        }
      }
      return 'ok' as const;
    });
    if (outcome === 'unknown') throw new VaultError('UNKNOWN_MESSAGE');
    if (outcome === 'not-ours') throw badInput(VAULT_MESSAGES.badDirection);
  }

  // ── contacts ─────────────────────────────────────────────────────────────────────────

  contact(handle: string): Promise<ContactView | null> {
    return this.#guard(async () => {
      const h = this.#handle(handle);
      const record = await this.#store.get('contacts', h);
      if (!record) return null;
      const { identity } = await this.#ensureKeys();
      return this.#contactView(identity, record);
    });
  }

  setVerified(handle: string, verified: boolean): Promise<void> {
    return this.#guard(async () => {
      const h = this.#handle(handle);
      if (typeof verified !== 'boolean') throw badInput();
      const now = this.#now();
      const found = await this.#store.transact(['contacts'], async (tx) => {
        const record = await tx.get('contacts', h);
        if (!record) return false;
        await tx.put('contacts', setVerification(record, verified, now));
        return true;
      });
      if (!found) throw badInput(VAULT_MESSAGES.noContact);
    });
  }

  async approveKeyChange(handle: string): Promise<void> {
    await this.decideKey(handle, 'trust');
  }

  /**
   * The user's decision about a contact's key (taken in a trusted extension surface): the
   * contact record and, in every conversation with them, which session may send.
   */
  decideKey(handle: string, decision: KeyDecision): Promise<string[]> {
    return this.#guard(async () => {
      const h = this.#handle(handle);
      if (decision !== 'keep' && decision !== 'trust' && decision !== 'block') throw badInput();
      const now = this.#now();
      const concerned = await this.#store.transact(['contacts', 'sessions'], async (tx) => {
        const record = await tx.get('contacts', h);
        if (!record) return null;
        const decided = decideKey(record, decision, now);
        await tx.put('contacts', decided);
        const ids: string[] = [];
        for (const conversation of await tx.getAll('sessions')) {
          const state = parseConversation(conversation.state);
          if (state.handle !== h) continue;
          ids.push(conversation.contact);
          const next = afterKeyDecision(state, decided.identityKey, decision);
          if (next !== state) await this.#putConversation(tx, conversation.contact, next);
        }
        return ids;
      });
      if (!concerned) throw badInput(VAULT_MESSAGES.noContact);
      return concerned;
    });
  }

  contacts(): Promise<ContactView[]> {
    return this.#guard(async () => {
      const records = await this.#store.getAll('contacts');
      if (records.length === 0) return [];
      const { identity } = await this.#ensureKeys();
      return records
        .map((record) => this.#contactView(identity, record))
        .sort((a, b) => a.handle.localeCompare(b.handle));
    });
  }

  /**
   * Forget a contact: their pinned key and every session with them. Messages stay readable
   * in history; a new invite starts over with trust on first use.
   */
  removeContact(handle: string): Promise<void> {
    return this.#guard(async () => {
      const h = this.#handle(handle);
      const found = await this.#store.transact(['contacts', 'sessions'], async (tx) => {
        if (!(await tx.get('contacts', h))) return false;
        await tx.delete('contacts', h);
        for (const record of await tx.getAll('sessions')) {
          if ((record.state as { handle?: unknown } | null)?.handle === h) {
            await tx.delete('sessions', record.contact);
          }
        }
        return true;
      });
      if (!found) throw badInput(VAULT_MESSAGES.noContact);
    });
  }

  // ── user settings ────────────────────────────────────────────────────────────────────

  /** Names the vault keeps its own bookkeeping under; not for callers. */
  #userSettingName(name: unknown): string {
    if (typeof name !== 'string' || !/^user:[a-z0-9.-]{1,64}$/.test(name)) throw badInput();
    return name;
  }

  readSetting(name: string): Promise<unknown> {
    return this.#guard(async () => {
      const record = await this.#store.get('settings', this.#userSettingName(name));
      return record?.value;
    });
  }

  writeSetting(name: string, value: unknown): Promise<void> {
    return this.updateSetting(name, () => value).then(() => undefined);
  }

  updateSetting(name: string, update: (current: unknown) => unknown): Promise<unknown> {
    return this.#guard(() => {
      const key = this.#userSettingName(name);
      return this.#settingsMutex.run(key, async () => {
        const record = await this.#store.get('settings', key);
        const value = update(record?.value);
        await this.#store.put('settings', { name: key, value });
        return value;
      });
    });
  }

  // ── drafts ───────────────────────────────────────────────────────────────────────────

  saveDraft(conversationId: string, text: string): Promise<void> {
    return this.#guard(async () => {
      const conv = this.#conversationId(conversationId);
      if (typeof text !== 'string' || text.length > MAX_DRAFT) throw badInput();
      if (text === '') {
        await this.#store.delete('drafts', conv);
        return;
      }
      await this.#store.put('drafts', { conversationId: conv, text, updatedAt: this.#now() });
    });
  }

  getDraft(conversationId: string): Promise<string> {
    return this.#guard(async () => {
      const conv = this.#conversationId(conversationId);
      const draft = await this.#store.get('drafts', conv);
      // While its message is on its way the draft is not offered again (no double send).
      if (!draft || draft.pendingMessageId !== undefined) return '';
      return draft.text;
    });
  }

  /** Erase everything, passphrase included; allowed while locked (see `Store.reset`). */
  async reset(): Promise<void> {
    try {
      await this.#store.reset();
    } catch (error) {
      throw toVaultError(error);
    }
    this.#safetyNumbers.clear();
  }

  // ── calls ────────────────────────────────────────────────────────────────────────────

  presenceAddress(): Promise<string> {
    return this.#guard(async () => {
      const stored = await this.#store.get('settings', PRESENCE_ADDRESS_NAME);
      if (typeof stored?.value === 'string') return stored.value;
      const fresh = newPeerId(this.#random);
      return this.#store.transact(['settings'], async (tx) => {
        const raced = await tx.get('settings', PRESENCE_ADDRESS_NAME);
        if (typeof raced?.value === 'string') return raced.value;
        await tx.put('settings', { name: PRESENCE_ADDRESS_NAME, value: fresh });
        return fresh;
      });
    });
  }

  prepareCall(handle: string, media: CallMedia, peerId: string): Promise<CallTicket> {
    return this.#guard(async () => {
      const h = this.#handle(handle);
      const contact = await this.#store.get('contacts', h);
      if (!contact) throw new VaultError('NO_SESSION');
      if (sendingBlocked(contact)) throw new VaultError('KEY_CHANGED_BLOCKED');
      const { identity } = await this.#ensureKeys();
      const callId = newCallId(this.#random);
      const presenceAddress = contact.presenceAddress ?? null;
      // The ring names the callee (pinned key and the address it is sent to), so it rings
      // only there; without an address there is no one to ring yet (the window says so).
      const ring =
        presenceAddress === null
          ? null
          : createRing(
              {
                callerKey: identity.signingKey,
                callId,
                media,
                timestamp: this.#now(),
                peerId,
                calleeKey: contact.identityKey,
                calleeAddress: presenceAddress,
              },
              identity.signingSecret,
            );
      if (presenceAddress !== null && !ring) throw badInput();
      return {
        callId,
        ring,
        presenceAddress,
        peerKey: toHex(contact.identityKey),
        ownKey: toHex(identity.signingKey),
      };
    });
  }

  signCallBinding(view: BindingView): Promise<string> {
    return this.#guard(async () => {
      const { identity } = await this.#ensureKeys();
      return signBinding(view, identity.signingSecret);
    });
  }

  receiveRing(ring: string): Promise<RingResult<IncomingRing>> {
    return this.#guard(async () => {
      const contacts = await this.#store.getAll('contacts');
      const now = this.#now();
      // The call log doubles as the replay guard: every ring that rang is logged by call id.
      const seen = new Set((await this.#store.getAll('callLog')).map((entry) => entry.id));
      const { identity } = await this.#ensureKeys();
      // A ring must name us: one signed for another of the caller's contacts is a replay.
      const checked = acceptRing(ring, {
        now,
        ownKey: identity.signingKey,
        ownAddress: await this.presenceAddress(),
        contactFor: (key) => contactForKey(contacts, key),
        seen: (callId) => seen.has(callId),
      });
      if (!checked.ok) return checked;
      const { callId, handle, media, peerId, callerKey } = checked.value;
      const fresh = await this.#store.transact(['callLog'], async (tx) => {
        if (await tx.get('callLog', callId)) return false;
        await tx.put('callLog', {
          id: callId,
          peer: handle,
          direction: 'in',
          media,
          startedAt: now,
          outcome: 'missed',
        });
        return true;
      });
      if (!fresh) return { ok: false, reason: 'replay' };
      await this.#pruneCallLog();
      return {
        ok: true,
        value: {
          callId,
          handle,
          media,
          peerId,
          peerKey: toHex(callerKey),
          ownKey: toHex(identity.signingKey),
        },
      };
    });
  }

  recordCall(entry: CallLogEntry): Promise<void> {
    return this.#guard(async () => {
      const record = callLogRecord({ ...entry, handle: this.#handle(entry.handle) });
      if (!record) throw badInput();
      await this.#store.transact(['callLog'], (tx) => tx.put('callLog', record));
      await this.#pruneCallLog();
    });
  }

  callLog(limit: number): Promise<CallLogEntry[]> {
    return this.#guard(async () => {
      const records = await this.#store.getAll('callLog');
      return records
        .sort((a, b) => b.startedAt - a.startedAt)
        .slice(0, limit)
        .map(callLogView);
    });
  }

  async #pruneCallLog(): Promise<void> {
    const records = await this.#store.getAll('callLog');
    if (records.length <= MAX_CALL_LOG) return;
    const oldest = records.sort((a, b) => b.startedAt - a.startedAt).slice(MAX_CALL_LOG);
    await this.#store.transact(['callLog'], async (tx) => {
      for (const record of oldest) await tx.delete('callLog', record.id);
    });
  }

  // ── backups ──────────────────────────────────────────────────────────────────────────

  /** No session ever, nothing ever sent: our identity (if any) was never published. */
  async #unused(): Promise<boolean> {
    return this.#store.transact(
      ['settings', 'messages'],
      async (tx) => {
        // Every session ever started or accepted has an index entry (the replay guard).
        const settings = await tx.getAll('settings');
        if (settings.some((r) => r.name.startsWith(sessionIndexName('')))) return false;
        const messages = await tx.getAll('messages');
        return !messages.some((m) => m.direction === 'out' && m.kind !== 'error');
      },
      { readonly: true },
    );
  }

  exportBackup(opts: { history: boolean }): Promise<{ file: Uint8Array; recoveryKey: string }> {
    return this.#guard(async () => {
      if (typeof opts !== 'object' || opts === null || typeof opts.history !== 'boolean') {
        throw badInput();
      }
      try {
        const backup = await exportStoreBackup(this.#store, {
          history: opts.history,
          random: this.#storeRandom,
          now: this.#clock,
        });
        return { file: backup.file, recoveryKey: backup.recoveryKey };
      } catch (error) {
        const mapped = toVaultError(error);
        throw isVaultError(mapped, 'LOCKED') ? mapped : new VaultError('BACKUP_FAILED');
      }
    });
  }

  importBackup(file: Uint8Array, recoveryKey: string): Promise<void> {
    return this.#guard(async () => {
      if (!(file instanceof Uint8Array) || typeof recoveryKey !== 'string') throw badInput();
      // A vault whose identity was never shown to anyone (no invite or accept sent, no session)
      // holds nothing worth keeping over the backup: what browsing X pinned or recorded before
      // the restore is replaced, in the import's own transaction. Otherwise it must be empty.
      const replace = await this.#unused();
      await importStoreBackup(this.#store, file, recoveryKey, { replace });
      this.#safetyNumbers.clear();
    });
  }
}
