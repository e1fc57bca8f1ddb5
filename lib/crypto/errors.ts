/**
 * The closed set of failures `lib/crypto` reports, and the result type that carries them.
 *
 * Inputs from the outside world (envelopes, bundles, stored records) never make a public
 * function throw: they yield `{ ok: false, error }`. Programmer errors (a wrong key length
 * passed by our own code, a limit that cannot hold an envelope) throw TypeError or
 * RangeError, as noble does. An error carries a code and a fixed English reason — never
 * plaintext, key bytes, or anything derived from them.
 */

/** Every error code, in a fixed order. */
export const ERROR_CODES = [
  /** The envelope belongs to a session this state is not (or the vault has no session). */
  'UNKNOWN_SESSION',
  /** Authentication failed: an AEAD tag or a signature did not verify. */
  'BAD_MAC',
  /** The message was already decrypted (its key is gone), or is a replay of one. */
  'REPLAY',
  /** Accepting the message would skip more than MAX_SKIP message keys. */
  'TOO_MANY_SKIPPED',
  /** The session start names a prekey this installation no longer (or never) had. */
  'UNKNOWN_PREKEY',
  /** Made by a newer version of Sotto than this one understands. */
  'VERSION_TOO_NEW',
  /** The peer's identity key differs from the one pinned for them. */
  'KEY_CHANGED',
  /** Not a well-formed Sotto text, frame, payload, bundle or stored record. */
  'MALFORMED',
] as const;

/** One of {@link ERROR_CODES}. */
export type CryptoErrorCode = (typeof ERROR_CODES)[number];

/** A failure: a code from the closed set and a fixed, secret-free reason for logs. */
export interface CryptoError {
  readonly code: CryptoErrorCode;
  readonly reason: string;
}

/** Success with a value, or a typed failure. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: CryptoError };

/** Wraps a success value. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failure result; `reason` must be a fixed string, never data. */
export function fail<T = never>(code: CryptoErrorCode, reason: string): Result<T> {
  return { ok: false, error: { code, reason } };
}

/** True if `value` is a {@link CryptoError} with a known code (used by tests and the vault). */
export function isCryptoError(value: unknown): value is CryptoError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; reason?: unknown };
  return (
    typeof v.reason === 'string' &&
    typeof v.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v.code)
  );
}
