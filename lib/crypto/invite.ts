/**
 * Invites: one line carrying our bundle, after a note for people who do not have Sotto.
 * The note is not authenticated (the host can rewrite it); only the bundle is.
 */
import { type Bundle, decodeBundle, encodeBundle, makeBundle } from './bundle';
import { MAX_INVITE_NOTE } from './constants';
import { unwrapPayload, wrapPayload } from './envelope';
import { fail, ok, type Result } from './errors';
import type { Identity } from './identity';
import { encodeInvitePayload, parsePayload } from './payload';
import type { SignedPrekey } from './prekeys';

/** The note used when the caller gives none. */
export const DEFAULT_INVITE_NOTE =
  'Sotto invite: I would like to move this chat to end-to-end encryption. Install the Sotto browser extension to accept.';

/** A decoded invite: a verified bundle and the (unauthenticated) note. */
export interface Invite {
  readonly bundle: Bundle;
  readonly note: string;
}

/**
 * Writes an invite line for our identity and prekey. RangeError if the note is longer than
 * MAX_INVITE_NOTE, has surrounding whitespace or a line break, or contains a marker.
 */
export function createInvite(
  identity: Identity,
  prekey: SignedPrekey,
  note: string = DEFAULT_INVITE_NOTE,
): string {
  if (
    note.length > MAX_INVITE_NOTE ||
    note !== note.trim() ||
    /[\r\n\u2028\u2029\u0085]/.test(note) ||
    /SOTTO\d/.test(note)
  ) {
    throw new RangeError(
      'createInvite: the note must be one trimmed line of at most 280 characters without a marker',
    );
  }
  return wrapPayload(encodeInvitePayload(encodeBundle(makeBundle(identity, prekey))), note);
}

/** Reads an invite line: MALFORMED unless it is one, VERSION_TOO_NEW, or BAD_MAC for a bad signature. */
export function readInvite(text: string): Result<Invite> {
  const unwrapped = unwrapPayload(text);
  if (!unwrapped.ok) return unwrapped;
  const parsed = parsePayload(unwrapped.value.payload);
  if (!parsed.ok) return parsed;
  if (parsed.value.type !== 'invite') return fail('MALFORMED', 'not an invite');
  const bundle = decodeBundle(parsed.value.bundle);
  if (!bundle.ok) return bundle;
  return ok({ bundle: bundle.value, note: unwrapped.value.note });
}
