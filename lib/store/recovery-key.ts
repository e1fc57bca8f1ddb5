/**
 * Backup recovery keys: 128 random bits plus a 32-bit checksum, written as 32 Crockford base32
 * symbols in 8 groups of 4 ("7K3M-…"). Parsing forgives case, spaces, hyphens and the usual
 * look-alikes (O→0, I/L→1) and rejects any other typo by the checksum before anything is
 * decrypted (a random typo slips through with probability 2^-32).
 */

import { concatBytes, utf8ToBytes } from '@noble/ciphers/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { StoreError } from './errors';
import { type RandomSource, randomBytes, sameBytes } from './seal';

/** Bytes of secret in a recovery key (128 bits). */
export const RECOVERY_SECRET_LENGTH = 16;
const CHECKSUM_LENGTH = 4;
const SYMBOLS = 32;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function checksum(secret: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8ToBytes('sotto/recovery-key/v1'), secret)).subarray(
    0,
    CHECKSUM_LENGTH,
  );
}

/** A fresh random recovery secret. */
export function generateRecoverySecret(random: RandomSource): Uint8Array {
  return randomBytes(random, RECOVERY_SECRET_LENGTH);
}

/** The recovery key text for a secret: "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX". */
export function formatRecoveryKey(secret: Uint8Array): string {
  if (secret.length !== RECOVERY_SECRET_LENGTH) throw new StoreError('INTERNAL');
  const bytes = concatBytes(secret, checksum(secret));
  let symbols = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      symbols += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return symbols.match(/.{4}/g)!.join('-');
}

/** The secret in a typed recovery key; BACKUP_KEY_TYPO if it is malformed or fails its checksum. */
export function parseRecoveryKey(text: string): Uint8Array {
  if (typeof text !== 'string') throw new StoreError('BACKUP_KEY_TYPO');
  const cleaned = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== SYMBOLS) throw new StoreError('BACKUP_KEY_TYPO');
  const bytes = new Uint8Array(RECOVERY_SECRET_LENGTH + CHECKSUM_LENGTH);
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (const symbol of cleaned) {
    const value = ALPHABET.indexOf(symbol);
    if (value < 0) throw new StoreError('BACKUP_KEY_TYPO');
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  const secret = bytes.slice(0, RECOVERY_SECRET_LENGTH);
  if (!sameBytes(checksum(secret), bytes.subarray(RECOVERY_SECRET_LENGTH))) {
    throw new StoreError('BACKUP_KEY_TYPO');
  }
  return secret;
}
