/**
 * The Double Ratchet with header encryption, after Signal's specification
 * (https://signal.org/docs/specifications/doubleratchet/, §3 and §4 "Header encryption").
 *
 * Functions are pure: they return a new state and never mutate the one passed in, so the
 * vault can commit the new state before it sends, and a failed decryption leaves nothing
 * to roll back. Byte arrays inside a state are shared between old and new states and must
 * be treated as read-only.
 *
 *   KDF_RK_HE(rk, dh) = HKDF-SHA-256(ikm = dh, salt = rk, info = "sotto/v1/ratchet", 96)
 *                       -> root key (32) | chain key (32) | next header key (32)
 *   KDF_CK(ck)        = HChaCha20(ck, "sotto/v1/ck/next") -> next chain key (32)
 *                       HChaCha20(ck, "sotto/v1/ck/msg.") -> message key (32)
 *   header            = DHs (32) | PN (u32 BE) | N (u32 BE), sealed with the header key
 *   sealed header     = XSalsa20-Poly1305(HK, nonce, header)  (secretbox: tag | ciphertext)
 *   body              = ChaCha20-Poly1305(MK, nonce[0:12], plaintext,
 *                                         ad = AD | prefix | nonce | sealed header | caller ad)
 *
 * The 24-byte nonce is random per message; the header uses all of it (the header key seals
 * a whole chain of messages, so it gets 192-bit random nonces), the body its first 12 bytes
 * (a message key seals one message). A message key is used for exactly one message
 * (derived, used, dropped); the random nonce also protects against a vault that restores an
 * older state and encrypts again. As in Signal's HENCRYPT, the header is sealed without
 * associated data: the body's associated data binds the prefix, nonce and sealed header, so
 * a message is accepted only with exactly the header its sender wrote.
 *
 * Receiving tries the expected next message of the current receiving chain first, by its
 * body alone (see {@link decryptWire}); everything else goes through the header.
 */
import { bytesEqual, fromHex, readU32be, Scratch, writeU32be } from './bytes';
import {
  FRAME_WHOLE,
  HEADER_PLAIN,
  HEADER_SEALED,
  INFO_RATCHET,
  KEY,
  MAX_OLD_HEADER_KEYS,
  MAX_PLAINTEXT,
  MAX_SKIP,
  MAX_STORED_SKIPPED,
  NONCE,
  NONCE_ONCE,
  PAYLOAD_INIT,
  PAYLOAD_MESSAGE,
  PROTOCOL_VERSION,
  SESSION_ID,
  TAG,
  X25519_KEY,
} from './constants';
import { encodeFrameText, unwrapPayload } from './envelope';
import { fail, ok, type Result } from './errors';
import { parsePayload, type RatchetWire } from './payload';
import {
  dh,
  hkdfSha256,
  kdfChain,
  openBox,
  openOnce,
  sealBox,
  sealOnce,
  x25519KeyPair,
} from './primitives';
import { draw, fillSystemNonce, type RandomSource, systemRandom } from './random';

/** A message key kept for a message that has not arrived yet. */
export interface SkippedKey {
  /** Header key of the chain the message belongs to. */
  readonly hk: Uint8Array;
  /** Message number in that chain. */
  readonly n: number;
  readonly mk: Uint8Array;
}

/**
 * A session: plain data (objects, numbers, strings, null, Uint8Array, arrays), so it can go
 * to IndexedDB by structured clone. Field names follow Signal's specification.
 */
export interface SessionState {
  readonly v: 1;
  /** 16 hex digits; also in every envelope of the session, so the vault can route. */
  readonly sessionId: string;
  readonly role: 'initiator' | 'responder';
  /** AD: version || initiator IKsig || IKdh || responder IKsig || IKdh (129 bytes). */
  readonly ad: Uint8Array;
  readonly theirSigningKey: Uint8Array;
  readonly theirDhKey: Uint8Array;
  readonly dhsSecret: Uint8Array;
  readonly dhsPublic: Uint8Array;
  readonly dhr: Uint8Array | null;
  readonly rk: Uint8Array;
  readonly cks: Uint8Array | null;
  readonly ckr: Uint8Array | null;
  readonly hks: Uint8Array | null;
  readonly hkr: Uint8Array | null;
  readonly nhks: Uint8Array;
  readonly nhkr: Uint8Array;
  readonly ns: number;
  readonly nr: number;
  readonly pn: number;
  /** Oldest first; at most MAX_STORED_SKIPPED. */
  readonly skipped: readonly SkippedKey[];
  /** Receiving header keys of finished chains, oldest first, to tell replays from garbage. */
  readonly oldHeaderKeys: readonly Uint8Array[];
  /** The initiator's PQXDH header, sent with every message until the first reply arrives. */
  readonly pendingInit: Uint8Array | null;
}

/** Options for {@link ratchetEncrypt}. */
export interface EncryptOptions {
  /** Extra associated data the receiver must present too (default empty). */
  readonly ad?: Uint8Array;
  readonly rng?: RandomSource;
}

/** Options for {@link ratchetDecrypt}. */
export interface DecryptOptions {
  /** Extra associated data given to {@link ratchetEncrypt} (default empty). */
  readonly ad?: Uint8Array;
  /** Randomness for the new ratchet key pair when the message starts a DH step. */
  readonly rng?: RandomSource;
}

const EMPTY = new Uint8Array(0);

/** The fields a ratchet step may change; the rest (identity, AD, session id) never do. */
type StateChanges = {
  -readonly [K in Exclude<
    keyof SessionState,
    'v' | 'sessionId' | 'role' | 'ad' | 'theirSigningKey' | 'theirDhKey'
  >]?: SessionState[K];
};

/**
 * `s` with `c` applied, as a new state. Written as one object literal because V8 copies a
 * 22-field object spread with overrides (`{ ...s, ns }`) on a slow path, ~1 µs each, and
 * every message made two of them (more than its KDF_CK). No field of a state is ever
 * `undefined`, so `undefined` in `c` means "unchanged".
 */
function withChanges(s: SessionState, c: StateChanges): SessionState {
  return {
    v: s.v,
    sessionId: s.sessionId,
    role: s.role,
    ad: s.ad,
    theirSigningKey: s.theirSigningKey,
    theirDhKey: s.theirDhKey,
    dhsSecret: c.dhsSecret === undefined ? s.dhsSecret : c.dhsSecret,
    dhsPublic: c.dhsPublic === undefined ? s.dhsPublic : c.dhsPublic,
    dhr: c.dhr === undefined ? s.dhr : c.dhr,
    rk: c.rk === undefined ? s.rk : c.rk,
    cks: c.cks === undefined ? s.cks : c.cks,
    ckr: c.ckr === undefined ? s.ckr : c.ckr,
    hks: c.hks === undefined ? s.hks : c.hks,
    hkr: c.hkr === undefined ? s.hkr : c.hkr,
    nhks: c.nhks === undefined ? s.nhks : c.nhks,
    nhkr: c.nhkr === undefined ? s.nhkr : c.nhkr,
    ns: c.ns === undefined ? s.ns : c.ns,
    nr: c.nr === undefined ? s.nr : c.nr,
    pn: c.pn === undefined ? s.pn : c.pn,
    skipped: c.skipped === undefined ? s.skipped : c.skipped,
    oldHeaderKeys: c.oldHeaderKeys === undefined ? s.oldHeaderKeys : c.oldHeaderKeys,
    pendingInit: c.pendingInit === undefined ? s.pendingInit : c.pendingInit,
  };
}

/** KDF_RK_HE: new root key, chain key and next header key. */
export function kdfRoot(
  rk: Uint8Array,
  dhOut: Uint8Array,
): { rk: Uint8Array; ck: Uint8Array; nhk: Uint8Array } {
  const okm = hkdfSha256(dhOut, rk, INFO_RATCHET, 3 * KEY);
  return { rk: okm.slice(0, KEY), ck: okm.slice(KEY, 2 * KEY), nhk: okm.slice(2 * KEY) };
}

/** Scratch sizes: a frame of up to 16 KiB (messages, and the ~2.6 KB init messages) reuses them. */
const SCRATCH_MAX = 16 * 1024;
/** Where ratchetEncrypt writes a frame; it lives until the frame has become text. */
const frameScratch = new Scratch(SCRATCH_MAX);
/** Where ratchetDecrypt decodes an envelope; nothing read from it outlives the call. */
const decodeScratch = new Scratch(SCRATCH_MAX);
/** Where the body's associated data is assembled; noble reads it only during the AEAD call. */
const adScratch = new Scratch(SCRATCH_MAX);

/** The body's associated data, AD | payload head | caller ad, as a view of {@link adScratch}. */
function bodyAd(sessionAd: Uint8Array, head: Uint8Array, extra: Uint8Array): Uint8Array {
  const ad = adScratch.take(sessionAd.length + head.length + extra.length);
  ad.set(sessionAd);
  ad.set(head, sessionAd.length);
  ad.set(extra, sessionAd.length + head.length);
  return ad;
}

/** Where the header is sealed before it is copied into the frame (noble's 32-byte lead + 56). */
const sealedHeaderScratch = new Uint8Array(HEADER_PLAIN + 32);

let cachedSessionId = '';
let cachedSessionIdBytes: Uint8Array = new Uint8Array(SESSION_ID);

/** The session id's 8 bytes (read-only: only copied and compared), or null if malformed. */
function sessionIdBytes(sessionId: string): Uint8Array | null {
  if (sessionId !== cachedSessionId) {
    const bytes = fromHex(sessionId);
    if (!bytes || bytes.length !== SESSION_ID) return null;
    cachedSessionId = sessionId;
    cachedSessionIdBytes = bytes;
  }
  return cachedSessionIdBytes;
}

/** Opens a message body with its message key; null if it does not authenticate. */
export function openBody(
  state: SessionState,
  messageKey: Uint8Array,
  wire: RatchetWire,
  extra: Uint8Array,
): Uint8Array | null {
  return openOnce(
    messageKey,
    wire.nonce.subarray(0, NONCE_ONCE),
    wire.body,
    bodyAd(state.ad, wire.head, extra),
  );
}

/**
 * Encrypts one message. Returns the next state and the envelope line (an init envelope while
 * the initiator has not heard back). Throws TypeError if the state cannot send (a responder
 * state before its first message, which respondToSession never returns) and RangeError for
 * a plaintext over MAX_PLAINTEXT bytes.
 */
export function ratchetEncrypt(
  state: SessionState,
  plaintext: Uint8Array,
  options: EncryptOptions = {},
): { state: SessionState; envelope: string } {
  const sealed = encryptFrame(state, plaintext, options);
  return { state: sealed.state, envelope: encodeFrameText(sealed.frame) };
}

/**
 * {@link ratchetEncrypt} without the text layer: the whole frame (00 | payload) as a view of
 * a buffer that the next call overwrites, so it must be encoded or copied at once.
 */
export function encryptFrame(
  state: SessionState,
  plaintext: Uint8Array,
  options: EncryptOptions = {},
): { state: SessionState; frame: Uint8Array } {
  if (!(plaintext instanceof Uint8Array))
    throw new TypeError('ratchetEncrypt: plaintext must be a Uint8Array');
  if (plaintext.length > MAX_PLAINTEXT) throw new RangeError('ratchetEncrypt: plaintext too long');
  if (!state.cks || !state.hks) throw new TypeError('ratchetEncrypt: this session cannot send yet');
  if (state.ns >= 0xffffffff) throw new RangeError('ratchetEncrypt: sending chain exhausted');
  const sessionId = sessionIdBytes(state.sessionId);
  if (!sessionId) throw new TypeError('ratchetEncrypt: bad session id');
  const { messageKey, chainKey } = kdfChain(state.cks);
  // The frame is written in place: 00 | prefix | nonce | sealed header | body.
  const init = state.pendingInit;
  const nonceAt = 1 + 2 + SESSION_ID + (init ? init.length : 0);
  const headerAt = nonceAt + NONCE;
  const bodyAt = headerAt + HEADER_SEALED;
  const length = bodyAt + plaintext.length + TAG;
  // Offset the frame in its buffer so the body is 4-byte aligned (noble's word-wise path).
  const frame = frameScratch.take(length, (4 - (bodyAt % 4)) % 4);
  frame[0] = FRAME_WHOLE;
  frame[1] = PROTOCOL_VERSION;
  frame[2] = init ? PAYLOAD_INIT : PAYLOAD_MESSAGE;
  frame.set(sessionId, 3);
  if (init) frame.set(init, 3 + SESSION_ID);
  const nonce = frame.subarray(nonceAt, headerAt);
  if (options.rng) nonce.set(draw(options.rng, NONCE));
  else fillSystemNonce(nonce);
  const header = new Uint8Array(HEADER_PLAIN);
  header.set(state.dhsPublic);
  writeU32be(header, X25519_KEY, state.pn);
  writeU32be(header, X25519_KEY + 4, state.ns);
  frame.set(sealBox(state.hks, nonce, header, sealedHeaderScratch), headerAt);
  header.fill(0);
  const ad = bodyAd(state.ad, frame.subarray(1, bodyAt), options.ad ?? EMPTY);
  sealOnce(messageKey, nonce.subarray(0, NONCE_ONCE), plaintext, ad, frame.subarray(bodyAt));
  return { state: withChanges(state, { cks: chainKey, ns: state.ns + 1 }), frame };
}

/**
 * Decrypts one whole envelope (join parts first). On success returns the next state and the
 * plaintext; on failure a typed error and the caller keeps its state. UNKNOWN_SESSION if the
 * envelope names another session, REPLAY if its key was used (or evicted), BAD_MAC if no key
 * authenticates it, TOO_MANY_SKIPPED past MAX_SKIP, MALFORMED / VERSION_TOO_NEW for bad text.
 */
export function ratchetDecrypt(
  state: SessionState,
  envelope: string,
  options: DecryptOptions = {},
): Result<{ state: SessionState; plaintext: Uint8Array }> {
  const unwrapped = unwrapPayload(envelope, decodeScratch);
  if (!unwrapped.ok) return unwrapped;
  return decryptPayload(state, unwrapped.value.payload, options);
}

/** {@link ratchetDecrypt} of a payload (a whole frame without its 00), without the text layer. */
export function decryptPayload(
  state: SessionState,
  bytes: Uint8Array,
  options: DecryptOptions = {},
): Result<{ state: SessionState; plaintext: Uint8Array }> {
  const payload = parsePayload(bytes);
  if (!payload.ok) return payload;
  const p = payload.value;
  if (p.type === 'invite') return fail('MALFORMED', 'an invite, not a message');
  const sessionId = sessionIdBytes(state.sessionId);
  if (!sessionId || !bytesEqual(p.sessionId, sessionId))
    return fail('UNKNOWN_SESSION', 'envelope of another session');
  return decryptWire(state, p.wire, options.ad ?? EMPTY, options.rng ?? systemRandom);
}

interface Header {
  readonly dh: Uint8Array;
  readonly pn: number;
  readonly n: number;
}

function openHeader(hk: Uint8Array, wire: RatchetWire): Header | null {
  const plain = openBox(hk, wire.nonce, wire.sealedHeader);
  if (!plain || plain.length !== HEADER_PLAIN) return null;
  return {
    dh: plain.slice(0, X25519_KEY),
    pn: readU32be(plain, X25519_KEY),
    n: readU32be(plain, X25519_KEY + 4),
  };
}

/**
 * The ratchet half of decryption, shared with respondToSession.
 *
 * 0. Fast path: most messages are the next one of the current receiving chain, so its
 *    message key (which step 1 would derive anyway) is tried on the body first. The body's
 *    associated data covers the whole payload before the body (prefix, nonce, sealed
 *    header), so if it authenticates, the payload is exactly as the holder of that chain
 *    key sealed it, as message Nr of this chain: the header is not needed and not opened.
 *    If it does not, nothing is kept and the steps below run as if it had not been tried.
 */
export function decryptWire(
  s: SessionState,
  wire: RatchetWire,
  extraAd: Uint8Array,
  rng: RandomSource,
): Result<{ state: SessionState; plaintext: Uint8Array }> {
  if (s.ckr && s.hkr && s.nr < 0xffffffff) {
    const { messageKey, chainKey } = kdfChain(s.ckr);
    const plaintext = openBody(s, messageKey, wire, extraAd);
    if (plaintext) {
      return ok({
        state: withChanges(s, { ckr: chainKey, nr: s.nr + 1, pendingInit: null }),
        plaintext,
      });
    }
  }
  const tried: Uint8Array[] = [];
  const attempt = (hk: Uint8Array): Header | null => {
    if (tried.some((t) => bytesEqual(t, hk))) return null;
    tried.push(hk);
    return openHeader(hk, wire);
  };
  // 1. The current receiving chain (the common case, tried first).
  if (s.hkr) {
    const h = attempt(s.hkr);
    if (h) {
      if (!s.dhr || !bytesEqual(h.dh, s.dhr))
        return fail('MALFORMED', 'header disagrees with its chain');
      if (h.n < s.nr) return consumeSkipped(s, s.hkr, h.n, wire, extraAd);
      return receiveInChain(s, h.n, wire, extraAd);
    }
  }
  // 2. Chains we hold skipped keys for.
  for (const k of s.skipped) {
    const h = attempt(k.hk);
    if (h) return consumeSkipped(s, k.hk, h.n, wire, extraAd);
  }
  // 3. The next chain: a DH ratchet step.
  const next = attempt(s.nhkr);
  if (next) return dhRatchetAndReceive(s, next, wire, extraAd, rng);
  // 4. Finished chains: the header is genuine but every key of that chain is gone.
  for (const hk of s.oldHeaderKeys) {
    if (attempt(hk)) return fail('REPLAY', 'message of a finished chain');
  }
  return fail('BAD_MAC', 'no header key opens this message');
}

function consumeSkipped(
  s: SessionState,
  hk: Uint8Array,
  n: number,
  wire: RatchetWire,
  extraAd: Uint8Array,
): Result<{ state: SessionState; plaintext: Uint8Array }> {
  const i = s.skipped.findIndex((k) => k.n === n && bytesEqual(k.hk, hk));
  if (i < 0) return fail('REPLAY', 'message key already used');
  const plaintext = openBody(s, (s.skipped[i] as SkippedKey).mk, wire, extraAd);
  if (!plaintext) return fail('BAD_MAC', 'message does not authenticate');
  const skipped = s.skipped.slice(0, i).concat(s.skipped.slice(i + 1));
  return ok({ state: withChanges(s, { skipped, pendingInit: null }), plaintext });
}

/** Derives keys `from..until-1` of a chain (for skipping) and returns the advanced chain key. */
function skipChain(
  ck: Uint8Array,
  hk: Uint8Array,
  from: number,
  until: number,
  into: SkippedKey[],
): Uint8Array {
  let chain = ck;
  for (let n = from; n < until; n++) {
    const { messageKey, chainKey } = kdfChain(chain);
    into.push({ hk, n, mk: messageKey });
    chain = chainKey;
  }
  return chain;
}

function capSkipped(list: readonly SkippedKey[]): readonly SkippedKey[] {
  return list.length > MAX_STORED_SKIPPED ? list.slice(list.length - MAX_STORED_SKIPPED) : list;
}

function receiveInChain(
  s: SessionState,
  n: number,
  wire: RatchetWire,
  extraAd: Uint8Array,
): Result<{ state: SessionState; plaintext: Uint8Array }> {
  if (!s.ckr || !s.hkr) return fail('MALFORMED', 'no receiving chain');
  if (n - s.nr > MAX_SKIP) return fail('TOO_MANY_SKIPPED', 'too many skipped messages');
  const added: SkippedKey[] = [];
  const ck = skipChain(s.ckr, s.hkr, s.nr, n, added);
  const { messageKey, chainKey } = kdfChain(ck);
  const plaintext = openBody(s, messageKey, wire, extraAd);
  if (!plaintext) return fail('BAD_MAC', 'message does not authenticate');
  const skipped = added.length ? capSkipped(s.skipped.concat(added)) : s.skipped;
  return ok({
    state: withChanges(s, { ckr: chainKey, nr: n + 1, skipped, pendingInit: null }),
    plaintext,
  });
}

function dhRatchetAndReceive(
  s: SessionState,
  h: Header,
  wire: RatchetWire,
  extraAd: Uint8Array,
  rng: RandomSource,
): Result<{ state: SessionState; plaintext: Uint8Array }> {
  const added: SkippedKey[] = [];
  // Keys left in the chain that is ending (Signal: SkipMessageKeys(state, header.pn)).
  if (s.ckr && s.hkr && h.pn > s.nr) {
    if (h.pn - s.nr > MAX_SKIP) return fail('TOO_MANY_SKIPPED', 'too many skipped messages');
    skipChain(s.ckr, s.hkr, s.nr, h.pn, added);
  }
  if (h.n > MAX_SKIP) return fail('TOO_MANY_SKIPPED', 'too many skipped messages');
  const dhIn = dh(s.dhsSecret, h.dh);
  if (!dhIn) return fail('MALFORMED', 'invalid ratchet public key');
  const recv = kdfRoot(s.rk, dhIn);
  const mine = x25519KeyPair(rng);
  const dhOut = dh(mine.secret, h.dh);
  if (!dhOut) return fail('MALFORMED', 'invalid ratchet public key');
  const send = kdfRoot(recv.rk, dhOut);
  const ck = skipChain(recv.ck, s.nhkr, 0, h.n, added);
  const { messageKey, chainKey } = kdfChain(ck);
  const plaintext = openBody(s, messageKey, wire, extraAd);
  if (!plaintext) return fail('BAD_MAC', 'message does not authenticate');
  const oldHeaderKeys = s.hkr
    ? s.oldHeaderKeys.concat([s.hkr]).slice(-MAX_OLD_HEADER_KEYS)
    : s.oldHeaderKeys;
  return ok({
    state: withChanges(s, {
      dhsSecret: mine.secret,
      dhsPublic: mine.public,
      dhr: h.dh,
      rk: send.rk,
      cks: send.ck,
      ckr: chainKey,
      hks: s.nhks,
      hkr: s.nhkr,
      nhks: send.nhk,
      nhkr: recv.nhk,
      pn: s.ns,
      ns: 0,
      nr: h.n + 1,
      skipped: added.length ? capSkipped(s.skipped.concat(added)) : s.skipped,
      oldHeaderKeys,
      pendingInit: null,
    }),
    plaintext,
  });
}
