import { describe, expect, test } from 'vitest';
import {
  acceptRing,
  type BindingView,
  createRing,
  type DtlsFingerprint,
  extractFingerprint,
  newCallId,
  newPeerId,
  parseRing,
  RING_MAX_AGE_MS,
  type RingCheck,
  SAS_EMOJI,
  shortAuthenticationString,
  signBinding,
  verifyBinding,
} from '../../../lib/calls';
import { bytesEqual } from '../../../lib/crypto/bytes';
import { ed25519KeyPair } from '../../../lib/crypto/primitives';
import { deterministicRandom } from '../../../lib/crypto/random';

const rng = deterministicRandom(new Uint8Array(32).fill(7));
const alice = ed25519KeyPair(rng);
const bob = ed25519KeyPair(rng);
const mallory = ed25519KeyPair(rng);
const carol = ed25519KeyPair(rng);
const NOW = 1_800_000_000_000;
const BOB_ADDRESS = newPeerId(rng);
const CAROL_ADDRESS = newPeerId(rng);

function ringFrom(secret: Uint8Array, callerKey: Uint8Array, overrides = {}) {
  const ring = createRing(
    {
      callerKey,
      callId: newCallId(rng),
      media: 'video',
      timestamp: NOW,
      peerId: newPeerId(rng),
      calleeKey: bob.public,
      calleeAddress: BOB_ADDRESS,
      ...overrides,
    },
    secret,
  );
  if (!ring) throw new Error('createRing refused valid fields');
  return ring;
}

/** Bob's view: Alice is his only contact. */
function bobChecks(seen = new Set<string>()): RingCheck {
  return {
    now: NOW + 1000,
    ownKey: bob.public,
    ownAddress: BOB_ADDRESS,
    contactFor: (key) => (bytesEqual(key, alice.public) ? 'alice' : null),
    seen: (id) => seen.has(id),
  };
}

describe('the signed ring', () => {
  test("a contact's fresh ring is accepted with every field intact", () => {
    const callId = newCallId(rng);
    const peerId = newPeerId(rng);
    const ring = ringFrom(alice.secret, alice.public, { callId, peerId, media: 'audio' });
    const result = acceptRing(ring, bobChecks());
    expect(result).toMatchObject({
      ok: true,
      value: { handle: 'alice', callId, peerId, media: 'audio', timestamp: NOW },
    });
  });

  test('a stranger, a wrong key and a tampered ring are refused, each with its reason', () => {
    // A stranger: signed properly, but by a key nobody pinned.
    expect(acceptRing(ringFrom(mallory.secret, mallory.public), bobChecks())).toEqual({
      ok: false,
      reason: 'stranger',
    });
    // Claims Alice's key, signed by Mallory's.
    expect(acceptRing(ringFrom(mallory.secret, alice.public), bobChecks())).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    // Every single-byte change in the signed part breaks the signature or the shape.
    const genuine = parseRing(ringFrom(alice.secret, alice.public));
    if (!genuine.ok) throw new Error('parse failed');
    const bytes = Buffer.from(ringFrom(alice.secret, alice.public), 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Uint8Array.from(bytes);
      tampered[i]! ^= 0x01;
      const result = acceptRing(Buffer.from(tampered).toString('base64url'), bobChecks());
      expect(result.ok, `byte ${i}`).toBe(false);
    }
  });

  test("a ring replayed to another of the caller's contacts is refused: it names its callee", () => {
    // Carol has Alice pinned too; the server hands her the ring Alice sent Bob.
    const carolChecks: RingCheck = {
      ...bobChecks(),
      ownKey: carol.public,
      ownAddress: CAROL_ADDRESS,
    };
    const toBob = ringFrom(alice.secret, alice.public);
    expect(acceptRing(toBob, bobChecks())).toMatchObject({ ok: true });
    expect(acceptRing(toBob, carolChecks)).toEqual({ ok: false, reason: 'wrong-callee' });
    // Named Bob's key but sent to another presence address (or the other way round).
    const elsewhere = ringFrom(alice.secret, alice.public, { calleeAddress: CAROL_ADDRESS });
    expect(acceptRing(elsewhere, bobChecks())).toEqual({ ok: false, reason: 'wrong-callee' });
    const forCarol = ringFrom(alice.secret, alice.public, { calleeKey: carol.public });
    expect(acceptRing(forCarol, bobChecks())).toEqual({ ok: false, reason: 'wrong-callee' });
    // The callee fields are signed: rewriting them breaks the signature.
    const parsed = parseRing(toBob);
    if (!parsed.ok) throw new Error('parse failed');
    expect(parsed.value.fields.calleeAddress).toBe(BOB_ADDRESS);
    const bytes = Buffer.from(toBob, 'base64url');
    bytes.set(Buffer.from(CAROL_ADDRESS, 'hex'), 2 + 16 + 8 + 32 + 16 + 32);
    bytes.set(carol.public, 2 + 16 + 8 + 32 + 16);
    expect(acceptRing(bytes.toString('base64url'), carolChecks)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  test('a version 1 ring (which named only the caller) is malformed now', () => {
    const bytes = Buffer.from(ringFrom(alice.secret, alice.public), 'base64url');
    expect(bytes).toHaveLength(186);
    const v1 = Buffer.concat([Buffer.of(1), bytes.subarray(1, 74), bytes.subarray(122)]);
    expect(acceptRing(v1.toString('base64url'), bobChecks())).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  test('a replayed call id and a stale or future ring are refused', () => {
    const callId = newCallId(rng);
    const ring = ringFrom(alice.secret, alice.public, { callId });
    expect(acceptRing(ring, bobChecks(new Set([callId])))).toEqual({ ok: false, reason: 'replay' });
    const old = ringFrom(alice.secret, alice.public, { timestamp: NOW - RING_MAX_AGE_MS - 2000 });
    expect(acceptRing(old, bobChecks())).toEqual({ ok: false, reason: 'stale' });
    const future = ringFrom(alice.secret, alice.public, { timestamp: NOW + 5 * 60_000 });
    expect(acceptRing(future, bobChecks())).toEqual({ ok: false, reason: 'stale' });
  });

  test('mangled input never throws', () => {
    for (const input of [undefined, null, 3, '', 'x'.repeat(500), '!!!', {}, 'AAAA']) {
      expect(acceptRing(input, bobChecks())).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(
      createRing(
        {
          callerKey: alice.public,
          callId: 'nope',
          media: 'audio',
          timestamp: NOW,
          peerId: newPeerId(rng),
          calleeKey: bob.public,
          calleeAddress: BOB_ADDRESS,
        },
        alice.secret,
      ),
    ).toBeNull();
    expect(
      createRing(
        {
          callerKey: alice.public,
          callId: newCallId(rng),
          media: 'audio',
          timestamp: NOW,
          peerId: newPeerId(rng),
          calleeKey: bob.public.slice(1),
          calleeAddress: BOB_ADDRESS,
        },
        alice.secret,
      ),
    ).toBeNull();
  });
});

const fp = (byte: number): DtlsFingerprint => ({
  algorithm: 'sha-256',
  value: Array.from({ length: 32 }, () => byte.toString(16).padStart(2, '0').toUpperCase()).join(
    ':',
  ),
});

describe('fingerprint binding', () => {
  const callId = newCallId(rng);
  const aliceFp = fp(0xa1);
  const bobFp = fp(0xb0);
  const aliceView: BindingView = { callId, own: aliceFp, peer: bobFp };
  const bobView: BindingView = { callId, own: bobFp, peer: aliceFp };

  test("each side accepts the other's signed view when both saw the same fingerprints", () => {
    expect(verifyBinding(signBinding(aliceView, alice.secret), alice.public, bobView)).toBe(true);
    expect(verifyBinding(signBinding(bobView, bob.secret), bob.public, aliceView)).toBe(true);
  });

  test('a tampered signed fingerprint is rejected', () => {
    // A man in the middle gave Bob its own fingerprint instead of Alice's.
    const mitm = fp(0xee);
    const bobSawMitm: BindingView = { callId, own: bobFp, peer: mitm };
    expect(verifyBinding(signBinding(aliceView, alice.secret), alice.public, bobSawMitm)).toBe(
      false,
    );
    // Alice's view, re-signed after swapping her fingerprint, fails under her key.
    const forged = signBinding({ callId, own: mitm, peer: bobFp }, mallory.secret);
    expect(verifyBinding(forged, alice.public, bobSawMitm)).toBe(false);
    // A flipped bit in the signature, another call id, or garbage: rejected, no throw.
    const sig = Buffer.from(signBinding(aliceView, alice.secret), 'base64url');
    sig[10]! ^= 1;
    expect(verifyBinding(sig.toString('base64url'), alice.public, bobView)).toBe(false);
    expect(
      verifyBinding(signBinding(aliceView, alice.secret), alice.public, {
        ...bobView,
        callId: newCallId(rng),
      }),
    ).toBe(false);
    for (const bad of [undefined, 12, '', '***', 'A'.repeat(300)]) {
      expect(verifyBinding(bad, alice.public, bobView)).toBe(false);
    }
  });
});

describe('short authentication string', () => {
  const callId = newCallId(rng);
  const callerView: BindingView = { callId, own: fp(1), peer: fp(2) };
  const calleeView: BindingView = { callId, own: fp(2), peer: fp(1) };
  const caller = {
    identityKey: alice.public,
    fingerprint: fp(1),
    binding: signBinding(callerView, alice.secret),
  };
  const callee = {
    identityKey: bob.public,
    fingerprint: fp(2),
    binding: signBinding(calleeView, bob.secret),
  };

  test('eight emoji (48 bits) from the table, the same for both computations, different for another fingerprint, key or binding', () => {
    const sas = shortAuthenticationString(callId, caller, callee);
    expect(sas).toHaveLength(8);
    for (const emoji of sas) expect(SAS_EMOJI).toContain(emoji);
    expect(shortAuthenticationString(callId, { ...caller }, { ...callee })).toEqual(sas);
    const mitm = shortAuthenticationString(callId, caller, { ...callee, fingerprint: fp(3) });
    expect(mitm).not.toEqual(sas);
    expect(
      shortAuthenticationString(callId, caller, { ...callee, identityKey: mallory.public }),
    ).not.toEqual(sas);
    expect(
      shortAuthenticationString(callId, caller, {
        ...callee,
        binding: signBinding(calleeView, mallory.secret),
      }),
    ).not.toEqual(sas);
    // Swapping the roles gives another code: both sides put the caller first.
    expect(shortAuthenticationString(callId, callee, caller)).not.toEqual(sas);
  });

  test('the emoji table has 64 distinct entries', () => {
    expect(new Set(SAS_EMOJI).size).toBe(64);
  });
});

describe('SDP fingerprints', () => {
  const value = fp(0x3c).value;
  const sdp = (lines: string[]) => ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', ...lines, ''].join('\r\n');

  test('the repeated per-media fingerprint is extracted and normalised', () => {
    const result = extractFingerprint(
      sdp([
        `m=audio 9 UDP/TLS/RTP/SAVPF 111`,
        `a=fingerprint:SHA-256 ${value.toLowerCase()}`,
        'm=video 9 UDP/TLS/RTP/SAVPF 96',
        `a=fingerprint:sha-256 ${value}`,
      ]),
    );
    expect(result).toEqual({ ok: true, fingerprint: { algorithm: 'sha-256', value } });
  });

  test('missing, malformed and conflicting fingerprints are refused', () => {
    expect(extractFingerprint(sdp(['m=audio 9 X 0']))).toEqual({ ok: false, reason: 'missing' });
    expect(extractFingerprint(sdp(['a=fingerprint:sha-256 zz']))).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(
      extractFingerprint(
        sdp([`a=fingerprint:sha-256 ${value}`, `a=fingerprint:sha-256 ${fp(1).value}`]),
      ),
    ).toEqual({ ok: false, reason: 'ambiguous' });
    expect(extractFingerprint(42)).toEqual({ ok: false, reason: 'malformed' });
  });
});
