/**
 * Deterministic serialiser for sealed values: canonical JSON (object keys sorted by UTF-16 code
 * units, no whitespace) extended with `Uint8Array` as `{"$b":"<base64>"}`. Object keys that start
 * with "$" are escaped by doubling it, so no user key can be mistaken for a tag.
 *
 * Accepted: null, booleans, finite numbers (-0 becomes 0), strings, arrays without holes, plain
 * objects (prototype Object.prototype or null; `undefined` members are dropped, as in JSON) and
 * Uint8Array (subclasses such as Buffer decode as plain Uint8Array). Anything else (undefined in
 * an array, NaN, bigint, Date, Map, class instances, cycles) is refused: a TypeError naming the
 * path of keys, never the value.
 */

import { bytesToUtf8, utf8ToBytes } from '@noble/ciphers/utils.js';

const BYTES_TAG = '$b';

/** Encode a value canonically as a JSON string. */
export function canonicalJson(value: unknown): string {
  return encode(value, '$', new Set());
}

/** Encode a value canonically as UTF-8 bytes. */
export function encodeValue(value: unknown): Uint8Array {
  return utf8ToBytes(canonicalJson(value));
}

function encode(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`non-finite number at ${path}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`unsupported ${typeof value} at ${path}`);
  }
  if (value instanceof Uint8Array) return `{"${BYTES_TAG}":"${bytesToBase64(value)}"}`;
  if (seen.has(value)) throw new TypeError(`cycle at ${path}`);
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || value[i] === undefined)
        throw new TypeError(`undefined at ${path}[${i}]`);
      parts.push(encode(value[i], `${path}[${i}]`, seen));
    }
    out = `[${parts.join(',')}]`;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      throw new TypeError(`non-plain object at ${path}`);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      const encodedKey = key.startsWith('$') ? `$${key}` : key;
      parts.push(`${JSON.stringify(encodedKey)}:${encode(member, `${path}.${key}`, seen)}`);
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(value);
  return out;
}

/** Decode bytes written by `encodeValue`. Throws TypeError on anything it would not have written. */
export function decodeValue(bytes: Uint8Array): unknown {
  return revive(JSON.parse(bytesToUtf8(bytes)));
}

function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(revive);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === BYTES_TAG) {
    const data = record[BYTES_TAG];
    if (typeof data !== 'string') throw new TypeError('bad bytes tag');
    return base64ToBytes(data);
  }
  // Object.fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(
    keys.map((key) => {
      if (key.startsWith('$')) {
        if (!key.startsWith('$$')) throw new TypeError('unknown tag');
        return [key.slice(1), revive(record[key])];
      }
      return [key, revive(record[key])];
    }),
  );
}

const CHUNK = 0x8000;

/** Standard base64 (with padding) of bytes. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** Bytes of standard base64; throws TypeError on anything else. */
export function base64ToBytes(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new TypeError('bad base64');
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Unpadded base64url of bytes (for record ids). */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
