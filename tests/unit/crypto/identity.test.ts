import { describe, expect, it } from 'vitest';
import {
  compareSafetyQr,
  createIdentity,
  createPrekeyRing,
  decodeBundle,
  encodeBundle,
  findPrekey,
  formatSafetyNumber,
  makeBundle,
  PREKEY_GRACE_MS,
  PREKEY_ROTATION_MS,
  prekeysDue,
  prunePrekeys,
  publicIdentity,
  rotatePrekeys,
  safetyNumber,
  safetyQrPayload,
  verifyBundle,
  verifyPublicIdentity,
} from '../../../lib/crypto';
import { fingerprintDigits } from '../../../lib/crypto/safety-number';
import { codeOf, must, NOW, party, rngFrom } from './helpers';

describe('identity and bundle', () => {
  it('signs the X25519 identity key with the Ed25519 key', () => {
    const id = createIdentity(rngFrom(1));
    expect(verifyPublicIdentity(publicIdentity(id))).toBe(true);
    const other = createIdentity(rngFrom(2));
    expect(verifyPublicIdentity({ ...publicIdentity(id), dhKey: other.dhKey })).toBe(false);
    expect(verifyPublicIdentity({ ...publicIdentity(id), signingKey: other.signingKey })).toBe(
      false,
    );
  });

  it('encodes a bundle in 1413 bytes and decodes it back, verified', () => {
    const alice = party(1);
    const bundle = makeBundle(alice.identity, alice.ring.current);
    const bytes = encodeBundle(bundle);
    expect(bytes).toHaveLength(1413);
    expect(bytes[0]).toBe(1);
    expect(must(decodeBundle(bytes))).toEqual(bundle);
    expect(verifyBundle(bundle)).toBe(true);
  });

  it('refuses bundles with a wrong length, version or signature', () => {
    const alice = party(1);
    const mallory = party(3);
    const bytes = encodeBundle(makeBundle(alice.identity, alice.ring.current));
    expect(codeOf(decodeBundle(bytes.subarray(0, 1412)))).toBe('MALFORMED');
    expect(codeOf(decodeBundle(Uint8Array.from([...bytes, 0])))).toBe('MALFORMED');
    expect(codeOf(decodeBundle(Uint8Array.from([2, ...bytes.subarray(1)])))).toBe(
      'VERSION_TOO_NEW',
    );
    expect(codeOf(decodeBundle(Uint8Array.from([0, ...bytes.subarray(1)])))).toBe('MALFORMED');
    // Mallory's prekey under Alice's identity: the prekey signature fails.
    const mixed = makeBundle(alice.identity, mallory.ring.current);
    expect(codeOf(decodeBundle(encodeBundle(mixed)))).toBe('BAD_MAC');
    // Changing only the prekey id breaks the signature too.
    const renumbered = encodeBundle({
      ...makeBundle(alice.identity, alice.ring.current),
      prekeyId: 2,
    });
    expect(codeOf(decodeBundle(renumbered))).toBe('BAD_MAC');
  });
});

describe('prekeys', () => {
  it('rotates after PREKEY_ROTATION_MS and honours the grace period', () => {
    const alice = party(1);
    let ring = alice.ring;
    expect(prekeysDue(ring, NOW + PREKEY_ROTATION_MS - 1)).toBe(false);
    expect(prekeysDue(ring, NOW + PREKEY_ROTATION_MS)).toBe(true);
    const t1 = NOW + PREKEY_ROTATION_MS;
    ring = rotatePrekeys(ring, alice.identity, t1, alice.rng);
    expect(ring.current.id).toBe(2);
    expect(findPrekey(ring, 2, t1)?.id).toBe(2);
    expect(findPrekey(ring, 1, t1 + PREKEY_GRACE_MS - 1)?.id).toBe(1);
    expect(findPrekey(ring, 1, t1 + PREKEY_GRACE_MS)).toBeUndefined();
    expect(findPrekey(ring, 3, t1)).toBeUndefined();
    expect(prunePrekeys(ring, t1 + PREKEY_GRACE_MS).retired).toHaveLength(0);
    expect(prunePrekeys(ring, t1)).toBe(ring);
  });

  it('wraps prekey ids at 2^32 and signs each with the identity', () => {
    const alice = party(1);
    const ring = createPrekeyRing(alice.identity, NOW, alice.rng);
    const last = { ...ring, current: { ...ring.current, id: 0xffffffff } };
    const next = rotatePrekeys(last, alice.identity, NOW, alice.rng);
    expect(next.current.id).toBe(0);
    expect(verifyBundle(makeBundle(alice.identity, next.current))).toBe(true);
  });
});

describe('safety numbers', () => {
  const a = createIdentity(rngFrom(1));
  const b = createIdentity(rngFrom(2));

  it('is 60 digits and the same on both sides', () => {
    const n = safetyNumber(a, b);
    expect(n).toMatch(/^\d{60}$/);
    expect(safetyNumber(b, a)).toBe(n);
    expect(formatSafetyNumber(n)).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(n).toContain(fingerprintDigits(a));
    expect(n).toContain(fingerprintDigits(b));
  });

  it('changes when either identity key changes', () => {
    const n = safetyNumber(a, b);
    const c = createIdentity(rngFrom(3));
    expect(safetyNumber(a, c)).not.toBe(n);
    expect(safetyNumber(c, b)).not.toBe(n);
    // Only the X25519 half changed: still a different number.
    expect(safetyNumber({ signingKey: a.signingKey, dhKey: c.dhKey }, b)).not.toBe(n);
  });

  it('compares QR payloads', () => {
    const qr = safetyQrPayload(a, b);
    expect(qr).toMatch(/^SOTTO-SAFETY:1:\d{60}$/);
    expect(must(compareSafetyQr(qr, b, a))).toBe(true);
    const c = createIdentity(rngFrom(3));
    expect(must(compareSafetyQr(qr, a, c))).toBe(false);
    expect(codeOf(compareSafetyQr(qr.replace(':1:', ':2:'), a, b))).toBe('VERSION_TOO_NEW');
    expect(codeOf(compareSafetyQr(qr.slice(0, -1), a, b))).toBe('MALFORMED');
    expect(codeOf(compareSafetyQr('https://example.com', a, b))).toBe('MALFORMED');
  });
});
