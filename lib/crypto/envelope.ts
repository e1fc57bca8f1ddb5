/**
 * The text layer: how a binary payload becomes one line a host site will carry.
 *
 *   envelope = [note " "] "SOTTO" version "." base64url(frame) "."
 *   frame    = 00 payload                                  (whole)
 *            | 01 message-id(8) index(1) total(1) chunk    (part `index` of `total`)
 *
 * The marker is plain upper-case ASCII: it survives copy and paste, Unicode normalisation,
 * and emoji-to-image rewriting (x.com renders emoji as <img>, which would drop a 🔒 from the
 * text the adapter reads); it counts as one character per letter everywhere. The version in
 * the marker covers the text and frame layer; the payload has its own version byte. The
 * final "." lies outside the base64url alphabet, so the end of an envelope is known from
 * the text alone. A note (human text before the marker) is only allowed on invites.
 *
 * Parsers here never throw on input: they return MALFORMED or VERSION_TOO_NEW.
 */

import { base64urlDecodeAt, base64urlEncode, bytesEqual, concatBytes, type Scratch } from './bytes';
import {
  FRAME_PART,
  FRAME_WHOLE,
  MARKER,
  MAX_INVITE_NOTE,
  MAX_PARTS,
  PART_HEADER,
  PART_ID,
  PAYLOAD_INVITE,
  TERMINATOR,
  TEXT_VERSION,
} from './constants';
import { fail, ok, type Result } from './errors';
import { looksLikeEnvelope, MARKER_RE } from './marker';
import { hash256 } from './primitives';

/** A decoded frame. */
export type Frame =
  | { readonly kind: 'whole'; readonly payload: Uint8Array }
  | {
      readonly kind: 'part';
      readonly messageId: Uint8Array;
      readonly index: number;
      readonly total: number;
      readonly chunk: Uint8Array;
    };

/** A parsed envelope line: the untrusted human note before the marker, and the frame. */
export interface ParsedText {
  readonly note: string;
  readonly frame: Frame;
}

const LINE_BREAK_RE = /[\r\n\u2028\u2029\u0085]/;

export { looksLikeEnvelope };

/** Writes one envelope line for the given frame bytes. */
export function encodeFrameText(frame: Uint8Array, note = ''): string {
  const text = base64urlEncode(frame, MARKER, TERMINATOR);
  return note ? `${note} ${text}` : text;
}

/** Writes a whole-frame envelope line for a payload. */
export function wrapPayload(payload: Uint8Array, note = ''): string {
  return encodeFrameText(concatBytes(Uint8Array.of(FRAME_WHOLE), payload), note);
}

/**
 * Parses one envelope line (surrounding whitespace ignored) into its note and frame. With
 * `scratch`, the frame is decoded into it: a whole frame's payload is then valid only until
 * the scratch's next use (parts are copied out either way).
 */
export function parseText(input: string, scratch?: Scratch): Result<ParsedText> {
  if (typeof input !== 'string') return fail('MALFORMED', 'not a string');
  const text = input.trim();
  const m = MARKER_RE.exec(text);
  if (!m) return fail('MALFORMED', 'no marker');
  const digits = m[1] as string;
  if (digits.startsWith('0')) return fail('MALFORMED', 'bad text version');
  if (Number(digits) > TEXT_VERSION) return fail('VERSION_TOO_NEW', 'text from a newer version');
  const noteWithSpace = text.slice(0, m.index);
  let note = '';
  if (noteWithSpace.length > 0) {
    if (!noteWithSpace.endsWith(' ')) return fail('MALFORMED', 'marker inside a word');
    note = noteWithSpace.slice(0, -1).trim();
    if (note.length === 0 || note.length > MAX_INVITE_NOTE || LINE_BREAK_RE.test(note)) {
      return fail('MALFORMED', 'bad note');
    }
  }
  const start = m.index + m[0].length;
  const end = text.indexOf(TERMINATOR, start);
  if (end < 0) return fail('MALFORMED', 'no terminator');
  if (end !== text.length - 1) return fail('MALFORMED', 'text after the terminator');
  // Lead 1: a ratchet frame's nonce (frame offset 11, or 1263 in an init) and body (91 or
  // 1343) land 4-byte aligned, which spares noble a copy of the nonce on every use.
  const frame = base64urlDecodeAt(text, start, end, 1, scratch);
  if (!frame || frame.length === 0) return fail('MALFORMED', 'bad base64url');
  const parsed = parseFrame(frame);
  if (!parsed.ok) return parsed;
  if (note && parsed.value.kind === 'part' && parsed.value.index !== 1) {
    return fail('MALFORMED', 'note on a later part');
  }
  if (note && parsed.value.kind === 'whole' && parsed.value.payload[1] !== PAYLOAD_INVITE) {
    return fail('MALFORMED', 'note on a non-invite');
  }
  return ok({ note, frame: parsed.value });
}

function parseFrame(frame: Uint8Array): Result<Frame> {
  const kind = frame[0];
  if (kind === FRAME_WHOLE) {
    if (frame.length < 3) return fail('MALFORMED', 'frame too short');
    // A view into the decoded frame (a fresh buffer, or the caller's scratch).
    return ok({ kind: 'whole', payload: frame.subarray(1) });
  }
  if (kind === FRAME_PART) {
    if (frame.length < PART_HEADER + 1) return fail('MALFORMED', 'part too short');
    const index = frame[1 + PART_ID] as number;
    const total = frame[2 + PART_ID] as number;
    if (total < 2 || index < 1 || index > total) return fail('MALFORMED', 'bad part numbering');
    return ok({
      kind: 'part',
      messageId: frame.slice(1, 1 + PART_ID),
      index,
      total,
      chunk: frame.slice(PART_HEADER),
    });
  }
  return fail('MALFORMED', 'unknown frame kind');
}

/**
 * Parses a whole-frame envelope into its note and payload; parts give MALFORMED. With
 * `scratch`, the payload is a view into it, valid until its next use.
 */
export function unwrapPayload(
  text: string,
  scratch?: Scratch,
): Result<{ note: string; payload: Uint8Array }> {
  const parsed = parseText(text, scratch);
  if (!parsed.ok) return parsed;
  const { frame, note } = parsed.value;
  if (frame.kind !== 'whole') return fail('MALFORMED', 'a part; join the parts first');
  return ok({ note, payload: frame.payload });
}

function partMessageId(payload: Uint8Array): Uint8Array {
  return hash256(payload).slice(0, PART_ID);
}

/**
 * Splits an envelope into lines of at most `limit` UTF-16 code units, each a numbered part
 * (returns `[envelope]` when it already fits). RangeError if `envelope` is not a whole
 * envelope, `limit` < 64, or more than 255 parts would be needed.
 */
export function splitEnvelope(envelope: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < 64)
    throw new RangeError('splitEnvelope: limit must be an integer >= 64');
  const parsed = unwrapPayload(envelope);
  if (!parsed.ok) throw new RangeError('splitEnvelope: not a whole envelope');
  const text = envelope.trim();
  if (text.length <= limit) return [text];
  const { note, payload } = parsed.value;
  const fixed = MARKER.length + TERMINATOR.length;
  const firstRoom = limit - fixed - (note ? note.length + 1 : 0);
  const capacity = (room: number): number => Math.floor((3 * room) / 4) - PART_HEADER;
  const first = capacity(firstRoom);
  const rest = capacity(limit - fixed);
  if (first < 1) throw new RangeError('splitEnvelope: limit too small for the note');
  const total = 1 + Math.ceil(Math.max(0, payload.length - first) / rest);
  if (total > MAX_PARTS) throw new RangeError('splitEnvelope: more than 255 parts needed');
  const id = partMessageId(payload);
  const parts: string[] = [];
  let offset = 0;
  for (let index = 1; index <= total; index++) {
    const size = index === 1 ? first : rest;
    const chunk = payload.subarray(offset, offset + size);
    offset += size;
    const frame = concatBytes(Uint8Array.of(FRAME_PART), id, Uint8Array.of(index, total), chunk);
    const line = encodeFrameText(frame, index === 1 ? note : '');
    // Invariant of the arithmetic above; kept as a guard because callers rely on it.
    if (line.length > limit) throw new RangeError('splitEnvelope: internal size error');
    parts.push(line);
  }
  return parts;
}

/**
 * Reassembles parts (any order; exact duplicates tolerated) into one whole envelope.
 * A single whole envelope is returned as is. MALFORMED if parts are missing, disagree,
 * mix messages, or the joined bytes do not hash to the message id.
 */
export function joinParts(parts: readonly string[]): Result<string> {
  if (!Array.isArray(parts) || parts.length === 0) return fail('MALFORMED', 'no parts');
  const parsed: ParsedText[] = [];
  for (const p of parts) {
    const r = parseText(p);
    if (!r.ok) return r;
    parsed.push(r.value);
  }
  const head = parsed[0] as ParsedText;
  if (head.frame.kind === 'whole') {
    if (parsed.length !== 1) return fail('MALFORMED', 'a whole envelope among parts');
    return ok(wrapPayload(head.frame.payload, head.note));
  }
  const { messageId, total } = head.frame;
  const chunks: (Uint8Array | undefined)[] = new Array(total + 1);
  let note = '';
  for (const { frame, note: n } of parsed) {
    if (frame.kind !== 'part') return fail('MALFORMED', 'a whole envelope among parts');
    if (frame.total !== total || !bytesEqual(frame.messageId, messageId)) {
      return fail('MALFORMED', 'parts of different messages');
    }
    const seen = chunks[frame.index];
    if (seen && !bytesEqual(seen, frame.chunk))
      return fail('MALFORMED', 'conflicting duplicate part');
    chunks[frame.index] = frame.chunk;
    if (frame.index === 1) note = n;
  }
  const ordered: Uint8Array[] = [];
  for (let i = 1; i <= total; i++) {
    const c = chunks[i];
    if (!c) return fail('MALFORMED', 'missing part');
    ordered.push(c);
  }
  const payload = concatBytes(...ordered);
  if (!bytesEqual(partMessageId(payload), messageId))
    return fail('MALFORMED', 'parts do not hash to their id');
  if (payload.length < 2) return fail('MALFORMED', 'payload too short');
  if (note && payload[1] !== PAYLOAD_INVITE) return fail('MALFORMED', 'note on a non-invite');
  return ok(wrapPayload(payload, note));
}
