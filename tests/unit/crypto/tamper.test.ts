import { describe, expect, it } from 'vitest';
import {
  createInvite,
  ERROR_CODES,
  fromHex,
  type Result,
  ratchetDecrypt,
  readInvite,
  respondToSession,
  type SessionState,
} from '../../../lib/crypto';
import { unwrapPayload, wrapPayload } from '../../../lib/crypto/envelope';
import { sealBox } from '../../../lib/crypto/primitives';
import { codeOf, connect, dec, must, NOW, party, receive, send } from './helpers';
import { Problems, rejectionProblem } from './hygiene';

const utf8 = new TextEncoder();
const lenient = new TextDecoder('utf-8'); // invalid bytes become U+FFFD

/** Every single-bit flip of the envelope's UTF-8 text. */
function* textFlips(envelope: string): Generator<string> {
  const bytes = utf8.encode(envelope);
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const copy = bytes.slice();
      copy[i] = copy[i]! ^ (1 << bit);
      yield lenient.decode(copy);
    }
  }
}

function payloadOf(envelope: string): Uint8Array {
  return must(unwrapPayload(envelope)).payload;
}

/** Every single-bit flip of the binary payload, re-encoded as a valid text envelope. */
function* payloadFlips(envelope: string, positions?: number[]): Generator<string> {
  const payload = payloadOf(envelope);
  const at = positions ?? Array.from({ length: payload.length }, (_, i) => i);
  for (const i of at) {
    for (let bit = 0; bit < 8; bit++) {
      const copy = payload.slice();
      copy[i] = copy[i]! ^ (1 << bit);
      yield wrapPayload(copy);
    }
  }
}

/** Runs `check` on every input and asserts that all were rejected with hygienic errors. */
function expectAllRejected(
  inputs: Iterable<string>,
  check: (input: string) => Result<unknown>,
  allowed: readonly string[] = ERROR_CODES,
): number {
  const problems = new Problems();
  let n = 0;
  for (const input of inputs) {
    problems.add(rejectionProblem(check(input), allowed), input);
    n++;
  }
  expect(problems.list()).toEqual([]);
  return n;
}

interface Case {
  name: string;
  state: SessionState;
  envelope: string;
}

/** Envelopes the receiving state accepts: in-chain, with a DH step, from skipped keys, an init. */
function cases(): Case[] {
  const p = connect();
  let { a, b } = p;
  const m0 = send(a, 'warm-up', p.alice.rng);
  a = m0.state;
  [b] = receive(b, m0.envelope, p.bob.rng);
  const inChain = send(a, 'in chain', p.alice.rng);
  a = inChain.state;
  const later = send(a, 'later', p.alice.rng);
  a = later.state;
  // Bob receives `later` first, so `inChain` now decrypts from a skipped key.
  const [bSkipped] = receive(b, later.envelope, p.bob.rng);
  const reply = send(b, 'reply', p.bob.rng);
  // p.a has not seen Bob's new ratchet key: `reply` makes Alice take a DH step.
  return [
    { name: 'in-chain message', state: b, envelope: inChain.envelope },
    { name: 'message from a skipped key', state: bSkipped, envelope: inChain.envelope },
    { name: 'message with a DH step', state: a, envelope: reply.envelope },
    { name: 'init envelope to an existing session', state: p.a, envelope: initFor(p).envelope },
  ];
}

/** A second init-type message from Bob, sent before he heard back (p.b still has pendingInit). */
function initFor(p: ReturnType<typeof connect>): { envelope: string } {
  return send(p.b, 'second', p.bob.rng);
}

describe('tampering', () => {
  const all = cases();

  for (const c of all) {
    it(`rejects every single-bit flip of the text of a ${c.name}`, () => {
      expect(must(ratchetDecrypt(c.state, c.envelope)).plaintext.length).toBeGreaterThan(0); // control
      const n = expectAllRejected(textFlips(c.envelope), (t) => ratchetDecrypt(c.state, t));
      expect(n).toBe(c.envelope.length * 8);
    });

    it(`rejects every single-bit flip of the payload of a ${c.name}`, () => {
      const n = expectAllRejected(payloadFlips(c.envelope), (t) => ratchetDecrypt(c.state, t));
      expect(n).toBe(payloadOf(c.envelope).length * 8);
    });

    it(`rejects every truncation and several extensions of a ${c.name}`, () => {
      const text = c.envelope;
      const payload = payloadOf(text);
      const body = text.slice(0, -1);
      const inputs = [
        ...Array.from({ length: text.length }, (_, len) => text.slice(0, len)),
        ...Array.from({ length: payload.length }, (_, len) =>
          wrapPayload(payload.subarray(0, len)),
        ),
        `${text}A`,
        `${text}.`,
        `${text}${text}`,
        `${text} ${text}`,
        `${body}A.`,
        `${body}AA.`,
        `${body}AAAA.`,
        `hello ${text}`,
        `x${text}`,
        `${text}\nmore`,
        wrapPayload(Uint8Array.from([...payload, 0])),
        wrapPayload(Uint8Array.from([...payload, ...new Uint8Array(16)])),
      ];
      expect(expectAllRejected(inputs, (t) => ratchetDecrypt(c.state, t))).toBe(
        text.length + payload.length + 12,
      );
    });
  }

  it('rejects bit flips of an init envelope at a responder without a session (sampled: 2 bits of every 16th byte)', () => {
    const p = connect();
    const positions = Array.from({ length: payloadOf(p.init).length }, (_, i) => i).filter(
      (i) => i % 16 === 0,
    );
    const flips = [...payloadFlips(p.init, positions)].filter((_, k) => k % 8 === 0 || k % 8 === 5);
    const n = expectAllRejected(flips, (t) =>
      respondToSession(p.alice.identity, p.alice.ring, t, { now: NOW }),
    );
    expect(n).toBe(2 * positions.length);
  });

  it('rejects bit flips of an invite: one per byte (rotating bit), one per 4 bytes inside the ML-KEM key', () => {
    const alice = party(1);
    const payload = payloadOf(createInvite(alice.identity, alice.ring.current, ''));
    const kemStart = 2 + 165;
    const kemEnd = kemStart + 1184;
    const flips: string[] = [];
    for (let i = 0; i < payload.length; i++) {
      if (i >= kemStart && i < kemEnd && i % 4 !== 0) continue;
      const copy = payload.slice();
      copy[i] = copy[i]! ^ (1 << (i % 8));
      flips.push(wrapPayload(copy));
    }
    expectAllRejected(flips, readInvite, ['BAD_MAC', 'MALFORMED', 'VERSION_TOO_NEW']);
  });
});

describe('cross-conversation and reflection', () => {
  it('refuses an envelope of conversation A in session B', () => {
    const one = connect(1, 2);
    const two = connect(3, 4);
    const m = send(one.a, 'for one', one.alice.rng);
    expect(codeOf(ratchetDecrypt(two.b, m.envelope))).toBe('UNKNOWN_SESSION');
    expect(codeOf(ratchetDecrypt(two.a, m.envelope))).toBe('UNKNOWN_SESSION');
    // Rewriting the session id to B's does not help: the keys differ.
    const payload = payloadOf(m.envelope);
    payload.set(fromHex(two.b.sessionId)!, 2);
    expect(codeOf(ratchetDecrypt(two.b, wrapPayload(payload)))).toBe('BAD_MAC');
  });

  it('refuses an envelope from an earlier session between the same two people', () => {
    const first = connect(1, 2);
    const second = connect(1, 2, 7); // same identities and prekey, fresh randomness: new session
    expect(second.a.sessionId).not.toBe(first.a.sessionId);
    const m = send(first.a, 'old', first.alice.rng);
    expect(codeOf(ratchetDecrypt(second.b, m.envelope))).toBe('UNKNOWN_SESSION');
  });

  it('refuses a message reflected back to its sender', () => {
    const p = connect();
    const m = send(p.a, 'to bob', p.alice.rng);
    expect(codeOf(ratchetDecrypt(m.state, m.envelope))).toBe('BAD_MAC');
    expect(codeOf(ratchetDecrypt(p.b, p.init))).toBe('BAD_MAC');
  });
});

describe('headers bound to their message', () => {
  // Payload of a message: 01 03 | session id (8) | nonce (24) | sealed header (56) | body.
  const NONCE_AT = 10;
  const HEADER_AT = NONCE_AT + 24;
  const BODY_AT = HEADER_AT + 56;

  it('refuses a genuine nonce and sealed header grafted onto another message of the chain', () => {
    const p = connect();
    const m1 = send(p.a, 'one', p.alice.rng);
    const m2 = send(m1.state, 'two', p.alice.rng);
    const donor = payloadOf(m2.envelope);
    const target = payloadOf(m1.envelope);
    // m2's header opens under the chain's header key (the receiver takes the slow path: the
    // body is not the next message's), but it does not belong to m1's body.
    const grafted = target.slice();
    grafted.set(donor.subarray(NONCE_AT, BODY_AT), NONCE_AT);
    expect(codeOf(ratchetDecrypt(p.b, wrapPayload(grafted)))).toBe('BAD_MAC');
    // m2's body behind m1's nonce and header, once m1 was received: the body fails as the next
    // message, and the header names message 0, whose key is spent.
    const [b1] = receive(p.b, m1.envelope, p.bob.rng);
    const swapped = donor.slice();
    swapped.set(target.subarray(NONCE_AT, BODY_AT), NONCE_AT);
    expect(codeOf(ratchetDecrypt(b1, wrapPayload(swapped)))).toBe('REPLAY');
    expect(dec(must(ratchetDecrypt(b1, m2.envelope)).plaintext)).toBe('two');
    // A sealed header alone, under another message's nonce, does not open at all.
    const headerOnly = target.slice();
    headerOnly.set(donor.subarray(HEADER_AT, BODY_AT), HEADER_AT);
    expect(codeOf(ratchetDecrypt(p.b, wrapPayload(headerOnly)))).toBe('BAD_MAC');
    // m2's header re-sealed under the chain's own header key (what only a peer could do),
    // same nonce, claiming message 5, at a receiver whose next message is m2: it opens, but
    // the body's associated data covers the sealed header, so neither the next-message key
    // (the body-first path) nor message 5's key accepts m2's body.
    const header = new Uint8Array(40);
    header.set(p.a.dhsPublic);
    header[39] = 5;
    const resealed = donor.slice();
    resealed.set(sealBox(p.a.hks!, donor.subarray(NONCE_AT, HEADER_AT), header), HEADER_AT);
    expect(codeOf(ratchetDecrypt(b1, wrapPayload(resealed)))).toBe('BAD_MAC');
    // Untouched, both still decrypt: the failures above come from the grafts.
    const [b2] = receive(p.b, m2.envelope, p.bob.rng);
    receive(b2, m1.envelope, p.bob.rng);
  });
});

describe('replay', () => {
  it('detects a replay in the current chain, of a skipped message, and from a finished chain', () => {
    const p = connect();
    let { a, b } = p;
    const m1 = send(a, 'one', p.alice.rng);
    a = m1.state;
    const m2 = send(a, 'two', p.alice.rng);
    a = m2.state;
    [b] = receive(b, m2.envelope, p.bob.rng);
    expect(codeOf(ratchetDecrypt(b, m2.envelope))).toBe('REPLAY');
    [b] = receive(b, m1.envelope, p.bob.rng);
    expect(codeOf(ratchetDecrypt(b, m1.envelope))).toBe('REPLAY');
    // Finish the chain with a round trip; old messages are still recognised as replays.
    const r = send(b, 'turn', p.bob.rng);
    [a] = receive(a, r.envelope, p.alice.rng);
    const m3 = send(a, 'three', p.alice.rng);
    [b] = receive(b, m3.envelope, p.bob.rng);
    expect(codeOf(ratchetDecrypt(b, m1.envelope))).toBe('REPLAY');
    expect(codeOf(ratchetDecrypt(b, m2.envelope))).toBe('REPLAY');
  });

  it('treats a replayed init envelope as a replay once the session exists', () => {
    const p = connect();
    expect(codeOf(ratchetDecrypt(p.a, p.init))).toBe('REPLAY');
  });
});
