/**
 * Identifiers and short human strings.
 *
 * Message ids:
 * - A message that decrypted (or that we sent) is stored under `messageIdOf(envelope)`: the
 *   hex SHA-256 of the canonical whole envelope text (parts joined, surrounding whitespace
 *   and note spacing normalised by `lib/crypto`'s parser). The same envelope re-rendered
 *   anywhere maps to the same id without decrypting again.
 * - A failure depends on where the envelope was seen (an envelope shown in the wrong
 *   conversation, or under the wrong direction, must not poison the genuine row), so an
 *   error is stored under `errorIdOf(conversation, direction, messageId)`.
 * - Our own invite is the same text in every conversation we post it to (same bundle, same
 *   note), so each conversation's copy is stored under `ownInviteIdOf(conversation, id)`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, utf8Encode } from '../crypto';

function hashHex(text: string): string {
  return toHex(sha256(utf8Encode(text)));
}

/** The id of a message: hex SHA-256 of its canonical whole envelope. */
export function messageIdOf(canonicalEnvelope: string): string {
  return hashHex(canonicalEnvelope);
}

/** The id of the error record for an envelope seen in one conversation under one direction. */
export function errorIdOf(
  conversationId: string,
  direction: 'in' | 'out',
  messageId: string,
): string {
  return hashHex(`sotto/vault/v1/error\u0000${conversationId}\u0000${direction}\u0000${messageId}`);
}

/** The id of our own invite as posted in one conversation. */
export function ownInviteIdOf(conversationId: string, messageId: string): string {
  return hashHex(`sotto/vault/v1/own-invite\u0000${conversationId}\u0000${messageId}`);
}

/**
 * A short human string for an identity signing key: 80 bits of
 * SHA-256("sotto/vault/v1/fingerprint" | key), as five groups of four hex digits. For
 * recognising a key at a glance; safety numbers are what verifies.
 */
export function fingerprintOf(signingKey: Uint8Array): string {
  const label = utf8Encode('sotto/vault/v1/fingerprint');
  const input = new Uint8Array(label.length + signingKey.length);
  input.set(label);
  input.set(signingKey, label.length);
  const hex = toHex(sha256(input).subarray(0, 10));
  return hex.match(/.{4}/g)!.join(' ');
}

const HANDLE_RE = /^[a-z0-9_]{1,50}$/;

/** "@Alice" → "alice"; null if it is not handle-shaped (letters, digits, underscore). */
export function normaliseHandle(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const h = input.trim().replace(/^@/, '').toLowerCase();
  return HANDLE_RE.test(h) ? h : null;
}

/** A conversation id as the host gives it: non-empty, bounded, no control characters. */
export function validConversationId(input: unknown): input is string {
  if (typeof input !== 'string' || input.length === 0 || input.length > 200) return false;
  for (let i = 0; i < input.length; i++) {
    if (input.charCodeAt(i) < 0x20 || input.charCodeAt(i) === 0x7f) return false;
  }
  return true;
}
