/**
 * Regenerates tests/vectors/sotto-v1.json: `npx tsx tests/vectors/generate.ts`.
 *
 * The inputs are fixed (SHA-512 of a label, cut to length); the outputs are what this
 * implementation produces. They are regression and interoperability vectors: another
 * implementation fed the same inputs (in the same draw order) must produce the same bytes.
 * tests/unit/crypto/vectors.test.ts checks them, and cross-checks the X25519, Ed25519,
 * HKDF and HChaCha20 (KDF_CK) steps against Node's independent implementations.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha512 } from '@noble/hashes/sha2.js';
import {
  createIdentity,
  createInvite,
  createPrekeys,
  encodeBundle,
  initiateSession,
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
  utf8Encode,
} from '../../lib/crypto';
import { decodeInitHeader } from '../../lib/crypto/payload';
import { pqxdhKdf, sessionAd } from '../../lib/crypto/pqxdh';
import { dh, kdfChain, kemDecapsulate } from '../../lib/crypto/primitives';
import { kdfRoot } from '../../lib/crypto/ratchet';
import { scripted } from './scripted';

/** Deterministic input bytes: SHA-512("sotto test vector: " + label), repeated and cut to `length`. */
export function input(label: string, length: number): string {
  const block = sha512(utf8Encode(`sotto test vector: ${label}`));
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = block[i % 64]!;
  return toHex(out);
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
}

export function buildVectors() {
  const NOW = 1_735_689_600_000; // 2025-01-01T00:00:00Z
  const rand = {
    aliceSigningSeed: input('alice ed25519 seed', 32),
    aliceDhSecret: input('alice x25519 identity secret', 32),
    alicePrekeyDhSecret: input('alice x25519 prekey secret', 32),
    alicePrekeyKemSeed: input('alice ml-kem-768 prekey seed', 64),
    bobSigningSeed: input('bob ed25519 seed', 32),
    bobDhSecret: input('bob x25519 identity secret', 32),
    bobEphemeralSecret: input('bob ephemeral secret', 32),
    bobKemMessage: input('bob ml-kem-768 encapsulation message', 32),
    bobRatchetSecret1: input('bob ratchet secret 1', 32),
    nonce1: input('nonce 1', 24),
    aliceRatchetSecret1: input('alice ratchet secret 1', 32),
    nonce2: input('nonce 2', 24),
    bobRatchetSecret2: input('bob ratchet secret 2', 32),
    nonce3: input('nonce 3', 24),
    aliceRatchetSecret2: input('alice ratchet secret 2', 32),
  };
  const alice = createIdentity(scripted([rand.aliceSigningSeed, rand.aliceDhSecret]));
  const prekey = createPrekeys(
    alice,
    1,
    NOW,
    scripted([rand.alicePrekeyDhSecret, rand.alicePrekeyKemSeed]),
  );
  const ring: PrekeyRing = { v: 1, current: prekey, retired: [] };
  const bob = createIdentity(scripted([rand.bobSigningSeed, rand.bobDhSecret]));
  const bundleBytes = encodeBundle(makeBundle(alice, prekey));
  const invite = createInvite(alice, prekey);
  const bundle = must(readInvite(invite)).bundle;

  const started = must(
    initiateSession(bob, bundle, {
      rng: scripted([rand.bobEphemeralSecret, rand.bobKemMessage, rand.bobRatchetSecret1]),
    }),
  );
  const init = decodeInitHeader(started.initialMessageHeader);
  const dh1 = dh(bob.dhSecret, prekey.dhKey)!;
  const dh2 = dh(fromHexStrict(rand.bobEphemeralSecret), alice.dhKey)!;
  const dh3 = dh(fromHexStrict(rand.bobEphemeralSecret), prekey.dhKey)!;
  const ss = kemDecapsulate(init.kemCiphertext, prekey.kemSecret)!;
  const keys = pqxdhKdf(dh1, dh2, dh3, ss);
  const m1 = ratchetEncrypt(started.state, utf8Encode('hello'), { rng: scripted([rand.nonce1]) });
  const answered = must(
    respondToSession(alice, ring, m1.envelope, {
      now: NOW,
      rng: scripted([rand.aliceRatchetSecret1]),
    }),
  );
  const m2 = ratchetEncrypt(answered.state, utf8Encode('hi Bob'), { rng: scripted([rand.nonce2]) });
  const bobAfter = must(
    ratchetDecrypt(m1.state, m2.envelope, { rng: scripted([rand.bobRatchetSecret2]) }),
  );
  const m3 = ratchetEncrypt(bobAfter.state, utf8Encode('how are you?'), {
    rng: scripted([rand.nonce3]),
  });
  must(ratchetDecrypt(m2.state, m3.envelope, { rng: scripted([rand.aliceRatchetSecret2]) }));

  const ck = input('chain key', 32);
  const chainStep = kdfChain(fromHexStrict(ck));
  const rk = input('root key', 32);
  const dhOut = input('dh output', 32);
  const rootStep = kdfRoot(fromHexStrict(rk), fromHexStrict(dhOut));

  const longEnvelope = ratchetEncrypt(bobAfter.state, utf8Encode('x'.repeat(600)), {
    rng: scripted([input('nonce long', 24)]),
  }).envelope;

  return {
    description:
      'Sotto protocol v1 vectors. Random inputs are listed under `random` in the order the protocol draws them (see docs/PROTOCOL.md). Byte strings are lower-case hex. Regenerate with `npx tsx tests/vectors/generate.ts`.',
    now: NOW,
    random: rand,
    kdf: {
      chain: {
        ck,
        messageKey: toHex(chainStep.messageKey),
        nextChainKey: toHex(chainStep.chainKey),
      },
      root: {
        rk,
        dh: dhOut,
        rootKey: toHex(rootStep.rk),
        chainKey: toHex(rootStep.ck),
        nextHeaderKey: toHex(rootStep.nhk),
      },
    },
    alice: {
      signingKey: toHex(alice.signingKey),
      dhKey: toHex(alice.dhKey),
      dhSignature: toHex(alice.dhSignature),
      prekeyId: prekey.id,
      prekeyDhKey: toHex(prekey.dhKey),
      prekeyKemKey: toHex(prekey.kemKey),
      prekeySignature: toHex(prekey.signature),
      bundle: toHex(bundleBytes),
      invite,
    },
    bob: {
      signingKey: toHex(bob.signingKey),
      dhKey: toHex(bob.dhKey),
      dhSignature: toHex(bob.dhSignature),
    },
    pqxdh: {
      dh1: toHex(dh1),
      dh2: toHex(dh2),
      dh3: toHex(dh3),
      kemCiphertext: toHex(init.kemCiphertext),
      kemSharedSecret: toHex(ss),
      sk: toHex(keys.sk),
      hka: toHex(keys.hka),
      nhkb: toHex(keys.nhkb),
      sessionId: toHex(keys.sessionId),
      ad: toHex(sessionAd(bob, alice)),
      initHeader: toHex(started.initialMessageHeader),
    },
    messages: [
      { from: 'bob', plaintext: 'hello', envelope: m1.envelope },
      { from: 'alice', plaintext: 'hi Bob', envelope: m2.envelope },
      { from: 'bob', plaintext: 'how are you?', envelope: m3.envelope },
    ],
    split: { envelope: longEnvelope, limit: 300, parts: splitEnvelope(longEnvelope, 300) },
    safetyNumber: { number: safetyNumber(alice, bob), qr: safetyQrPayload(alice, bob) },
  };
}

function fromHexStrict(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

if (process.argv[1]?.endsWith('generate.ts')) {
  const path = join(import.meta.dirname, 'sotto-v1.json');
  writeFileSync(path, `${JSON.stringify(buildVectors(), null, 2)}\n`);
  console.log(`wrote ${path}`);
}
