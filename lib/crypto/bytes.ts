/**
 * Byte helpers: concatenation, fixed-width integers, constant-time comparison, strict
 * base64url, UTF-8 and hex. Nothing cryptographic lives here.
 *
 * Decoders return `null` on bad input instead of throwing, so parsers above them can turn
 * every failure into a typed `MALFORMED` result.
 */

/** Concatenates byte arrays into one fresh array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Compares two byte arrays; time depends only on the length, not on where they differ. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Encodes an unsigned 32-bit integer big-endian. Throws RangeError outside [0, 2^32). */
export function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new RangeError('u32be: expected an integer in [0, 2^32)');
  }
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/**
 * Writes an unsigned 32-bit integer big-endian at `offset` (the caller checks the length).
 * Throws RangeError outside [0, 2^32), like {@link u32be}.
 */
export function writeU32be(bytes: Uint8Array, offset: number, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new RangeError('writeU32be: expected an integer in [0, 2^32)');
  }
  bytes[offset] = n >>> 24;
  bytes[offset + 1] = (n >>> 16) & 0xff;
  bytes[offset + 2] = (n >>> 8) & 0xff;
  bytes[offset + 3] = n & 0xff;
}

/** Reads an unsigned 32-bit big-endian integer at `offset` (the caller checks the length). */
export function readU32be(bytes: Uint8Array, offset: number): number {
  return (
    (((bytes[offset] as number) << 24) |
      ((bytes[offset + 1] as number) << 16) |
      ((bytes[offset + 2] as number) << 8) |
      (bytes[offset + 3] as number)) >>>
    0
  );
}

// ---------------------------------------------------------------------------------------
// base64url (RFC 4648 §5), no padding, canonical only.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ENCODE = new Uint8Array(64);
/** 12 bits -> their two characters, as a little-endian u16 (first character in the low byte). */
const ENCODE_PAIR = new Uint16Array(4096);
/** Byte -> sextet, or -1 for a byte outside the alphabet. */
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  const c = ALPHABET.charCodeAt(i);
  ENCODE[i] = c;
  DECODE[c] = i;
}
// The pair table is written through a Uint16Array view, so its byte order is the platform's.
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
for (let i = 0; i < 4096; i++) {
  const first = ENCODE[i >>> 6] as number;
  const second = ENCODE[i & 63] as number;
  ENCODE_PAIR[i] = LITTLE_ENDIAN ? first | (second << 8) : (first << 8) | second;
}

/** Number of base64url characters (unpadded) that encode `n` bytes. */
export function base64urlLength(n: number): number {
  return Math.floor(n / 3) * 4 + [0, 2, 3][n % 3]!;
}

const asciiDecoder = new TextDecoder();
const asciiEncoder = new TextEncoder();

/** Encodes bytes as unpadded base64url. */
export function base64urlEncode(bytes: Uint8Array): string {
  const n = bytes.length;
  const length = base64urlLength(n);
  // Whole groups of 3 bytes become two 2-character pairs, written as u16s (the buffer is
  // rounded up to whole u16s and the string taken from its first `length` bytes).
  const buffer = new ArrayBuffer(length + (length & 1));
  const out = new Uint8Array(buffer, 0, length);
  const pairs = new Uint16Array(buffer);
  const full = n - (n % 3);
  let p = 0;
  let i = 0;
  for (; i < full; i += 3) {
    const v =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    pairs[p++] = ENCODE_PAIR[v >>> 12] as number;
    pairs[p++] = ENCODE_PAIR[v & 4095] as number;
  }
  let o = 2 * p;
  const rest = n - i;
  if (rest === 1) {
    const v = bytes[i] as number;
    out[o++] = ENCODE[v >>> 2] as number;
    out[o++] = ENCODE[(v & 3) << 4] as number;
  } else if (rest === 2) {
    const v = ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    out[o++] = ENCODE[v >>> 10] as number;
    out[o++] = ENCODE[(v >>> 4) & 63] as number;
    out[o++] = ENCODE[(v & 15) << 2] as number;
  }
  return asciiDecoder.decode(out);
}

/**
 * Decodes unpadded base64url `text[start, end)`. Returns null for any character outside the
 * alphabet, a length of 1 mod 4, or non-zero unused trailing bits (so every byte string has
 * exactly one accepted encoding).
 */
export function base64urlDecode(text: string, start = 0, end = text.length): Uint8Array | null {
  return base64urlDecodeAt(text, start, end, 0);
}

/**
 * {@link base64urlDecode}, returning a view that starts `lead` (0..3) bytes into a fresh
 * buffer, so the caller can choose which decoded offsets are 4-byte aligned (noble's
 * ciphers copy unaligned nonces before use).
 */
export function base64urlDecodeAt(
  text: string,
  start: number,
  end: number,
  lead: number,
): Uint8Array | null {
  const len = end - start;
  if (len < 0 || len % 4 === 1) return null;
  // The characters as bytes. Any character outside ASCII takes 2-3 UTF-8 bytes (a lone
  // surrogate becomes U+FFFD, 3 bytes), so "all `len` read and exactly `len` written" means
  // every character was ASCII; the table below rejects ASCII outside the alphabet.
  const chars = new Uint8Array(len);
  const { read, written } = asciiEncoder.encodeInto(
    start === 0 && end === text.length ? text : text.slice(start, end),
    chars,
  );
  if (read !== len || written !== len) return null;
  const size = Math.floor(len / 4) * 3 + [0, 0, 1, 2][len % 4]!;
  const out = new Uint8Array(new ArrayBuffer(lead + size), lead, size);
  const full = len - (len % 4);
  let bad = 0;
  let o = 0;
  let i = 0;
  for (; i < full; i += 4) {
    const a = DECODE[chars[i] as number] as number;
    const b = DECODE[chars[i + 1] as number] as number;
    const c = DECODE[chars[i + 2] as number] as number;
    const d = DECODE[chars[i + 3] as number] as number;
    bad |= a | b | c | d;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  if (bad < 0) return null;
  const rest = len - i;
  if (rest === 2) {
    const a = DECODE[chars[i] as number] as number;
    const b = DECODE[chars[i + 1] as number] as number;
    if ((a | b) < 0 || (b & 15) !== 0) return null;
    out[o++] = (a << 2) | (b >>> 4);
  } else if (rest === 3) {
    const a = DECODE[chars[i] as number] as number;
    const b = DECODE[chars[i + 1] as number] as number;
    const c = DECODE[chars[i + 2] as number] as number;
    if ((a | b | c) < 0 || (c & 3) !== 0) return null;
    const v = (a << 10) | (b << 4) | (c >>> 2);
    out[o++] = v >>> 8;
    out[o++] = v & 0xff;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// UTF-8 and hex

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encodes a string as UTF-8 (lone surrogates become U+FFFD). */
export function utf8Encode(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Decodes UTF-8; returns null for invalid UTF-8 instead of inserting replacement characters. */
export function utf8Decode(bytes: Uint8Array): string | null {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}

/** Parses even-length hex (either case); returns null on anything else. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Sequential reader over bytes whose total length the caller has already checked. */
export class ByteReader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  /** A copy of the next `n` bytes. */
  take(n: number): Uint8Array {
    const start = this.offset;
    return this.bytes.slice(start, this.advance(n));
  }
  /** A view of the next `n` bytes (for transient use only; never store it). */
  view(n: number): Uint8Array {
    const start = this.offset;
    return this.bytes.subarray(start, this.advance(n));
  }
  /** The next big-endian u32. */
  u32(): number {
    const v = readU32be(this.bytes, this.offset);
    this.advance(4);
    return v;
  }
  /** A view of everything left. */
  rest(): Uint8Array {
    const start = this.offset;
    this.offset = this.bytes.length;
    return this.bytes.subarray(start);
  }
  private advance(n: number): number {
    this.offset += n;
    return this.offset;
  }
}
