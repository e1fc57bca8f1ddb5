import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  canonicalJson,
  decodeValue,
  encodeValue,
} from '../../../lib/store/codec';

const storable = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('codec', () => {
  it('round-trips every storable value, including Uint8Array and "$" keys', () => {
    fc.assert(
      fc.property(storable, (value) => {
        expect(decodeValue(encodeValue(value))).toEqual(value);
      }),
    );
  });

  it('is deterministic: key order does not change the encoding', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer(), { maxKeys: 8 }), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(dict));
      }),
    );
    expect(canonicalJson({ b: 1, a: [true, null], c: new Uint8Array([1, 2]) })).toBe(
      '{"a":[true,null],"b":1,"c":{"$b":"AQI="}}',
    );
  });

  it('keeps a user key that looks like a tag apart from real bytes', () => {
    const tricky = { $b: 'AQI=', $$x: 1, __proto__x: 2 };
    const back = decodeValue(encodeValue(tricky)) as Record<string, unknown>;
    expect(back).toEqual(tricky);
    expect(back.$b).toBe('AQI=');
    const proto = JSON.parse('{"__proto__": {"polluted": true}}');
    const decoded = decodeValue(encodeValue(proto)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('decodes Buffer-like subclasses to plain Uint8Array and drops undefined members', () => {
    const value = decodeValue(encodeValue({ a: Buffer.from([9, 8]), gone: undefined }));
    expect(value).toEqual({ a: new Uint8Array([9, 8]) });
    expect(Object.getPrototypeOf((value as { a: Uint8Array }).a)).toBe(Uint8Array.prototype);
  });

  it.each([
    ['NaN', { n: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['bigint', { n: 1n }],
    ['Date', { d: new Date(0) }],
    ['Map', new Map()],
    ['class instance', new (class Foo {})()],
    ['function', { f: () => 1 }],
    ['undefined in array', [1, undefined]],
    ['hole in array', new Array(3)],
    ['other typed array', { u: new Uint16Array(2) }],
  ])('refuses %s without quoting the value', (_name, value) => {
    expect(() => encodeValue(value)).toThrow(TypeError);
    try {
      encodeValue({ secret: 'hunter2', bad: value });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });

  it('refuses cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => encodeValue(a)).toThrow(/cycle/);
  });

  it('refuses unknown tags and bad base64 when decoding', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(() => decodeValue(enc('{"$x":1}'))).toThrow(TypeError);
    expect(() => decodeValue(enc('{"$b":"not base64!"}'))).toThrow(TypeError);
    expect(() => decodeValue(enc('{"$b":1}'))).toThrow(TypeError);
  });

  it('base64 round-trips large arrays', () => {
    const big = new Uint8Array(200_000).map((_, i) => i * 7);
    expect(Buffer.from(base64ToBytes(bytesToBase64(big))).equals(Buffer.from(big))).toBe(true);
  });
});
