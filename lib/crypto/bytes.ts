/**
 * Byte helpers: concatenation, fixed-width integers, constant-time comparison, strict
 * base64url, UTF-8 and hex. Nothing cryptographic lives here.
 *
 * Decoders return `null` on bad input instead of throwing, so parsers above them can turn
 * every failure into a typed `MALFORMED` result.
 */

/**
 * A buffer reused for short-lived public bytes (a frame being written or read, a body's
 * associated data, base64url being written): every message would otherwise allocate a fresh
 * ArrayBuffer for each, and in V8 each such allocation (zeroed memory outside the heap, then
 * the collector's bookkeeping for it) costs more than a KDF step. A view from {@link take}
 * is valid until the next `take` on the same scratch; requests over `max` bytes get a fresh
 * buffer, so one large message does not pin its size in memory. Never for secrets.
 */
export class Scratch {
  #buffer: ArrayBuffer | null = null;
  constructor(readonly max: number) {}
  /** `length` bytes starting `lead` bytes into a buffer (the caller picks the alignment); contents unspecified. */
  take(length: number, lead = 0): Uint8Array {
    if (lead + length > this.max) {
      return new Uint8Array(new ArrayBuffer(lead + length), lead, length);
    }
    this.#buffer ??= new ArrayBuffer(this.max);
    return new Uint8Array(this.#buffer, lead, length);
  }
}

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
/** ASCII code -> sextet, or -1 for a character outside the alphabet. */
const DECODE = new Int32Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  const c = ALPHABET.charCodeAt(i);
  ENCODE[i] = c;
  DECODE[c] = i;
}
/** Two ASCII codes (first << 7 | second) -> their 12 bits, or -1 if either is outside the alphabet. */
const DECODE_PAIR = new Int16Array(128 * 128).fill(-1);
for (let a = 0; a < 64; a++) {
  for (let b = 0; b < 64; b++) DECODE_PAIR[(ENCODE[a]! << 7) | ENCODE[b]!] = (a << 6) | b;
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
/** Where base64url is written before it becomes a string (an even offset, for the pairs). */
const encodeScratch = new Scratch(32 * 1024);
/** Where base64url text is copied as bytes before it is decoded. */
const charScratch = new Scratch(32 * 1024);

/**
 * Encodes bytes as unpadded base64url, optionally between two ASCII strings, as one flat
 * string (an envelope is written in one go, never concatenated from pieces that the parser
 * would then have to copy together again). TypeError for a non-ASCII `before` or `after`.
 */
export function base64urlEncode(bytes: Uint8Array, before = '', after = ''): string {
  const n = bytes.length;
  const length = base64urlLength(n);
  // Whole groups of 3 bytes become two 2-character pairs, written as u16s; `skip` (0 or 1)
  // puts the pairs at an even offset of the buffer, and the string starts after it.
  const skip = before.length & 1;
  const total = before.length + length + after.length;
  const out = encodeScratch.take(skip + total);
  let o = skip;
  o = writeAscii(out, o, before);
  const pairs = new Uint16Array(out.buffer, out.byteOffset + o, (n / 3) << 1);
  const full = n - (n % 3);
  let p = 0;
  let i = 0;
  for (; i < full; i += 3) {
    const v =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    pairs[p++] = ENCODE_PAIR[v >>> 12] as number;
    pairs[p++] = ENCODE_PAIR[v & 4095] as number;
  }
  o += 2 * p;
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
  o = writeAscii(out, o, after);
  return asciiDecoder.decode(out.subarray(skip, o));
}

function writeAscii(out: Uint8Array, at: number, text: string): number {
  let o = at;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c > 127) throw new TypeError('base64urlEncode: expected ASCII around the encoding');
    out[o++] = c;
  }
  return o;
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
 * ciphers copy unaligned nonces before use). With `scratch`, the bytes are decoded into it
 * instead, valid until its next use.
 */
export function base64urlDecodeAt(
  text: string,
  start: number,
  end: number,
  lead: number,
  scratch?: Scratch,
): Uint8Array | null {
  const len = end - start;
  if (len < 0 || len % 4 === 1 || start < 0 || end > text.length) return null;
  const size = (len >>> 2) * 3 + [0, 0, 1, 2][len % 4]!;
  const out = scratch
    ? scratch.take(size, lead)
    : new Uint8Array(new ArrayBuffer(lead + size), lead, size);
  // The characters as bytes, written natively (far faster than charCodeAt one by one). Any
  // character outside ASCII takes more than one byte in UTF-8, so the text then does not fit:
  // `read` or `written` falls short and the decode fails.
  const chars = charScratch.take(len);
  const { read, written } = utf8Encoder.encodeInto(text.slice(start, end), chars);
  if (read !== len || written !== len) return null;
  const full = len - (len % 4);
  // DECODE_PAIR marks pairs with a character outside the alphabet with -1, which `bad` catches.
  let bad = 0;
  let o = 0;
  let i = 0;
  for (; i < full; i += 4) {
    const v =
      ((DECODE_PAIR[((chars[i] as number) << 7) | (chars[i + 1] as number)] as number) << 12) |
      (DECODE_PAIR[((chars[i + 2] as number) << 7) | (chars[i + 3] as number)] as number);
    bad |= v;
    out[o] = v >>> 16;
    out[o + 1] = v >>> 8;
    out[o + 2] = v;
    o += 3;
  }
  const rest = len - i;
  if (rest > 0) {
    const c2 = rest === 3 ? (chars[i + 2] as number) : 65; // 'A': a zero sextet
    const tail =
      ((DECODE[chars[i] as number] as number) << 12) |
      ((DECODE[chars[i + 1] as number] as number) << 6) |
      (DECODE[c2] as number);
    // Canonical only: the bits below the last whole byte must be zero.
    if (tail < 0 || (rest === 2 ? tail & 0x3ff : tail & 0x3) !== 0) return null;
    if (rest === 2) out[o] = tail >>> 10;
    else {
      out[o] = tail >>> 10;
      out[o + 1] = tail >>> 2;
    }
  }
  if (bad < 0) return null;
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
