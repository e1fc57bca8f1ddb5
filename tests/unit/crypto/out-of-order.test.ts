import { describe, expect, it } from 'vitest';
import {
  MAX_SKIP,
  MAX_STORED_SKIPPED,
  type RandomSource,
  ratchetDecrypt,
  ratchetEncrypt,
  type SessionState,
  toHex,
} from '../../../lib/crypto';
import { codeOf, connect, dec, enc, must, receive, rngFrom, send } from './helpers';

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)]))
      out.push([item, ...rest]);
  });
  return out;
}

/** Delivers envelopes in the given order; each must decrypt to its text exactly once. */
function deliverAll(
  state: SessionState,
  batch: { envelope: string; text: string }[],
  order: number[],
  rng: RandomSource,
): SessionState {
  let s = state;
  for (const i of order) {
    const m = batch[i]!;
    const r = must(ratchetDecrypt(s, m.envelope, { rng }));
    expect(dec(r.plaintext)).toBe(m.text);
    expect(codeOf(ratchetDecrypt(r.state, m.envelope, { rng }))).toBe('REPLAY');
    s = r.state;
  }
  return s;
}

describe('out-of-order delivery', () => {
  it('decrypts every permutation of a window of 5 messages in one chain (120 orders)', () => {
    const p = connect();
    let a = p.a;
    const batch = [0, 1, 2, 3, 4].map((i) => {
      const m = send(a, `w${i}`, p.alice.rng);
      a = m.state;
      return { envelope: m.envelope, text: `w${i}` };
    });
    const orders = permutations([0, 1, 2, 3, 4]);
    expect(orders).toHaveLength(120);
    for (const order of orders) {
      const end = deliverAll(p.b, batch, order, p.bob.rng);
      expect(end.skipped).toHaveLength(0);
    }
  });

  it('decrypts every permutation of 5 messages spanning a DH ratchet step (120 orders)', () => {
    const p = connect();
    let { a, b } = p;
    // One round trip first, so Bob's next message carries a new ratchet key.
    const warm = send(a, 'warm', p.alice.rng);
    a = warm.state;
    [b] = receive(b, warm.envelope, p.bob.rng);
    const batch: { envelope: string; text: string }[] = [];
    for (const t of ['c1a', 'c1b']) {
      const m = send(a, t, p.alice.rng);
      a = m.state;
      batch.push({ envelope: m.envelope, text: t });
    }
    // Bob (who has heard nothing of those two) replies; Alice receives it and ratchets.
    const reply = send(b, 'turn', p.bob.rng);
    b = reply.state;
    const keyBefore = a.dhsPublic;
    [a] = receive(a, reply.envelope, p.alice.rng);
    expect(a.dhsPublic).not.toEqual(keyBefore);
    for (const t of ['c2a', 'c2b', 'c2c']) {
      const m = send(a, t, p.alice.rng);
      a = m.state;
      batch.push({ envelope: m.envelope, text: t });
    }
    for (const order of permutations([0, 1, 2, 3, 4])) {
      const end = deliverAll(b, batch, order, p.bob.rng);
      expect(end.skipped).toHaveLength(0);
    }
  });

  it('random interleavings of 200 messages with drops: each delivered message decrypts exactly once', () => {
    for (const seed of [11, 12, 13, 14]) {
      const rand = seededInts(seed);
      const p = connect();
      const states = { a: p.a, b: p.b };
      const rngs = { a: p.alice.rng, b: p.bob.rng };
      type Msg = { envelope: string; text: string; to: 'a' | 'b' };
      const inFlight: Msg[] = [];
      const delivered: Msg[] = [];
      let sent = 0;
      let dropped = 0;
      const ratchetKeys = new Set<string>();
      while (sent < 200 || inFlight.length > 0) {
        const roll = rand(100);
        if (sent < 200 && (roll < 45 || inFlight.length === 0)) {
          // Mostly Alice talking, in bursts; Bob answers now and then (DH steps on both sides).
          const from = rand(100) < 75 ? 'a' : 'b';
          const text = `${from}:${sent}`;
          const m = ratchetEncrypt(states[from], enc(text), { rng: rngs[from] });
          states[from] = m.state;
          inFlight.push({ envelope: m.envelope, text, to: from === 'a' ? 'b' : 'a' });
          sent++;
        } else {
          const [msg] = inFlight.splice(rand(inFlight.length), 1);
          if (!msg) continue;
          if (rand(100) < 15) {
            dropped++;
            continue;
          }
          const r = must(ratchetDecrypt(states[msg.to], msg.envelope, { rng: rngs[msg.to] }));
          expect(dec(r.plaintext)).toBe(msg.text);
          states[msg.to] = r.state;
          ratchetKeys.add(toHex(r.state.dhsPublic));
          delivered.push(msg);
        }
      }
      expect(dropped).toBeGreaterThan(10);
      expect(ratchetKeys.size).toBeGreaterThan(10); // many DH ratchet steps happened
      expect(delivered.length + dropped).toBe(200);
      // Nothing decrypts twice: a second delivery of anything is refused.
      for (const msg of delivered) {
        const again = ratchetDecrypt(states[msg.to], msg.envelope, { rng: rngs[msg.to] });
        expect(again.ok).toBe(false);
        expect(['REPLAY', 'BAD_MAC']).toContain(codeOf(again));
      }
    }
  });

  it('accepts a gap of exactly MAX_SKIP and refuses MAX_SKIP + 1 (TOO_MANY_SKIPPED)', () => {
    const p = connect();
    let a = p.a;
    const envelopes: string[] = [];
    for (let i = 0; i <= MAX_SKIP + 1; i++) {
      const m = ratchetEncrypt(a, enc(`n${i}`), { rng: p.alice.rng });
      a = m.state;
      envelopes.push(m.envelope);
    }
    expect(codeOf(ratchetDecrypt(p.b, envelopes[MAX_SKIP + 1]!))).toBe('TOO_MANY_SKIPPED');
    const r = must(ratchetDecrypt(p.b, envelopes[MAX_SKIP]!));
    expect(dec(r.plaintext)).toBe(`n${MAX_SKIP}`);
    expect(r.state.skipped).toHaveLength(MAX_SKIP);
    expect(dec(must(ratchetDecrypt(r.state, envelopes[0]!)).plaintext)).toBe('n0');
  });

  it('refuses a DH step whose previous chain would need more than MAX_SKIP keys', () => {
    const p = connect();
    let { a, b } = p;
    const first = send(a, 'first', p.alice.rng);
    a = first.state;
    [b] = receive(b, first.envelope, p.bob.rng);
    for (let i = 0; i < MAX_SKIP + 1; i++)
      a = ratchetEncrypt(a, enc('x'), { rng: p.alice.rng }).state;
    const reply = send(b, 'turn', p.bob.rng);
    [a] = receive(a, reply.envelope, p.alice.rng);
    // Alice's new chain announces PN = MAX_SKIP + 2, of which Bob has seen 1.
    const next = send(a, 'next', p.alice.rng);
    expect(codeOf(ratchetDecrypt(reply.state, next.envelope, { rng: p.bob.rng }))).toBe(
      'TOO_MANY_SKIPPED',
    );
  });

  it(`caps stored skipped keys at MAX_STORED_SKIPPED (${MAX_STORED_SKIPPED}), evicting the oldest`, () => {
    const p = connect();
    let { a, b } = p;
    const chains: string[][] = [];
    for (let c = 0; c < 3; c++) {
      const chain: string[] = [];
      const length = c < 2 ? MAX_SKIP + 1 : 500;
      for (let i = 0; i < length; i++) {
        const m = ratchetEncrypt(a, enc(`c${c}:${i}`), { rng: p.alice.rng });
        a = m.state;
        chain.push(m.envelope);
      }
      chains.push(chain);
      // Bob receives only the last message of the chain, then replies so Alice ratchets.
      [b] = receive(b, chain[chain.length - 1]!, p.bob.rng);
      const reply = send(b, 'r', p.bob.rng);
      b = reply.state;
      [a] = receive(a, reply.envelope, p.alice.rng);
    }
    expect(b.skipped).toHaveLength(MAX_STORED_SKIPPED);
    // 1000 + 1000 + 499 were skipped; the 499 oldest (chain 0, n < 499) were evicted.
    expect(codeOf(ratchetDecrypt(b, chains[0]![0]!))).toBe('REPLAY');
    expect(codeOf(ratchetDecrypt(b, chains[0]![498]!))).toBe('REPLAY');
    expect(dec(must(ratchetDecrypt(b, chains[0]![499]!)).plaintext)).toBe('c0:499');
    expect(dec(must(ratchetDecrypt(b, chains[2]![0]!)).plaintext)).toBe('c2:0');
  });
});

/** Small deterministic integer source for schedules: rand(n) in [0, n). */
function seededInts(seed: number): (n: number) => number {
  const rng = rngFrom(seed);
  return (n) => {
    const b = rng(4);
    return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % Math.max(1, n);
  };
}
