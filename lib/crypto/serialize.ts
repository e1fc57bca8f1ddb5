/**
 * Storage: identities, prekey rings and sessions are already plain data (objects, numbers,
 * strings, null, arrays, Uint8Array) and go to IndexedDB by structured clone. These helpers
 * make detached deep copies on the way out and validate every field on the way in, since a
 * stored record may be corrupt or written by another version.
 */
import {
  AD_SIZE,
  ED25519_KEY,
  ED25519_SIG,
  INIT_HEADER_SIZE,
  KEM_PUBLIC,
  KEM_SECRET,
  KEY,
  MAX_OLD_HEADER_KEYS,
  MAX_STORED_SKIPPED,
  X25519_KEY,
} from './constants';
import { fail, ok, type Result } from './errors';
import type { Identity } from './identity';
import type { PrekeyRing, RetiredPrekey, SignedPrekey } from './prekeys';
import type { SessionState, SkippedKey } from './ratchet';

class Invalid extends Error {}

type Rec = Record<string, unknown>;

function rec(value: unknown, what: string): Rec {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Uint8Array
  ) {
    throw new Invalid(what);
  }
  return value as Rec;
}

function version(r: Rec): void {
  if (typeof r.v === 'number' && Number.isInteger(r.v) && r.v > 1) throw new TooNew();
  if (r.v !== 1) throw new Invalid('v');
}

class TooNew extends Error {}

function bytes(r: Rec, key: string, length: number): Uint8Array {
  const v = r[key];
  if (!(v instanceof Uint8Array) || v.length !== length) throw new Invalid(key);
  return v.slice();
}

function bytesOrNull(r: Rec, key: string, length: number): Uint8Array | null {
  return r[key] === null ? null : bytes(r, key, length);
}

function u32(r: Rec, key: string): number {
  const v = r[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff)
    throw new Invalid(key);
  return v;
}

function time(r: Rec, key: string): number {
  const v = r[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(key);
  return v;
}

function guard<T>(build: () => T): Result<T> {
  try {
    return ok(build());
  } catch (e) {
    if (e instanceof TooNew) return fail('VERSION_TOO_NEW', 'record from a newer version');
    if (e instanceof Invalid) return fail('MALFORMED', 'invalid stored record');
    throw e;
  }
}

function copySkipped(k: SkippedKey): SkippedKey {
  return { hk: k.hk.slice(), n: k.n, mk: k.mk.slice() };
}

/** A detached deep copy of a session, ready for structured clone. */
export function exportSession(s: SessionState): SessionState {
  const copy = (b: Uint8Array | null): Uint8Array | null => (b ? b.slice() : null);
  return {
    v: 1,
    sessionId: s.sessionId,
    role: s.role,
    ad: s.ad.slice(),
    theirSigningKey: s.theirSigningKey.slice(),
    theirDhKey: s.theirDhKey.slice(),
    dhsSecret: s.dhsSecret.slice(),
    dhsPublic: s.dhsPublic.slice(),
    dhr: copy(s.dhr),
    rk: s.rk.slice(),
    cks: copy(s.cks),
    ckr: copy(s.ckr),
    hks: copy(s.hks),
    hkr: copy(s.hkr),
    nhks: s.nhks.slice(),
    nhkr: s.nhkr.slice(),
    ns: s.ns,
    nr: s.nr,
    pn: s.pn,
    skipped: s.skipped.map(copySkipped),
    oldHeaderKeys: s.oldHeaderKeys.map((k) => k.slice()),
    pendingInit: copy(s.pendingInit),
  };
}

/** Validates a stored session record and returns a detached copy (MALFORMED / VERSION_TOO_NEW). */
export function importSession(record: unknown): Result<SessionState> {
  return guard(() => {
    const r = rec(record, 'session');
    version(r);
    if (typeof r.sessionId !== 'string' || !/^[0-9a-f]{16}$/.test(r.sessionId))
      throw new Invalid('sessionId');
    if (r.role !== 'initiator' && r.role !== 'responder') throw new Invalid('role');
    const skippedIn = r.skipped;
    if (!Array.isArray(skippedIn) || skippedIn.length > MAX_STORED_SKIPPED)
      throw new Invalid('skipped');
    const oldIn = r.oldHeaderKeys;
    if (!Array.isArray(oldIn) || oldIn.length > MAX_OLD_HEADER_KEYS)
      throw new Invalid('oldHeaderKeys');
    const state: SessionState = {
      v: 1,
      sessionId: r.sessionId,
      role: r.role,
      ad: bytes(r, 'ad', AD_SIZE),
      theirSigningKey: bytes(r, 'theirSigningKey', ED25519_KEY),
      theirDhKey: bytes(r, 'theirDhKey', X25519_KEY),
      dhsSecret: bytes(r, 'dhsSecret', X25519_KEY),
      dhsPublic: bytes(r, 'dhsPublic', X25519_KEY),
      dhr: bytesOrNull(r, 'dhr', X25519_KEY),
      rk: bytes(r, 'rk', KEY),
      cks: bytesOrNull(r, 'cks', KEY),
      ckr: bytesOrNull(r, 'ckr', KEY),
      hks: bytesOrNull(r, 'hks', KEY),
      hkr: bytesOrNull(r, 'hkr', KEY),
      nhks: bytes(r, 'nhks', KEY),
      nhkr: bytes(r, 'nhkr', KEY),
      ns: u32(r, 'ns'),
      nr: u32(r, 'nr'),
      pn: u32(r, 'pn'),
      skipped: skippedIn.map((k) => {
        const e = rec(k, 'skipped entry');
        return { hk: bytes(e, 'hk', KEY), n: u32(e, 'n'), mk: bytes(e, 'mk', KEY) };
      }),
      oldHeaderKeys: oldIn.map((k) => {
        if (!(k instanceof Uint8Array) || k.length !== KEY) throw new Invalid('oldHeaderKeys');
        return k.slice();
      }),
      pendingInit: bytesOrNull(r, 'pendingInit', INIT_HEADER_SIZE),
    };
    // Chains come with their header keys, and a state that can send has both.
    if ((state.cks === null) !== (state.hks === null)) throw new Invalid('sending chain');
    if ((state.ckr === null) !== (state.hkr === null)) throw new Invalid('receiving chain');
    if (state.ckr !== null && state.dhr === null) throw new Invalid('receiving chain');
    if (state.pendingInit !== null && state.role !== 'initiator') throw new Invalid('pendingInit');
    return state;
  });
}

/** A detached deep copy of an identity. */
export function exportIdentity(id: Identity): Identity {
  return {
    v: 1,
    signingSecret: id.signingSecret.slice(),
    signingKey: id.signingKey.slice(),
    dhSecret: id.dhSecret.slice(),
    dhKey: id.dhKey.slice(),
    dhSignature: id.dhSignature.slice(),
  };
}

/** Validates a stored identity record (field sizes only; keys are not re-derived). */
export function importIdentity(record: unknown): Result<Identity> {
  return guard(() => {
    const r = rec(record, 'identity');
    version(r);
    return {
      v: 1 as const,
      signingSecret: bytes(r, 'signingSecret', ED25519_KEY),
      signingKey: bytes(r, 'signingKey', ED25519_KEY),
      dhSecret: bytes(r, 'dhSecret', X25519_KEY),
      dhKey: bytes(r, 'dhKey', X25519_KEY),
      dhSignature: bytes(r, 'dhSignature', ED25519_SIG),
    };
  });
}

function copyPrekey(p: SignedPrekey): SignedPrekey {
  return {
    id: p.id,
    createdAt: p.createdAt,
    dhSecret: p.dhSecret.slice(),
    dhKey: p.dhKey.slice(),
    kemSecret: p.kemSecret.slice(),
    kemKey: p.kemKey.slice(),
    signature: p.signature.slice(),
  };
}

/** A detached deep copy of a prekey ring. */
export function exportPrekeyRing(ring: PrekeyRing): PrekeyRing {
  return {
    v: 1,
    current: copyPrekey(ring.current),
    retired: ring.retired.map((r) => ({ prekey: copyPrekey(r.prekey), retiredAt: r.retiredAt })),
  };
}

function readPrekey(value: unknown): SignedPrekey {
  const r = rec(value, 'prekey');
  return {
    id: u32(r, 'id'),
    createdAt: time(r, 'createdAt'),
    dhSecret: bytes(r, 'dhSecret', X25519_KEY),
    dhKey: bytes(r, 'dhKey', X25519_KEY),
    kemSecret: bytes(r, 'kemSecret', KEM_SECRET),
    kemKey: bytes(r, 'kemKey', KEM_PUBLIC),
    signature: bytes(r, 'signature', ED25519_SIG),
  };
}

/** Validates a stored prekey ring record. */
export function importPrekeyRing(record: unknown): Result<PrekeyRing> {
  return guard(() => {
    const r = rec(record, 'prekey ring');
    version(r);
    if (!Array.isArray(r.retired) || r.retired.length > 1000) throw new Invalid('retired');
    const retired: RetiredPrekey[] = r.retired.map((x) => {
      const e = rec(x, 'retired prekey');
      return { prekey: readPrekey(e.prekey), retiredAt: time(e, 'retiredAt') };
    });
    return { v: 1 as const, current: readPrekey(r.current), retired };
  });
}
