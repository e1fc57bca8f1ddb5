import { describe, expect, it } from 'vitest';
import {
  createInvite,
  exportIdentity,
  exportPrekeyRing,
  exportSession,
  importIdentity,
  importPrekeyRing,
  importSession,
  initiateSession,
  inspectEnvelope,
  PREKEY_GRACE_MS,
  publicIdentity,
  ratchetDecrypt,
  ratchetEncrypt,
  readInvite,
  respondToSession,
  rotatePrekeys,
  splitEnvelope,
} from '../../../lib/crypto';
import { codeOf, connect, dec, enc, must, NOW, party, receive, rngFrom, send } from './helpers';

describe('invite → accept → conversation', () => {
  it('carries a long alternating conversation (every message a DH step)', () => {
    const p = connect();
    let { a, b } = p;
    for (let i = 0; i < 60; i++) {
      const fromA = send(a, `a${i}`, p.alice.rng);
      a = fromA.state;
      let text: string;
      [b, text] = receive(b, fromA.envelope, p.bob.rng);
      expect(text).toBe(`a${i}`);
      const fromB = send(b, `b${i}`, p.bob.rng);
      b = fromB.state;
      [a, text] = receive(a, fromB.envelope, p.alice.rng);
      expect(text).toBe(`b${i}`);
    }
    expect(a.skipped).toHaveLength(0);
    expect(b.skipped).toHaveLength(0);
  });

  it('carries long one-sided runs in both directions, with turns in between', () => {
    const p = connect();
    let { a, b } = p;
    for (let turn = 0; turn < 4; turn++) {
      for (let i = 0; i < 150; i++) {
        const m = send(a, `a${turn}.${i}`, p.alice.rng);
        a = m.state;
        let text: string;
        [b, text] = receive(b, m.envelope, p.bob.rng);
        expect(text).toBe(`a${turn}.${i}`);
      }
      for (let i = 0; i < 150; i++) {
        const m = send(b, `b${turn}.${i}`, p.bob.rng);
        b = m.state;
        let text: string;
        [a, text] = receive(a, m.envelope, p.alice.rng);
        expect(text).toBe(`b${turn}.${i}`);
      }
    }
  });

  it('sends init envelopes until the first reply, and any of them starts the session', () => {
    const alice = party(1);
    const bob = party(2);
    const invite = must(readInvite(createInvite(alice.identity, alice.ring.current)));
    let b = must(initiateSession(bob.identity, invite.bundle, { rng: bob.rng })).state;
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = send(b, `m${i}`, bob.rng);
      b = m.state;
      sent.push(m.envelope);
      const info = must(inspectEnvelope(m.envelope));
      expect(info.kind).toBe('init');
    }
    // The first two are lost; the third alone starts the session.
    const answered = must(
      respondToSession(alice.identity, alice.ring, sent[2]!, { now: NOW, rng: alice.rng }),
    );
    expect(dec(answered.plaintext)).toBe('m2');
    let a = answered.state;
    // The late ones arrive afterwards and decrypt through the existing session.
    let text: string;
    [a, text] = receive(a, sent[0]!, alice.rng);
    expect(text).toBe('m0');
    [a, text] = receive(a, sent[1]!, alice.rng);
    expect(text).toBe('m1');
    // Alice replies; Bob's next message is a plain message.
    const reply = send(a, 'hi', alice.rng);
    [b, text] = receive(b, reply.envelope, bob.rng);
    expect(text).toBe('hi');
    expect(b.pendingInit).toBeNull();
    const next = send(b, 'plain', bob.rng);
    expect(must(inspectEnvelope(next.envelope)).kind).toBe('message');
    expect(receive(reply.state, next.envelope, alice.rng)[1]).toBe('plain');
  });

  it('binds caller associated data', () => {
    const p = connect();
    const ad = enc('conversation 42');
    const m = ratchetEncrypt(p.a, enc('x'), { ad, rng: p.alice.rng });
    expect(codeOf(ratchetDecrypt(p.b, m.envelope, { rng: p.bob.rng }))).toBe('BAD_MAC');
    expect(
      codeOf(ratchetDecrypt(p.b, m.envelope, { ad: enc('conversation 43'), rng: p.bob.rng })),
    ).toBe('BAD_MAC');
    expect(dec(must(ratchetDecrypt(p.b, m.envelope, { ad, rng: p.bob.rng })).plaintext)).toBe('x');
  });

  it('binds all of a long caller associated data, before and after shorter ones', () => {
    const p = connect();
    // Longer than the buffer the body's associated data is first assembled in, so it grows;
    // the last byte differs, which a truncated copy would not notice.
    const long = new Uint8Array(3000).fill(7);
    const longOther = long.slice();
    longOther[longOther.length - 1] = 8;
    const short = enc('c');
    const m1 = ratchetEncrypt(p.a, enc('one'), { ad: long, rng: p.alice.rng });
    const m2 = ratchetEncrypt(m1.state, enc('two'), { ad: short, rng: p.alice.rng });
    expect(codeOf(ratchetDecrypt(p.b, m1.envelope, { ad: longOther, rng: p.bob.rng }))).toBe(
      'BAD_MAC',
    );
    const r1 = must(ratchetDecrypt(p.b, m1.envelope, { ad: long, rng: p.bob.rng }));
    expect(dec(r1.plaintext)).toBe('one');
    expect(codeOf(ratchetDecrypt(r1.state, m2.envelope, { rng: p.bob.rng }))).toBe('BAD_MAC');
    expect(
      dec(must(ratchetDecrypt(r1.state, m2.envelope, { ad: short, rng: p.bob.rng })).plaintext),
    ).toBe('two');
  });

  it('returns states and plaintexts that later calls leave alone (no view of a reused buffer)', () => {
    const p = connect();
    const q = connect(3, 4);
    // Out of order, so Bob's state holds a skipped key, and a DH step, so every field is set.
    const m1 = ratchetEncrypt(p.a, enc('first'), { rng: p.alice.rng });
    const m2 = ratchetEncrypt(m1.state, enc('second'), { rng: p.alice.rng });
    const r2 = must(ratchetDecrypt(p.b, m2.envelope, { rng: p.bob.rng }));
    const reply = ratchetEncrypt(r2.state, enc('reply'), { rng: p.bob.rng });
    const ra = must(ratchetDecrypt(m2.state, reply.envelope, { rng: p.alice.rng }));
    const kept = [r2.state, reply.state, ra.state].map((s) => structuredClone(exportSession(s)));
    const plaintexts = [r2.plaintext, ra.plaintext].map((t) => t.slice());
    // Other sessions' messages, of other sizes, through the same code.
    let { a, b } = q;
    for (const text of ['x', 'y'.repeat(3000), 'z'.repeat(40)]) {
      const m = ratchetEncrypt(a, enc(text), { ad: enc(text), rng: q.alice.rng });
      const r = must(ratchetDecrypt(b, m.envelope, { ad: enc(text), rng: q.bob.rng }));
      a = m.state;
      b = r.state;
    }
    expect([r2.state, reply.state, ra.state].map(exportSession)).toEqual(kept);
    expect([r2.plaintext, ra.plaintext]).toEqual(plaintexts);
    expect(dec(must(ratchetDecrypt(r2.state, m1.envelope, { rng: p.bob.rng })).plaintext)).toBe(
      'first',
    );
  });

  it('is pure: encrypting and decrypting never change the state passed in', () => {
    const p = connect();
    const before = structuredClone(exportSession(p.a));
    const m = send(p.a, 'x', p.alice.rng);
    expect(exportSession(p.a)).toEqual(before);
    const bBefore = structuredClone(exportSession(p.b));
    receive(p.b, m.envelope, p.bob.rng);
    expect(exportSession(p.b)).toEqual(bBefore);
  });

  it('handles empty and maximum-size plaintexts, and refuses larger ones', () => {
    const p = connect();
    const empty = ratchetEncrypt(p.a, new Uint8Array(0), { rng: p.alice.rng });
    expect(must(ratchetDecrypt(p.b, empty.envelope, { rng: p.bob.rng })).plaintext).toHaveLength(0);
    const big = new Uint8Array(64 * 1024).fill(7);
    const m = ratchetEncrypt(empty.state, big, { rng: p.alice.rng });
    expect(must(ratchetDecrypt(p.b, m.envelope, { rng: p.bob.rng })).plaintext).toEqual(big);
    expect(() => ratchetEncrypt(p.a, new Uint8Array(64 * 1024 + 1))).toThrow(RangeError);
  });
});

describe('session start failures', () => {
  it('reports KEY_CHANGED for a bundle or init from an identity other than the pinned one', () => {
    const alice = party(1);
    const bob = party(2);
    const mallory = party(3);
    const bundle = must(readInvite(createInvite(alice.identity, alice.ring.current))).bundle;
    expect(
      codeOf(
        initiateSession(bob.identity, bundle, { expectedSigningKey: mallory.identity.signingKey }),
      ),
    ).toBe('KEY_CHANGED');
    expect(
      codeOf(
        initiateSession(bob.identity, bundle, { expectedSigningKey: alice.identity.signingKey }),
      ),
    ).toBe('OK');
    const started = must(initiateSession(mallory.identity, bundle, { rng: mallory.rng }));
    const init = send(started.state, 'I am Bob', mallory.rng).envelope;
    const r = respondToSession(alice.identity, alice.ring, init, {
      now: NOW,
      expectedSigningKey: bob.identity.signingKey,
    });
    expect(codeOf(r)).toBe('KEY_CHANGED');
    const accepted = must(respondToSession(alice.identity, alice.ring, init, { now: NOW }));
    expect(accepted.theirIdentity.signingKey).toEqual(mallory.identity.signingKey);
  });

  it('reports UNKNOWN_PREKEY once a rotated prekey has left its grace period', () => {
    const alice = party(1);
    const bob = party(2);
    const oldBundle = must(readInvite(createInvite(alice.identity, alice.ring.current))).bundle;
    const init = send(
      must(initiateSession(bob.identity, oldBundle, { rng: bob.rng })).state,
      'hi',
      bob.rng,
    ).envelope;
    const rotated = rotatePrekeys(alice.ring, alice.identity, NOW + 1000, alice.rng);
    expect(rotated.current.id).toBe(2);
    // Inside the grace period the old prekey still works.
    const inGrace = respondToSession(alice.identity, rotated, init, { now: NOW + PREKEY_GRACE_MS });
    expect(codeOf(inGrace)).toBe('OK');
    const late = respondToSession(alice.identity, rotated, init, {
      now: NOW + 1000 + PREKEY_GRACE_MS,
    });
    expect(codeOf(late)).toBe('UNKNOWN_PREKEY');
    // Another rotation after the grace period deletes it for good.
    const twice = rotatePrekeys(rotated, alice.identity, NOW + 2000 + PREKEY_GRACE_MS, alice.rng);
    expect(twice.retired.map((r) => r.prekey.id)).toEqual([2]);
  });

  it('refuses our own bundle and our own init', () => {
    const alice = party(1);
    const bundle = must(readInvite(createInvite(alice.identity, alice.ring.current))).bundle;
    expect(codeOf(initiateSession(alice.identity, bundle))).toBe('MALFORMED');
  });

  it('answers a plain message without a session with UNKNOWN_SESSION, and an invite with MALFORMED', () => {
    const p = connect();
    const m = send(p.a, 'x', p.alice.rng);
    const carol = party(4);
    expect(codeOf(respondToSession(carol.identity, carol.ring, m.envelope, { now: NOW }))).toBe(
      'UNKNOWN_SESSION',
    );
    const invite = createInvite(carol.identity, carol.ring.current);
    expect(codeOf(respondToSession(p.alice.identity, p.alice.ring, invite, { now: NOW }))).toBe(
      'MALFORMED',
    );
    expect(codeOf(ratchetDecrypt(p.a, invite))).toBe('MALFORMED');
  });

  it('rejects an init addressed to someone else', () => {
    const p = connect();
    const carol = party(4);
    const r = respondToSession(carol.identity, carol.ring, p.init, { now: NOW });
    // Carol's prekey happens to share the id; her keys give a different session id.
    expect(codeOf(r)).toBe('BAD_MAC');
  });
});

describe('invites', () => {
  it('fits in one part at the x.com limit of 10,000 characters, with its note first', () => {
    const alice = party(1);
    const invite = createInvite(alice.identity, alice.ring.current);
    expect(invite.length).toBeLessThan(2100);
    expect(splitEnvelope(invite, 10_000)).toEqual([invite]);
    const read = must(readInvite(invite));
    expect(read.note).toMatch(/^Sotto invite/);
    expect(read.bundle.identity.signingKey).toEqual(alice.identity.signingKey);
  });

  it('takes a custom note and refuses notes that would break the line', () => {
    const alice = party(1);
    const invite = createInvite(
      alice.identity,
      alice.ring.current,
      'Let us talk privately — ünïcødé ok',
    );
    expect(must(readInvite(invite)).note).toBe('Let us talk privately — ünïcødé ok');
    expect(must(readInvite(createInvite(alice.identity, alice.ring.current, ''))).note).toBe('');
    for (const bad of ['two\nlines', ' padded', 'x'.repeat(281), 'see SOTTO1.']) {
      expect(() => createInvite(alice.identity, alice.ring.current, bad)).toThrow(RangeError);
    }
  });
});

describe('storage', () => {
  it('round-trips a session exactly through structured clone, and it keeps working', () => {
    const p = connect();
    let { a, b } = p;
    // Create skipped keys and old header keys so every field is populated.
    const skippedMsg = send(a, 'skipped', p.alice.rng);
    a = skippedMsg.state;
    const m = send(a, 'seen', p.alice.rng);
    a = m.state;
    [b] = receive(b, m.envelope, p.bob.rng);
    const r = send(b, 'r', p.bob.rng);
    b = r.state;
    [a] = receive(a, r.envelope, p.alice.rng);
    const m2 = send(a, 'again', p.alice.rng);
    [b] = receive(b, m2.envelope, p.bob.rng);
    expect(b.skipped.length).toBe(1);
    expect(b.oldHeaderKeys.length).toBe(1);

    const stored = structuredClone(exportSession(b));
    const restored = must(importSession(stored));
    expect(restored).toEqual(b);
    for (const value of allBytes(restored)) expect(value.byteLength).toBe(value.buffer.byteLength);
    // Same inputs give the same outputs from the original and the restored state.
    const x = ratchetEncrypt(b, enc('same'), { rng: rngFrom(9) });
    const y = ratchetEncrypt(restored, enc('same'), { rng: rngFrom(9) });
    expect(y.envelope).toBe(x.envelope);
    expect(exportSession(y.state)).toEqual(exportSession(x.state));
    expect(receive(restored, skippedMsg.envelope, p.bob.rng)[1]).toBe('skipped');
  });

  it('rejects corrupt or future session records with typed errors', () => {
    const p = connect();
    const good = exportSession(p.a) as unknown as Record<string, unknown>;
    const cases: [unknown, string][] = [
      [null, 'MALFORMED'],
      [[], 'MALFORMED'],
      ['session', 'MALFORMED'],
      [{ ...good, v: 2 }, 'VERSION_TOO_NEW'],
      [{ ...good, v: 0 }, 'MALFORMED'],
      [{ ...good, rk: new Uint8Array(31) }, 'MALFORMED'],
      [{ ...good, rk: Array.from(p.a.rk) }, 'MALFORMED'],
      [{ ...good, ns: -1 }, 'MALFORMED'],
      [{ ...good, ns: 1.5 }, 'MALFORMED'],
      [{ ...good, sessionId: 'ZZ' }, 'MALFORMED'],
      [{ ...good, role: 'admin' }, 'MALFORMED'],
      [{ ...good, skipped: [{ hk: new Uint8Array(32), n: 1 }] }, 'MALFORMED'],
      [{ ...good, cks: null }, 'MALFORMED'],
      [{ ...good, skipped: undefined }, 'MALFORMED'],
    ];
    for (const [record, code] of cases) expect(codeOf(importSession(record))).toBe(code);
  });

  it('round-trips identities and prekey rings, and rejects corrupt ones', () => {
    const alice = party(1);
    const ring = rotatePrekeys(alice.ring, alice.identity, NOW + 1, alice.rng);
    expect(must(importIdentity(structuredClone(exportIdentity(alice.identity))))).toEqual(
      alice.identity,
    );
    expect(must(importPrekeyRing(structuredClone(exportPrekeyRing(ring))))).toEqual(ring);
    expect(codeOf(importIdentity({ ...alice.identity, dhKey: new Uint8Array(3) }))).toBe(
      'MALFORMED',
    );
    expect(codeOf(importIdentity({ ...alice.identity, v: 7 }))).toBe('VERSION_TOO_NEW');
    expect(codeOf(importPrekeyRing({ ...ring, retired: [{ prekey: {}, retiredAt: 0 }] }))).toBe(
      'MALFORMED',
    );
    expect(publicIdentity(alice.identity)).not.toHaveProperty('signingSecret');
  });
});

function* allBytes(value: unknown): Generator<Uint8Array> {
  if (value instanceof Uint8Array) yield value;
  else if (Array.isArray(value)) for (const v of value) yield* allBytes(v);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) yield* allBytes(v);
}
