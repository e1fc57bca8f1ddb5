/**
 * Fuzzing: thousands of random and mutated envelopes through every parser-facing function.
 * Sizes: 3000 mutants of 8 valid envelopes through inspect/decrypt/join/readInvite, 1500
 * random lines, 150 mutated init envelopes through respondToSession (each may cost a full
 * PQXDH), plus garbage arguments to every function that takes outside input.
 */
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  compareSafetyQr,
  createInvite,
  decodeBundle,
  importIdentity,
  importPrekeyRing,
  importSession,
  inspectEnvelope,
  joinParts,
  type Result,
  ratchetDecrypt,
  readInvite,
  respondToSession,
  splitEnvelope,
} from '../../../lib/crypto';
import { unwrapPayload, wrapPayload } from '../../../lib/crypto/envelope';
import { connect, NOW, party, rngFrom, send } from './helpers';
import { Problems, rejectionProblem } from './hygiene';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function ints(seed: number): (n: number) => number {
  const rng = rngFrom(seed);
  let pool: Uint8Array = new Uint8Array(0);
  let at = 0;
  return (n) => {
    if (at + 4 > pool.length) {
      pool = rng(4096);
      at = 0;
    }
    const v =
      ((pool[at]! << 24) | (pool[at + 1]! << 16) | (pool[at + 2]! << 8) | pool[at + 3]!) >>> 0;
    at += 4;
    return v % Math.max(1, n);
  };
}

function corpus() {
  const p = connect();
  let { a, b } = p;
  const m1 = send(a, 'one', p.alice.rng);
  a = m1.state;
  const reply = send(b, 'reply', p.bob.rng); // init type: Bob has not heard back
  b = reply.state;
  const long = send(a, 'x'.repeat(3000), p.alice.rng);
  const alice = party(1);
  const invite = createInvite(alice.identity, alice.ring.current);
  const parts = splitEnvelope(long.envelope, 1000);
  const other = connect(3, 4);
  const foreign = send(other.a, 'elsewhere', other.alice.rng).envelope;
  return {
    p,
    envelopes: [
      m1.envelope,
      reply.envelope,
      long.envelope,
      p.init,
      invite,
      foreign,
      ...parts.slice(0, 2),
    ],
    parts,
  };
}

function mutate(text: string, r: (n: number) => number, all: string[]): string {
  const unwrapped = unwrapPayload(text);
  const payload = unwrapped.ok ? unwrapped.value.payload : new Uint8Array(0);
  const p = payload.slice();
  switch (r(10)) {
    case 0: {
      const flips = 1 + r(8);
      for (let i = 0; i < flips && p.length; i++) p[r(p.length)]! ^= 1 << r(8);
      return wrapPayload(p);
    }
    case 1:
      if (p.length) p[r(p.length)] = r(256);
      return wrapPayload(p);
    case 2:
      return wrapPayload(p.subarray(0, r(p.length + 1)));
    case 3:
      return wrapPayload(
        Uint8Array.from([...p, ...Array.from({ length: 1 + r(40) }, () => r(256))]),
      );
    case 4: {
      const other = unwrapPayload(all[r(all.length)]!);
      const q = other.ok ? other.value.payload : new Uint8Array(0);
      const cut = r(Math.min(p.length, q.length) + 1);
      return wrapPayload(Uint8Array.from([...p.subarray(0, cut), ...q.subarray(cut)]));
    }
    case 5:
      if (p.length > 1) p[1] = r(256);
      if (p.length > 0 && r(4) === 0) p[0] = r(256);
      return wrapPayload(p);
    case 6: {
      const i = r(text.length + 1);
      return text.slice(0, i) + String.fromCharCode(r(128)) + text.slice(i);
    }
    case 7: {
      const i = r(text.length);
      return text.slice(0, i) + text.slice(i + 1 + r(3));
    }
    case 8: {
      const i = r(text.length);
      return text.slice(0, i) + B64[r(64)]! + text.slice(i + 1);
    }
    default: {
      // Session id of one envelope on the body of another.
      const other = unwrapPayload(all[r(all.length)]!);
      if (other.ok && other.value.payload.length > 10 && p.length > 10)
        p.set(other.value.payload.subarray(2, 10), 2);
      return wrapPayload(p);
    }
  }
}

function randomLine(r: (n: number) => number): string {
  const kind = r(4);
  const len = r(kind === 0 ? 80 : 3000);
  if (kind === 0) return Array.from({ length: len }, () => String.fromCharCode(r(0x3000))).join('');
  const body = Array.from({ length: len }, () => B64[r(64)]!).join('');
  if (kind === 1) return `SOTTO1.${body}.`;
  if (kind === 2) return `SOTTO1.AAE${String.fromCharCode(65 + r(4))}${body}.`; // whole frame, v1 payload prefix
  return `SOTTO1.A${B64[16 + r(4)]!}${body}.`; // part frames
}

describe('fuzz', () => {
  const { p, envelopes, parts } = corpus();
  const originals = envelopes
    .map((e) => unwrapPayload(e))
    .flatMap((u) => (u.ok ? [u.value.payload] : []));
  const isOriginal = (text: string): boolean => {
    const u = unwrapPayload(text);
    return u.ok && originals.some((o) => bytesEqual(o, u.value.payload));
  };

  /** Runs every input through the parser-facing functions; returns how often each code came back. */
  function run(inputs: string[]): Record<string, number> {
    const problems = new Problems();
    const codes: Record<string, number> = {};
    for (const input of inputs) {
      const original = isOriginal(input);
      const results: Result<unknown>[] = [];
      try {
        results.push(
          inspectEnvelope(input),
          readInvite(input),
          joinParts([input]),
          joinParts([input, parts[1]!]),
        );
        for (const state of [p.a, p.b])
          results.push(ratchetDecrypt(state, input, { rng: rngFrom(5) }));
      } catch (e) {
        problems.add(`threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`, input);
        continue;
      }
      for (const r of results) {
        if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean')
          problems.add('not a result', input);
        else if (!r.ok) {
          problems.add(rejectionProblem(r), input);
          codes[r.error.code] = (codes[r.error.code] ?? 0) + 1;
        }
      }
      // A decryption may only succeed for an unmodified payload.
      if (!original && results.slice(4).some((r) => r.ok))
        problems.add('decrypted a modified envelope', input);
    }
    expect(problems.list()).toEqual([]);
    return codes;
  }

  it('survives 3000 mutated envelopes with typed results only', () => {
    const r = ints(21);
    const inputs = Array.from({ length: 3000 }, (_, i) =>
      mutate(envelopes[i % envelopes.length]!, r, envelopes),
    );
    const codes = run(inputs);
    // The mutants reach every layer: parser, routing and authentication.
    expect(codes.MALFORMED).toBeGreaterThan(1000);
    expect(codes.BAD_MAC).toBeGreaterThan(500);
    expect(codes.UNKNOWN_SESSION).toBeGreaterThan(500);
    expect(codes.VERSION_TOO_NEW).toBeGreaterThan(10);
  });

  it('survives 1500 random lines with typed results only', () => {
    const r = ints(22);
    run(Array.from({ length: 1500 }, () => randomLine(r)));
  });

  it('survives 150 mutated init envelopes at respondToSession', () => {
    const r = ints(23);
    const problems = new Problems();
    for (let i = 0; i < 150; i++) {
      const input = mutate(p.init, r, envelopes);
      try {
        const res = respondToSession(p.alice.identity, p.alice.ring, input, {
          now: NOW,
          rng: rngFrom(6),
        });
        if (!res.ok) problems.add(rejectionProblem(res), input);
        else if (!isOriginal(input)) problems.add('accepted a modified init', input);
      } catch (e) {
        problems.add(`threw ${(e as Error)?.message}`, input);
      }
    }
    expect(problems.list()).toEqual([]);
  });

  it('gives typed results for garbage passed where outside input is expected', () => {
    const garbage: unknown[] = [
      undefined,
      null,
      0,
      Number.NaN,
      '',
      'x',
      {},
      [],
      [1, 2],
      new Uint8Array(0),
      new Uint8Array(1413),
      Uint8Array.of(1),
      Uint8Array.of(2),
      { v: 1 },
      { v: 1, current: {}, retired: [] },
      Symbol.iterator,
      () => 1,
    ];
    const problems = new Problems();
    const calls: [string, (g: never) => Result<unknown>][] = [
      ['inspectEnvelope', (g) => inspectEnvelope(g)],
      ['readInvite', (g) => readInvite(g)],
      ['joinParts', (g) => joinParts(g)],
      ['joinParts[]', (g) => joinParts([g])],
      ['decodeBundle', (g) => decodeBundle(g)],
      ['ratchetDecrypt', (g) => ratchetDecrypt(p.a, g)],
      [
        'respondToSession',
        (g) => respondToSession(p.alice.identity, p.alice.ring, g, { now: NOW }),
      ],
      ['importSession', (g) => importSession(g)],
      ['importIdentity', (g) => importIdentity(g)],
      ['importPrekeyRing', (g) => importPrekeyRing(g)],
      ['compareSafetyQr', (g) => compareSafetyQr(g, p.alice.identity, p.bob.identity)],
    ];
    for (const [name, call] of calls) {
      for (const g of garbage) {
        try {
          const r = call(g as never);
          if (r.ok) problems.add(`${name} accepted garbage`, String(g));
          else
            problems.add(
              rejectionProblem(r, ['MALFORMED', 'VERSION_TOO_NEW']),
              `${name}(${String(g)})`,
            );
        } catch (e) {
          problems.add(`${name} threw ${(e as Error)?.message}`, String(g));
        }
      }
    }
    expect(problems.list()).toEqual([]);
    // Programmer errors throw TypeError/RangeError, noble style.
    expect(() => splitEnvelope('garbage', 10_000)).toThrow(RangeError);
    expect(() => send(p.a, 'x'.repeat(70_000), p.alice.rng)).toThrow(RangeError);
    expect(() => createInvite(p.alice.identity, p.alice.ring.current, 'a\nb')).toThrow(RangeError);
  });
});
