/**
 * Property tests over the ratchet: arbitrary schedules of sends, deliveries (in any order),
 * drops and store/reload cycles. 40 runs of up to 40 steps each (each direction change
 * costs a DH ratchet step, ~3 ms).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exportSession,
  importSession,
  ratchetDecrypt,
  ratchetEncrypt,
  type SessionState,
} from '../../../lib/crypto';
import { codeOf, connect, dec, enc, must } from './helpers';

type Step =
  | { op: 'send'; from: 'a' | 'b' }
  | { op: 'deliver'; pick: number; drop: boolean }
  | { op: 'store'; who: 'a' | 'b' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('send' as const),
      from: fc.constantFrom('a' as const, 'b' as const),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('deliver' as const),
      pick: fc.nat(),
      drop: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('store' as const),
      who: fc.constantFrom('a' as const, 'b' as const),
    }),
  },
);

function simulate(steps: Step[], allowDrops: boolean): void {
  const p = connect();
  const states: Record<'a' | 'b', SessionState> = { a: p.a, b: p.b };
  const rngs = { a: p.alice.rng, b: p.bob.rng };
  const inFlight: { envelope: string; text: string; to: 'a' | 'b' }[] = [];
  const delivered: { envelope: string; to: 'a' | 'b' }[] = [];
  let counter = 0;
  const deliver = (index: number, drop: boolean): void => {
    const [m] = inFlight.splice(index, 1);
    if (!m || drop) return;
    const r = must(ratchetDecrypt(states[m.to], m.envelope, { rng: rngs[m.to] }));
    expect(dec(r.plaintext)).toBe(m.text);
    states[m.to] = r.state;
    delivered.push(m);
  };
  for (const step of steps) {
    if (step.op === 'send') {
      const text = `${step.from}${counter++}`;
      const m = ratchetEncrypt(states[step.from], enc(text), { rng: rngs[step.from] });
      states[step.from] = m.state;
      inFlight.push({ envelope: m.envelope, text, to: step.from === 'a' ? 'b' : 'a' });
    } else if (step.op === 'deliver') {
      if (inFlight.length) deliver(step.pick % inFlight.length, allowDrops && step.drop);
    } else {
      states[step.who] = must(importSession(structuredClone(exportSession(states[step.who]))));
    }
  }
  while (inFlight.length) deliver(inFlight.length - 1, false); // the rest, newest first
  for (const m of delivered) expect(ratchetDecrypt(states[m.to], m.envelope).ok).toBe(false);
  if (!allowDrops) {
    // Everything arrived, so no skipped key is left behind.
    expect(states.a.skipped).toHaveLength(0);
    expect(states.b.skipped).toHaveLength(0);
  }
}

describe('ratchet properties', () => {
  it('any schedule without drops: each message decrypts exactly once and no skipped key remains', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => simulate(steps, false)),
      { numRuns: 40 },
    );
  });

  it('any schedule with drops and reloads: every delivered message decrypts exactly once', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => simulate(steps, true)),
      { numRuns: 40 },
    );
  });

  it('a message decrypts only under the session and associated data it was made for', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 16 }),
        (plaintext, ad) => {
          const p = connect();
          const m = ratchetEncrypt(p.a, plaintext, { ad, rng: p.alice.rng });
          expect(must(ratchetDecrypt(p.b, m.envelope, { ad })).plaintext).toEqual(plaintext);
          const other = Uint8Array.from([...ad, 0]);
          expect(codeOf(ratchetDecrypt(p.b, m.envelope, { ad: other }))).toBe('BAD_MAC');
        },
      ),
      { numRuns: 15 },
    );
  });
});
