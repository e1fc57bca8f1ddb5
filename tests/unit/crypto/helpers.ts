/** Shared fixtures for the crypto tests: deterministic parties and sessions. */
import {
  createIdentity,
  createInvite,
  createPrekeyRing,
  type Identity,
  initiateSession,
  type PrekeyRing,
  type RandomSource,
  type Result,
  ratchetDecrypt,
  ratchetEncrypt,
  readInvite,
  respondToSession,
  type SessionState,
  utf8Decode,
  utf8Encode,
} from '../../../lib/crypto';
import { deterministicRandom } from '../../../lib/crypto/random';

export const NOW = Date.UTC(2025, 0, 1);

/** A deterministic rng from a one-byte label. */
export function rngFrom(label: number): RandomSource {
  return deterministicRandom(new Uint8Array(32).fill(label));
}

export interface Party {
  identity: Identity;
  ring: PrekeyRing;
  rng: RandomSource;
}

/** A party with deterministic keys. */
export function party(label: number): Party {
  const rng = rngFrom(label);
  const identity = createIdentity(rng);
  return { identity, ring: createPrekeyRing(identity, NOW, rng), rng };
}

/** Unwraps a result or fails the test with its error code. */
export function must<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.reason}`);
  return r.value;
}

/** The error code of a failed result, or 'OK'. */
export function codeOf(r: Result<unknown>): string {
  return r.ok ? 'OK' : r.error.code;
}

export const enc = utf8Encode;
export function dec(b: Uint8Array): string {
  const s = utf8Decode(b);
  if (s === null) throw new Error('not utf-8');
  return s;
}

export interface Pair {
  /** Inviter = PQXDH responder. */
  alice: Party;
  /** Accepter = PQXDH initiator. */
  bob: Party;
  a: SessionState;
  b: SessionState;
  /** Bob's init envelope (carrying "hello"). */
  init: string;
}

/** Alice invites, Bob accepts and says hello, Alice responds; both sides have a session. */
export function connect(aliceLabel = 1, bobLabel = 2, variant = 0): Pair {
  const alice = party(aliceLabel);
  const bob = party(bobLabel);
  if (variant) {
    // Same identities and prekeys, different session randomness.
    alice.rng = rngFrom(100 + variant);
    bob.rng = rngFrom(200 + variant);
  }
  const invite = must(readInvite(createInvite(alice.identity, alice.ring.current)));
  const started = must(initiateSession(bob.identity, invite.bundle, { rng: bob.rng }));
  const first = ratchetEncrypt(started.state, enc('hello'), { rng: bob.rng });
  const answered = must(
    respondToSession(alice.identity, alice.ring, first.envelope, { now: NOW, rng: alice.rng }),
  );
  if (dec(answered.plaintext) !== 'hello') throw new Error('bad first message');
  return { alice, bob, a: answered.state, b: first.state, init: first.envelope };
}

/** Encrypts `text` from `from` and returns the envelope and the sender's next state. */
export function send(
  state: SessionState,
  text: string,
  rng: RandomSource,
): { state: SessionState; envelope: string } {
  return ratchetEncrypt(state, enc(text), { rng });
}

/** Decrypts and returns [next state, text]; throws with the code on failure. */
export function receive(
  state: SessionState,
  envelope: string,
  rng: RandomSource,
): [SessionState, string] {
  const r = must(ratchetDecrypt(state, envelope, { rng }));
  return [r.state, dec(r.plaintext)];
}
