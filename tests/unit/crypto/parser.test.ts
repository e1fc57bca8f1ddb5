import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64urlDecode,
  base64urlEncode,
  createInvite,
  inspectEnvelope,
  joinParts,
  looksLikeEnvelope,
  type Result,
  readInvite,
  splitEnvelope,
} from '../../../lib/crypto';
import { Scratch } from '../../../lib/crypto/bytes';
import { parseText, unwrapPayload, wrapPayload } from '../../../lib/crypto/envelope';
import { parsePayload } from '../../../lib/crypto/payload';
import { codeOf, connect, must, party, send } from './helpers';
import { hygieneProblem } from './hygiene';

const RUNS = 300;
/** Smaller than some payloads below, so both of its paths are taken. */
const scratch = new Scratch(128);

/** Asserts a value is a well-formed Result whose error (if any) is hygienic. */
function expectTyped(r: Result<unknown>): void {
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) expect(hygieneProblem(r.error)).toBeNull();
}

/** A payload-shaped byte string: version 1, a message type, arbitrary rest. */
const payloadArb = fc
  .tuple(fc.constantFrom(1, 2, 3), fc.uint8Array({ minLength: 0, maxLength: 6000 }))
  .map(([type, rest]) => Uint8Array.from([1, type, ...rest]));

describe('base64url', () => {
  it('round-trips any bytes and matches Node’s encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = base64urlEncode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(base64urlDecode(text)).toEqual(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('writes text around the encoding, at any length (below and above its reused buffer)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 20000 }),
        fc.constantFrom('', 'S', 'SOTTO1.'),
        fc.constantFrom('', '.', '..'),
        (bytes, before, after) => {
          const text = base64urlEncode(bytes, before, after);
          expect(text).toBe(before + Buffer.from(bytes).toString('base64url') + after);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('accepts exactly one encoding per byte string (non-canonical tails, padding, other alphabets refused)', () => {
    expect(base64urlDecode('QQ')).toEqual(Uint8Array.of(0x41));
    expect(base64urlDecode('QR')).toBeNull(); // unused bits set
    expect(base64urlDecode('QUI')).toEqual(Uint8Array.of(0x41, 0x42));
    expect(base64urlDecode('QUJ')).toBeNull();
    // Non-ASCII units whose low 7 bits are the letter 'A' (Á is 0xC1, Ł 0x141, U+FF41 a
    // full-width 'a') must not decode as it: their ASCII twins are valid encodings.
    for (const twin of ['QUJA', 'QA', 'QUA']) expect(base64urlDecode(twin)).not.toBeNull();
    for (const bad of [
      'Q',
      'QQ==',
      'QQ=',
      'a+b/',
      'ab c',
      'abé',
      'abc\n',
      'QUJ\u00c1',
      'Q\u0141',
      'QU\uff41',
      '\ud83d\ude00AA',
    ])
      expect(base64urlDecode(bad)).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const bytes = base64urlDecode(text);
        if (bytes) expect(base64urlEncode(bytes)).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('envelope text parser', () => {
  it('never throws and never returns a partial result for arbitrary text', () => {
    const markerish = fc
      .tuple(
        fc.string({ maxLength: 10 }),
        fc.constantFrom(
          'SOTTO1.',
          'SOTTO2.',
          'SOTTO0.',
          'SOTTO01.',
          'SOTTO999999.',
          'SOTTO1',
          'sotto1.',
        ),
        fc
          .base64String({ maxLength: 200 })
          .map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')),
        fc.constantFrom('.', '', '..', '. ', ' x'),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), markerish), (text) => {
        for (const r of [
          parseText(text),
          inspectEnvelope(text),
          joinParts([text]),
          readInvite(text),
        ]) {
          expectTyped(r as Result<unknown>);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('round-trips any payload through the text layer, ignoring surrounding whitespace', () => {
    fc.assert(
      fc.property(payloadArb, fc.constantFrom('', ' ', '\n', '\t '), (payload, pad) => {
        const text = wrapPayload(payload);
        expect(looksLikeEnvelope(text)).toBe(true);
        expect(text).toMatch(/^SOTTO1\.[A-Za-z0-9_-]+\.$/);
        expect(must(unwrapPayload(pad + text + pad)).payload).toEqual(payload);
        expect(must(unwrapPayload(pad + text + pad, scratch)).payload).toEqual(payload);
      }),
      { numRuns: RUNS },
    );
  });

  it('decodes into a scratch only until its next use, and anything over its size afresh', () => {
    const small = wrapPayload(Uint8Array.of(1, 3, 1, 2, 3));
    const other = wrapPayload(Uint8Array.of(1, 3, 9, 9, 9));
    const large = wrapPayload(new Uint8Array(200).fill(5));
    const first = must(unwrapPayload(small, scratch)).payload;
    must(unwrapPayload(other, scratch));
    expect(first).toEqual(Uint8Array.of(1, 3, 9, 9, 9));
    const big = must(unwrapPayload(large, scratch)).payload;
    must(unwrapPayload(small, scratch));
    expect(big).toEqual(new Uint8Array(200).fill(5));
  });

  it('types its failures: VERSION_TOO_NEW for later versions, MALFORMED otherwise', () => {
    const good = wrapPayload(Uint8Array.of(1, 3, 0, 0, 0));
    expect(codeOf(parseText(good.replace('SOTTO1.', 'SOTTO2.')))).toBe('VERSION_TOO_NEW');
    expect(codeOf(parseText(good.replace('SOTTO1.', 'SOTTO0.')))).toBe('MALFORMED');
    expect(codeOf(parseText(good.replace('SOTTO1.', 'SOTTO01.')))).toBe('MALFORMED');
    expect(codeOf(parsePayload(Uint8Array.of(2, 3)))).toBe('VERSION_TOO_NEW');
    expect(codeOf(parsePayload(Uint8Array.of(0, 3)))).toBe('MALFORMED');
    expect(codeOf(parsePayload(Uint8Array.of(1, 9, 0, 0)))).toBe('MALFORMED');
    expect(codeOf(parseText(''))).toBe('MALFORMED');
    expect(codeOf(parseText('SOTTO1.'))).toBe('MALFORMED');
    expect(codeOf(parseText('SOTTO1..'))).toBe('MALFORMED');
    expect(codeOf(parseText('SOTTO1.AAEDAA'))).toBe('MALFORMED'); // no terminator
    expect(codeOf(parseText('see:SOTTO1.AAEDAA.'))).toBe('MALFORMED'); // marker inside a word
  });

  it('allows a note only before an invite (or before part 1 of one)', () => {
    const alice = party(1);
    const invite = createInvite(alice.identity, alice.ring.current, 'hi there');
    expect(must(readInvite(invite)).note).toBe('hi there');
    const p = connect();
    const m = send(p.a, 'x', p.alice.rng).envelope;
    expect(codeOf(inspectEnvelope(`hi there ${m}`))).toBe('MALFORMED');
    const parts = splitEnvelope(invite, 400);
    expect(parts[0]!.startsWith('hi there SOTTO1.')).toBe(true);
    expect(codeOf(inspectEnvelope(`note ${parts[1]!}`))).toBe('MALFORMED');
    expect(must(readInvite(must(joinParts(parts.slice().reverse())))).note).toBe('hi there');
  });
});

describe('split and join', () => {
  it('splits any envelope under any limit and joins the parts in any order, with duplicates', () => {
    fc.assert(
      fc.property(
        payloadArb,
        fc.integer({ min: 64, max: 3000 }),
        fc.integer(),
        (payload, limit, seed) => {
          const envelope = wrapPayload(payload);
          const parts = splitEnvelope(envelope, limit);
          for (const part of parts) expect(part.length).toBeLessThanOrEqual(limit);
          if (envelope.length <= limit) expect(parts).toEqual([envelope]);
          else expect(parts.length).toBeGreaterThan(1);
          const duplicate = parts.length > 1 ? [parts[seed & 1]!] : [];
          const shuffled = shuffle([...parts, ...duplicate], seed);
          expect(must(joinParts(shuffled))).toBe(envelope);
          for (const part of parts.length > 1 ? parts : []) {
            const info = must(inspectEnvelope(part));
            expect(info.kind).toBe('part');
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses missing, mixed, conflicting and stray parts with MALFORMED', () => {
    const one = wrapPayload(
      Uint8Array.from({ length: 900 }, (_, i) => (i === 0 ? 1 : i === 1 ? 3 : i & 255)),
    );
    const two = wrapPayload(
      Uint8Array.from({ length: 900 }, (_, i) => (i === 0 ? 1 : i === 1 ? 3 : (i * 7) & 255)),
    );
    const a = splitEnvelope(one, 200);
    const b = splitEnvelope(two, 200);
    expect(a.length).toBe(b.length);
    expect(codeOf(joinParts(a.slice(1)))).toBe('MALFORMED');
    expect(codeOf(joinParts([b[0]!, ...a.slice(1)]))).toBe('MALFORMED');
    expect(codeOf(joinParts([...a, one]))).toBe('MALFORMED');
    expect(codeOf(joinParts([]))).toBe('MALFORMED');
    // A part whose chunk was altered (re-encoded validly) no longer hashes to its id.
    const frameBytes = base64urlDecode(a[1]!.slice('SOTTO1.'.length, -1))!;
    frameBytes[frameBytes.length - 1] = frameBytes[frameBytes.length - 1]! ^ 1;
    const forged = `SOTTO1.${base64urlEncode(frameBytes)}.`;
    expect(codeOf(joinParts([a[0]!, forged, ...a.slice(2)]))).toBe('MALFORMED');
    // A conflicting duplicate of the same index.
    expect(codeOf(joinParts([...a, forged]))).toBe('MALFORMED');
  });

  it('refuses limits that cannot work', () => {
    const envelope = wrapPayload(new Uint8Array(5000).fill(3).fill(1, 0, 1));
    expect(() => splitEnvelope(envelope, 63)).toThrow(RangeError);
    expect(() => splitEnvelope('not an envelope', 1000)).toThrow(RangeError);
    expect(() => splitEnvelope(wrapPayload(new Uint8Array(60_000).fill(1)), 64)).toThrow(
      RangeError,
    );
  });
});

function shuffle<T>(items: T[], seed: number): T[] {
  let x = seed >>> 0 || 1;
  for (let i = items.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
