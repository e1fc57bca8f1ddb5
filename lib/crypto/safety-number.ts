/**
 * Safety numbers, after Signal's numeric fingerprints: 30 digits per identity, the two
 * halves in ascending order, so both people see the same 60 digits. Any change of either
 * identity key changes the number.
 *
 *   h0     = SHA-512(0x00 0x01 | IKsig | IKdh | "sotto/v1/safety-number")
 *   h(i+1) = SHA-512(h(i) | IKsig | IKdh)           5200 times
 *   half   = for each of the first six 5-byte groups of h: (u40 BE mod 100000), 5 digits
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes';
import {
  ED25519_KEY,
  LABEL_SAFETY,
  SAFETY_ITERATIONS,
  SAFETY_QR_PREFIX,
  X25519_KEY,
} from './constants';
import { fail, ok, type Result } from './errors';
import type { PublicIdentity } from './identity';

type IdentityKeys = Pick<PublicIdentity, 'signingKey' | 'dhKey'>;

function checkKeys(id: IdentityKeys): Uint8Array {
  if (!(id.signingKey instanceof Uint8Array) || id.signingKey.length !== ED25519_KEY) {
    throw new RangeError('safetyNumber: signingKey must be 32 bytes');
  }
  if (!(id.dhKey instanceof Uint8Array) || id.dhKey.length !== X25519_KEY) {
    throw new RangeError('safetyNumber: dhKey must be 32 bytes');
  }
  return concatBytes(id.signingKey, id.dhKey);
}

/** The 30-digit half of the safety number contributed by one identity. */
export function fingerprintDigits(id: IdentityKeys): string {
  const key = checkKeys(id);
  let h = sha512(concatBytes(Uint8Array.of(0, 1), key, LABEL_SAFETY));
  const buf = new Uint8Array(64 + key.length);
  buf.set(key, 64);
  for (let i = 0; i < SAFETY_ITERATIONS; i++) {
    buf.set(h, 0);
    h = sha512(buf);
  }
  let digits = '';
  for (let g = 0; g < 6; g++) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 256 + (h[5 * g + j] as number);
    digits += String(v % 100000).padStart(5, '0');
  }
  return digits;
}

/** The 60-digit safety number of a pair: the same whichever order the identities are given. */
export function safetyNumber(a: IdentityKeys, b: IdentityKeys): string {
  const x = fingerprintDigits(a);
  const y = fingerprintDigits(b);
  return x < y ? x + y : y + x;
}

/** Groups a safety number for display: twelve groups of five digits. */
export function formatSafetyNumber(digits: string): string {
  return digits.replace(/(\d{5})(?=\d)/g, '$1 ');
}

/** The QR payload for a pair: "SOTTO-SAFETY:1:" and the 60 digits (QR alphanumeric mode). */
export function safetyQrPayload(a: IdentityKeys, b: IdentityKeys): string {
  return SAFETY_QR_PREFIX + safetyNumber(a, b);
}

/**
 * Compares a scanned QR payload with the pair's own: ok(true) if they match, ok(false) if
 * they differ (keys differ: do not mark verified), VERSION_TOO_NEW or MALFORMED if it is not
 * a version-1 Sotto payload.
 */
export function compareSafetyQr(
  scanned: string,
  a: IdentityKeys,
  b: IdentityKeys,
): Result<boolean> {
  if (typeof scanned !== 'string') return fail('MALFORMED', 'not a string');
  const m = /^SOTTO-SAFETY:(\d{1,6}):(\d{60})$/.exec(scanned.trim());
  if (!m) return fail('MALFORMED', 'not a Sotto safety-number code');
  const version = Number(m[1]);
  if (version > 1) return fail('VERSION_TOO_NEW', 'safety number from a newer version');
  if (m[1] !== '1') return fail('MALFORMED', 'bad safety-number version');
  return ok(m[2] === safetyNumber(a, b));
}
