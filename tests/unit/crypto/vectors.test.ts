/**
 * Test vectors (tests/vectors/sotto-v1.json): the protocol run from fixed inputs must give
 * exactly the recorded bytes. X25519, Ed25519, HKDF, HChaCha20, SHA-256/512 steps and the
 * safety number are also recomputed with Node's crypto module — an implementation
 * independent of noble and of lib/crypto.
 */
import {
  createCipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  sign,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createIdentity,
  createInvite,
  createPrekeys,
  encodeBundle,
  fromHex,
  initiateSession,
  joinParts,
  makeBundle,
  type PrekeyRing,
  ratchetDecrypt,
  ratchetEncrypt,
  readInvite,
  respondToSession,
  safetyNumber,
  safetyQrPayload,
  splitEnvelope,
  toHex,
  utf8Decode,
  utf8Encode,
} from '../../../lib/crypto';
import { unwrapPayload } from '../../../lib/crypto/envelope';
import { hchacha20, kdfChain } from '../../../lib/crypto/primitives';
import { kdfRoot } from '../../../lib/crypto/ratchet';
import { scripted } from '../../vectors/scripted';
import vectors from '../../vectors/sotto-v1.json';
import { must } from './helpers';

const hex = (h: string): Uint8Array => {
  const b = fromHex(h);
  if (!b) throw new Error('bad hex in vectors');
  return b;
};
const buf = (b: Uint8Array | string): Buffer => Buffer.from(typeof b === 'string' ? hex(b) : b);
const R = vectors.random;

// Node key objects from raw keys (PKCS#8 / SPKI with the RFC 8410 prefixes).
const x25519Private = (secret: string) =>
  createPrivateKey({
    key: Buffer.concat([buf('302e020100300506032b656e04220420'), buf(secret)]),
    format: 'der',
    type: 'pkcs8',
  });
const x25519Public = (pub: string) =>
  createPublicKey({
    key: Buffer.concat([buf('302a300506032b656e032100'), buf(pub)]),
    format: 'der',
    type: 'spki',
  });
const ed25519Private = (seed: string) =>
  createPrivateKey({
    key: Buffer.concat([buf('302e020100300506032b657004220420'), buf(seed)]),
    format: 'der',
    type: 'pkcs8',
  });
const rawPublic = (key: ReturnType<typeof createPrivateKey>): string =>
  createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
const nodeDh = (secret: string, pub: string): string =>
  diffieHellman({ privateKey: x25519Private(secret), publicKey: x25519Public(pub) }).toString(
    'hex',
  );

/**
 * HChaCha20 from one ChaCha20 block of Node's OpenSSL: its 16-byte IV is exactly HChaCha's
 * input (counter word, then nonce), and HChaCha20 is the block's words 0-3 and 12-15 before
 * ChaCha's final addition of the input state (draft-irtf-cfrg-xchacha §2.2).
 */
function nodeHChaCha20(key: Uint8Array, input: Uint8Array): string {
  const block = createCipheriv('chacha20', buf(key), buf(input)).update(Buffer.alloc(64));
  const sigma = Buffer.from('expand 32-byte k');
  const out = Buffer.alloc(32);
  for (let w = 0; w < 4; w++) {
    out.writeUInt32LE((block.readUInt32LE(4 * w) - sigma.readUInt32LE(4 * w)) >>> 0, 4 * w);
    const inputWord = buf(input).readUInt32LE(4 * w);
    out.writeUInt32LE((block.readUInt32LE(48 + 4 * w) - inputWord) >>> 0, 16 + 4 * w);
  }
  return out.toString('hex');
}

function replay() {
  const alice = createIdentity(scripted([R.aliceSigningSeed, R.aliceDhSecret]));
  const prekey = createPrekeys(
    alice,
    1,
    vectors.now,
    scripted([R.alicePrekeyDhSecret, R.alicePrekeyKemSeed]),
  );
  const ring: PrekeyRing = { v: 1, current: prekey, retired: [] };
  const bob = createIdentity(scripted([R.bobSigningSeed, R.bobDhSecret]));
  return { alice, prekey, ring, bob };
}

describe('test vectors', () => {
  it('identities, prekeys, bundle and invite', () => {
    const { alice, prekey, bob } = replay();
    expect(toHex(alice.signingKey)).toBe(vectors.alice.signingKey);
    expect(toHex(alice.dhKey)).toBe(vectors.alice.dhKey);
    expect(toHex(alice.dhSignature)).toBe(vectors.alice.dhSignature);
    expect(toHex(prekey.dhKey)).toBe(vectors.alice.prekeyDhKey);
    expect(toHex(prekey.kemKey)).toBe(vectors.alice.prekeyKemKey);
    expect(toHex(prekey.signature)).toBe(vectors.alice.prekeySignature);
    expect(toHex(encodeBundle(makeBundle(alice, prekey)))).toBe(vectors.alice.bundle);
    expect(createInvite(alice, prekey)).toBe(vectors.alice.invite);
    expect(toHex(bob.signingKey)).toBe(vectors.bob.signingKey);
    expect(toHex(bob.dhSignature)).toBe(vectors.bob.dhSignature);
  });

  it('the identity and prekey keys and signatures agree with Node’s Ed25519 and X25519', () => {
    const aliceSigning = ed25519Private(R.aliceSigningSeed);
    expect(rawPublic(aliceSigning)).toBe(vectors.alice.signingKey);
    expect(rawPublic(x25519Private(R.aliceDhSecret))).toBe(vectors.alice.dhKey);
    expect(rawPublic(x25519Private(R.alicePrekeyDhSecret))).toBe(vectors.alice.prekeyDhKey);
    const identityMessage = Buffer.concat([
      Buffer.from('sotto/v1/identity-dh'),
      buf(vectors.alice.dhKey),
    ]);
    expect(sign(null, identityMessage, aliceSigning).toString('hex')).toBe(
      vectors.alice.dhSignature,
    );
    const id = Buffer.alloc(4);
    id.writeUInt32BE(vectors.alice.prekeyId);
    const prekeyMessage = Buffer.concat([
      Buffer.from('sotto/v1/prekey'),
      id,
      buf(vectors.alice.prekeyDhKey),
      buf(vectors.alice.prekeyKemKey),
    ]);
    expect(sign(null, prekeyMessage, aliceSigning).toString('hex')).toBe(
      vectors.alice.prekeySignature,
    );
    // The bundle is the documented concatenation.
    expect(
      Buffer.concat([
        Buffer.of(1),
        buf(vectors.alice.signingKey),
        buf(vectors.alice.dhKey),
        buf(vectors.alice.dhSignature),
        id,
        buf(vectors.alice.prekeyDhKey),
        buf(vectors.alice.prekeyKemKey),
        buf(vectors.alice.prekeySignature),
      ]).toString('hex'),
    ).toBe(vectors.alice.bundle);
  });

  it('PQXDH: DH outputs, KDF and associated data agree with Node', () => {
    const v = vectors.pqxdh;
    expect(nodeDh(R.bobDhSecret, vectors.alice.prekeyDhKey)).toBe(v.dh1);
    expect(nodeDh(R.bobEphemeralSecret, vectors.alice.dhKey)).toBe(v.dh2);
    expect(nodeDh(R.bobEphemeralSecret, vectors.alice.prekeyDhKey)).toBe(v.dh3);
    // Both sides of each DH.
    expect(nodeDh(R.alicePrekeyDhSecret, vectors.bob.dhKey)).toBe(v.dh1);
    const ikm = Buffer.concat([
      Buffer.alloc(32, 0xff),
      buf(v.dh1),
      buf(v.dh2),
      buf(v.dh3),
      buf(v.kemSharedSecret),
    ]);
    const okm = Buffer.from(
      hkdfSync('sha256', ikm, Buffer.alloc(32), Buffer.from('sotto/v1/pqxdh'), 104),
    );
    expect(okm.toString('hex')).toBe(v.sk + v.hka + v.nhkb + v.sessionId);
    expect(v.ad).toBe(
      `01${vectors.bob.signingKey}${vectors.bob.dhKey}${vectors.alice.signingKey}${vectors.alice.dhKey}`,
    );
    const ephemeral = rawPublic(x25519Private(R.bobEphemeralSecret));
    const id = '00000001';
    expect(v.initHeader).toBe(
      `${vectors.bob.signingKey}${vectors.bob.dhKey}${vectors.bob.dhSignature}${ephemeral}${id}${v.kemCiphertext}`,
    );
  });

  it('HChaCha20 gives the draft-irtf-cfrg-xchacha §2.2.1 test vector', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const input = hex('000000090000004a0000000031415927');
    expect(toHex(hchacha20(key, input))).toBe(
      '82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc',
    );
    expect(nodeHChaCha20(key, input)).toBe(toHex(hchacha20(key, input)));
  });

  it('KDF_CK and KDF_RK agree with Node’s ChaCha20 and HKDF', () => {
    const { chain, root } = vectors.kdf;
    const step = kdfChain(hex(chain.ck));
    expect(toHex(step.messageKey)).toBe(chain.messageKey);
    expect(toHex(step.chainKey)).toBe(chain.nextChainKey);
    const ck = hex(chain.ck);
    expect(nodeHChaCha20(ck, utf8Encode('sotto/v1/ck/next'))).toBe(chain.nextChainKey);
    expect(nodeHChaCha20(ck, utf8Encode('sotto/v1/ck/msg.'))).toBe(chain.messageKey);
    const r = kdfRoot(hex(root.rk), hex(root.dh));
    expect(toHex(r.rk) + toHex(r.ck) + toHex(r.nhk)).toBe(
      root.rootKey + root.chainKey + root.nextHeaderKey,
    );
    const okm = Buffer.from(
      hkdfSync('sha256', buf(root.dh), buf(root.rk), Buffer.from('sotto/v1/ratchet'), 96),
    );
    expect(okm.toString('hex')).toBe(root.rootKey + root.chainKey + root.nextHeaderKey);
  });

  it('session: the exact envelopes, and each decrypts on the other side', () => {
    const { alice, ring, bob } = replay();
    const bundle = must(readInvite(vectors.alice.invite)).bundle;
    const started = must(
      initiateSession(bob, bundle, {
        rng: scripted([R.bobEphemeralSecret, R.bobKemMessage, R.bobRatchetSecret1]),
      }),
    );
    expect(started.sessionId).toBe(vectors.pqxdh.sessionId);
    expect(toHex(started.initialMessageHeader)).toBe(vectors.pqxdh.initHeader);
    expect(toHex(started.state.ad)).toBe(vectors.pqxdh.ad);
    const [v1, v2, v3] = vectors.messages;
    const m1 = ratchetEncrypt(started.state, utf8Encode(v1!.plaintext), {
      rng: scripted([R.nonce1]),
    });
    expect(m1.envelope).toBe(v1!.envelope);
    const answered = must(
      respondToSession(alice, ring, v1!.envelope, {
        now: vectors.now,
        rng: scripted([R.aliceRatchetSecret1]),
      }),
    );
    expect(utf8Decode(answered.plaintext)).toBe(v1!.plaintext);
    const m2 = ratchetEncrypt(answered.state, utf8Encode(v2!.plaintext), {
      rng: scripted([R.nonce2]),
    });
    expect(m2.envelope).toBe(v2!.envelope);
    const bobGot = must(
      ratchetDecrypt(m1.state, v2!.envelope, { rng: scripted([R.bobRatchetSecret2]) }),
    );
    expect(utf8Decode(bobGot.plaintext)).toBe(v2!.plaintext);
    const m3 = ratchetEncrypt(bobGot.state, utf8Encode(v3!.plaintext), {
      rng: scripted([R.nonce3]),
    });
    expect(m3.envelope).toBe(v3!.envelope);
    const aliceGot = must(
      ratchetDecrypt(m2.state, v3!.envelope, { rng: scripted([R.aliceRatchetSecret2]) }),
    );
    expect(utf8Decode(aliceGot.plaintext)).toBe(v3!.plaintext);
    // The documented layouts: an init payload, then plain messages.
    const p1 = must(unwrapPayload(v1!.envelope)).payload;
    expect(toHex(p1.subarray(0, 2 + 8 + 1252))).toBe(
      `0102${vectors.pqxdh.sessionId}${vectors.pqxdh.initHeader}`,
    );
    expect(toHex(p1.subarray(2 + 8 + 1252, 2 + 8 + 1252 + 24))).toBe(R.nonce1);
    const p3 = must(unwrapPayload(v3!.envelope)).payload;
    expect(toHex(p3.subarray(0, 10 + 24))).toBe(`0103${vectors.pqxdh.sessionId}${R.nonce3}`);
    expect(p3.length).toBe(2 + 8 + 24 + 56 + utf8Encode(v3!.plaintext).length + 16);
  });

  it('split: the exact parts, their message id, and reassembly', () => {
    const { envelope, limit, parts } = vectors.split;
    expect(splitEnvelope(envelope, limit)).toEqual(parts);
    expect(must(joinParts(parts.slice().reverse()))).toBe(envelope);
    const payload = must(unwrapPayload(envelope)).payload;
    const id = createHash('sha256').update(payload).digest('hex').slice(0, 16);
    for (const [i, part] of parts.entries()) {
      const frame = Buffer.from(part.slice('SOTTO1.'.length, -1), 'base64url');
      expect(frame.subarray(0, 11).toString('hex')).toBe(
        `01${id}${(i + 1).toString(16).padStart(2, '0')}${parts.length.toString(16).padStart(2, '0')}`,
      );
    }
  });

  it('safety number and QR payload, recomputed with Node’s SHA-512', () => {
    const { alice, bob } = replay();
    expect(safetyNumber(alice, bob)).toBe(vectors.safetyNumber.number);
    expect(safetyQrPayload(bob, alice)).toBe(vectors.safetyNumber.qr);
    const half = (signingKey: string, dhKey: string): string => {
      const key = Buffer.concat([buf(signingKey), buf(dhKey)]);
      let h = createHash('sha512')
        .update(Buffer.concat([Buffer.of(0, 1), key, Buffer.from('sotto/v1/safety-number')]))
        .digest();
      for (let i = 0; i < 5200; i++)
        h = createHash('sha512')
          .update(Buffer.concat([h, key]))
          .digest();
      let digits = '';
      for (let g = 0; g < 6; g++)
        digits += String(h.readUIntBE(5 * g, 5) % 100000).padStart(5, '0');
      return digits;
    };
    const halves = [
      half(vectors.alice.signingKey, vectors.alice.dhKey),
      half(vectors.bob.signingKey, vectors.bob.dhKey),
    ].sort();
    expect(halves.join('')).toBe(vectors.safetyNumber.number);
  });
});
