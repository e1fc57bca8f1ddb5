/**
 * The short authentication string both people see: 8 emoji (48 bits) from HKDF-SHA-256 over
 * both identity keys, both DTLS fingerprints and both signed fingerprint bindings, in
 * caller-then-callee order. Reading them aloud and getting the same eight proves nobody sits
 * between the two browsers. Only a middle that holds both identity keys gets this far (the
 * bindings stop anyone else); it can still choose its own certificate, so it could try many
 * for a match — each try costs it a certificate hash and an Ed25519 signature (the bindings
 * are in the hash), and the call must verify within CALL_SETUP_LIMIT_MS, which puts 2^47
 * tries out of reach. docs/PROTOCOL.md § 12.6 has the reasoning.
 */
import { base64urlDecode, concatBytes, utf8Encode } from '../crypto/bytes';
import { hkdfSha256 } from '../crypto/primitives';
import { type DtlsFingerprint, fingerprintText } from './sdp';

/** v2: eight emoji, and the bindings in the input (v1 was five, over keys and fingerprints). */
export const SAS_INFO = utf8Encode('sotto/v2/call-sas');

/** 64 emoji that are distinct at a glance and easy to name (6 bits each). */
export const SAS_EMOJI = [
  '🐶',
  '🐱',
  '🦁',
  '🐴',
  '🦄',
  '🐷',
  '🐘',
  '🐰',
  '🐼',
  '🐓',
  '🐧',
  '🐢',
  '🐟',
  '🐙',
  '🦋',
  '🌷',
  '🌳',
  '🌵',
  '🍄',
  '🌏',
  '🌙',
  '☁️',
  '🔥',
  '🍌',
  '🍎',
  '🍓',
  '🌽',
  '🍕',
  '🎂',
  '❤️',
  '😀',
  '🤖',
  '🎩',
  '👓',
  '🔧',
  '🎅',
  '👍',
  '☂️',
  '⌛',
  '⏰',
  '🎁',
  '💡',
  '📕',
  '✏️',
  '📎',
  '✂️',
  '🔒',
  '🔑',
  '🔨',
  '☎️',
  '🏁',
  '🚂',
  '🚲',
  '✈️',
  '🚀',
  '🏆',
  '⚽',
  '🎸',
  '🎺',
  '🔔',
  '⚓',
  '🎧',
  '📁',
  '📌',
] as const;

export const SAS_LENGTH = 8;
const SAS_BYTES = (SAS_LENGTH * 6) / 8;

export interface SasParty {
  identityKey: Uint8Array;
  fingerprint: DtlsFingerprint;
  /** The party's signed binding (base64url, as sent in `bind`; lib/calls/binding.ts). */
  binding: string;
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes);
}

function partyBytes(party: SasParty): Uint8Array {
  return concatBytes(
    party.identityKey,
    lengthPrefixed(utf8Encode(fingerprintText(party.fingerprint))),
    lengthPrefixed(base64urlDecode(party.binding) ?? new Uint8Array(0)),
  );
}

/** The same eight emoji on both sides of one call. */
export function shortAuthenticationString(
  callId: string,
  caller: SasParty,
  callee: SasParty,
): string[] {
  const ikm = concatBytes(partyBytes(caller), partyBytes(callee));
  const bytes = hkdfSha256(ikm, utf8Encode(callId), SAS_INFO, SAS_BYTES);
  // A big-endian 48-bit number (exact in a double), six bits at a time from the top.
  let bits = 0;
  for (const byte of bytes) bits = bits * 256 + byte;
  const out: string[] = [];
  for (let i = SAS_LENGTH - 1; i >= 0; i--) {
    out.push(SAS_EMOJI[Math.floor(bits / 2 ** (i * 6)) % 64]!);
  }
  return out;
}
