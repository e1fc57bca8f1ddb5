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
const NOW = 1_800_000_000_000;

function ringFrom(secret: Uint8Array, callerKey: Uint8Array, overrides = {}) {
  const ring = createRing(
    {
      callerKey,
      callId: newCallId(rng),
      media: 'video',
      timestamp: NOW,
      peerId: newPeerId(rng),
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
  const caller = { identityKey: alice.public, fingerprint: fp(1) };
  const callee = { identityKey: bob.public, fingerprint: fp(2) };

  test('five emoji from the table, the same for both computations, different for another fingerprint', () => {
    const sas = shortAuthenticationString(callId, caller, callee);
    expect(sas).toHaveLength(5);
    for (const emoji of sas) expect(SAS_EMOJI).toContain(emoji);
    expect(shortAuthenticationString(callId, { ...caller }, { ...callee })).toEqual(sas);
    const mitm = shortAuthenticationString(callId, caller, { ...callee, fingerprint: fp(3) });
    expect(mitm).not.toEqual(sas);
    expect(
      shortAuthenticationString(callId, caller, { ...callee, identityKey: mallory.public }),
    ).not.toEqual(sas);
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
