/**
 * Crypto benchmark: `npx tsx bench/crypto.bench.ts` (or through bench/run.ts).
 *
 * Measures, in one run: raw XChaCha20-Poly1305 seal+open of 1 KiB (the baseline), ratchet
 * encrypt+decrypt of 1 KiB without a DH ratchet step (with the envelope text, and without
 * it: frame bytes only), with a DH step, and the hybrid session start (initiateSession +
 * first ratchetEncrypt + respondToSession).
 *
 * Every timed batch of a case is paired with a batch of the baseline run just before it, and
 * a case's ratio is the median over the rounds of (case / its paired baseline), so load that
 * changes over the run (this machine is shared) hits both sides of each pair alike. Batches
 * are short (~1-2 ms for the cheap cases), shorter than a scheduler time slice, so most run
 * uninterrupted and the median discards the ones that were not. Budget
 * (docs/ARCHITECTURE.md): steady state <= 1.5x the raw AEAD.
 */
import { pathToFileURL } from 'node:url';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import {
  createIdentity,
  createInvite,
  createPrekeyRing,
  initiateSession,
  ratchetDecrypt,
  ratchetEncrypt,
  readInvite,
  respondToSession,
  type SessionState,
  systemRandom,
} from '../lib/crypto';
import { Scratch } from '../lib/crypto/bytes';
import {
  AD_SIZE,
  FRAME_WHOLE,
  HEADER_PLAIN,
  HEADER_SEALED,
  NONCE,
  NONCE_ONCE,
  PAYLOAD_MESSAGE,
  PROTOCOL_VERSION,
  TAG,
} from '../lib/crypto/constants';
import { encodeFrameText, unwrapPayload } from '../lib/crypto/envelope';
import { parsePayload } from '../lib/crypto/payload';
import { kdfChain, openOnce, sealBox, sealOnce } from '../lib/crypto/primitives';
import { fillSystemNonce } from '../lib/crypto/random';
import { decryptPayload, encryptFrame } from '../lib/crypto/ratchet';

export interface CryptoBenchRow {
  name: string;
  medianMs: number;
  /** Median over the rounds of (this case's batch / the baseline batch just before it). */
  ratio: number;
  /** Budget for `ratio`, where one applies. */
  budget?: number;
}

interface Case {
  name: string;
  /** Operations per timed batch. */
  batch: number;
  /** Runs `batch` operations; returns how many operations that was (for per-op time). */
  run: () => number;
  budget?: number;
}

const SIZE = 1024;
const STEADY_BUDGET = 1.5;
/** Operations per batch for the cheap cases: ~1-2 ms here. */
const BATCH = 40;

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!r.ok) throw new Error(`bench setup failed: ${r.error.code}`);
  return r.value;
}

function setup() {
  const now = Date.now();
  const alice = createIdentity();
  const ring = createPrekeyRing(alice, now);
  const bob = createIdentity();
  const bundle = must(readInvite(createInvite(alice, ring.current))).bundle;
  const plaintext = systemRandom(SIZE);
  const start = (): { a: SessionState; b: SessionState } => {
    const started = must(initiateSession(bob, bundle));
    const first = ratchetEncrypt(started.state, plaintext);
    const answered = must(respondToSession(alice, ring, first.envelope, { now }));
    return { a: answered.state, b: first.state };
  };
  return { alice, ring, bob, bundle, plaintext, start, now };
}

function cases(): Case[] {
  const ctx = setup();
  const key = systemRandom(32);
  const aad = new Uint8Array(0);
  const raw: Case = {
    name: 'raw XChaCha20-Poly1305 seal+open, 1 KiB (baseline)',
    batch: BATCH,
    run() {
      for (let i = 0; i < this.batch; i++) {
        // The nonce comes from the same pool as the ratchet's (one getRandomValues per 4 KiB),
        // so neither side pays for randomness the other does not.
        const nonce = new Uint8Array(24);
        fillSystemNonce(nonce);
        const sealed = xchacha20poly1305(key, nonce, aad).encrypt(ctx.plaintext);
        xchacha20poly1305(key, nonce, aad).decrypt(sealed);
      }
      return this.batch;
    },
  };
  // Steady state: Alice keeps sending in one chain, Bob keeps receiving.
  let steady = ctx.start();
  const steadyCase: Case = {
    name: 'ratchet encrypt+decrypt, 1 KiB, no DH step',
    batch: BATCH,
    budget: STEADY_BUDGET,
    run() {
      for (let i = 0; i < this.batch; i++) {
        const m = ratchetEncrypt(steady.a, ctx.plaintext);
        const r = ratchetDecrypt(steady.b, m.envelope);
        if (!r.ok) throw new Error(r.error.code);
        steady = { a: m.state, b: r.value.state };
      }
      return this.batch;
    },
  };
  // The same without the text layer: the frame's payload goes straight to the receiver.
  let bare = ctx.start();
  const bareCase: Case = {
    name: 'ratchet encrypt+decrypt, 1 KiB, no DH step, frame bytes (no envelope text)',
    batch: BATCH,
    run() {
      for (let i = 0; i < this.batch; i++) {
        const m = encryptFrame(bare.a, ctx.plaintext);
        const r = decryptPayload(bare.b, m.frame.subarray(1));
        if (!r.ok) throw new Error(r.error.code);
        bare = { a: m.state, b: r.value.state };
      }
      return this.batch;
    },
  };
  // Every message answers the previous one, so every decryption takes a DH ratchet step.
  let ping = ctx.start();
  const dhCase: Case = {
    name: 'ratchet encrypt+decrypt, 1 KiB, with DH step',
    batch: 1,
    run() {
      for (let i = 0; i < this.batch; i++) {
        const m1 = ratchetEncrypt(ping.a, ctx.plaintext);
        const r1 = ratchetDecrypt(ping.b, m1.envelope);
        if (!r1.ok) throw new Error(r1.error.code);
        const m2 = ratchetEncrypt(r1.value.state, ctx.plaintext);
        const r2 = ratchetDecrypt(m1.state, m2.envelope);
        if (!r2.ok) throw new Error(r2.error.code);
        ping = { a: r2.value.state, b: m2.state };
      }
      return 2 * this.batch;
    },
  };
  const sessionCase: Case = {
    name: 'hybrid session start (PQXDH + first 1 KiB message)',
    batch: 1,
    run() {
      for (let i = 0; i < this.batch; i++) ctx.start();
      return this.batch;
    },
  };
  return [raw, steadyCase, bareCase, dhCase, sessionCase, ...steadyParts(ctx.plaintext)];
}

/**
 * The pieces of a steady-state message, each timed alone (same bytes and sizes as the
 * ratchet uses), so the report shows where the time over the baseline goes. What the
 * pieces do not add up to is the ratchet's own bookkeeping: states, views, parsing.
 */
function steadyParts(plaintext: Uint8Array): Case[] {
  const key = systemRandom(32);
  // The body's associated data: AD (129) | prefix (10) | nonce (24) | sealed header (56).
  const bodyAd = systemRandom(AD_SIZE + 10 + NONCE + HEADER_SEALED);
  const header = systemRandom(HEADER_PLAIN);
  const frame = systemRandom(1 + 10 + NONCE + HEADER_SEALED + plaintext.length + TAG);
  frame.set([FRAME_WHOLE, PROTOCOL_VERSION, PAYLOAD_MESSAGE]);
  const envelope = encodeFrameText(frame);
  const scratch = new Scratch(16 * 1024);
  const part = (name: string, op: () => void): Case => ({
    name: `  of which: ${name}`,
    batch: BATCH,
    run() {
      for (let i = 0; i < this.batch; i++) op();
      return this.batch;
    },
  });
  return [
    part('body, ChaCha20-Poly1305 seal+open with its 219 B AD', () => {
      const nonce = new Uint8Array(NONCE_ONCE);
      fillSystemNonce(nonce);
      const sealed = sealOnce(key, nonce, plaintext, bodyAd);
      if (!openOnce(key, nonce, sealed, bodyAd)) throw new Error('bench: body did not open');
    }),
    part('header seal, XSalsa20-Poly1305 of 40 B', () => {
      const nonce = new Uint8Array(NONCE);
      fillSystemNonce(nonce);
      if (sealBox(key, nonce, header).length !== HEADER_SEALED) throw new Error('bench: header');
    }),
    part('KDF_CK on both sides (4 HChaCha20)', () => {
      if (kdfChain(key).messageKey === kdfChain(key).chainKey) throw new Error('bench: kdf');
    }),
    part('envelope text, encode + parse', () => {
      if (!encodeFrameText(frame).endsWith('.')) throw new Error('bench: encode');
      const parsed = unwrapPayload(envelope, scratch);
      if (!parsed.ok || !parsePayload(parsed.value.payload).ok) throw new Error('bench: parse');
    }),
  ];
}

/** Runs the crypto benchmark and returns one row per case, the baseline first. */
export async function runCryptoBench(
  options: { rounds?: number; warmup?: number } = {},
): Promise<CryptoBenchRow[]> {
  const rounds = options.rounds ?? 96; // a multiple of the number of cases: each starts as often
  const warmup = options.warmup ?? 10;
  const all = cases();
  const baseline = all[0]!;
  const others = all.slice(1);
  for (let w = 0; w < warmup; w++) for (const c of all) c.run();
  const time = (c: Case): number => {
    const t0 = performance.now();
    const ops = c.run();
    return (performance.now() - t0) / ops;
  };
  const baseSamples: number[] = [];
  const samples = others.map(() => [] as number[]);
  const ratios = others.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    // Each round starts with a different case, so none always runs first after the yield.
    for (let k = 0; k < others.length; k++) {
      const i = (r + k) % others.length;
      const base = time(baseline);
      const t = time(others[i]!);
      baseSamples.push(base);
      samples[i]!.push(t);
      ratios[i]!.push(t / base);
    }
    // Yield between rounds so a caller's event loop is not starved.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return [
    { name: baseline.name, medianMs: median(baseSamples), ratio: 1 },
    ...others.map((c, i) => ({
      name: c.name,
      medianMs: median(samples[i]!),
      ratio: median(ratios[i]!),
      ...(c.budget === undefined ? {} : { budget: c.budget }),
    })),
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runCryptoBench();
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'case'.padEnd(width)}  median ms   ratio  budget`);
  for (const r of rows) {
    const budget =
      r.budget === undefined ? '' : `${r.ratio <= r.budget ? 'ok' : 'OVER'} (<= ${r.budget}x)`;
    console.log(
      `${r.name.padEnd(width)}  ${r.medianMs.toFixed(4).padStart(9)}  ${r.ratio.toFixed(2).padStart(6)}x  ${budget}`,
    );
  }
  const steady = rows.find((r) => r.budget !== undefined);
  if (steady) {
    console.log(
      `\nsteady-state budget (<= ${STEADY_BUDGET}x raw AEAD): ${steady.ratio <= STEADY_BUDGET ? 'holds' : 'does NOT hold'} (${steady.ratio.toFixed(2)}x)`,
    );
  }
}
