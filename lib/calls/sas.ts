/**
 * The short authentication string both people see: 5 emoji from HKDF-SHA-256 over both DTLS
 * fingerprints and both identity keys, in caller-then-callee order. Reading them aloud and
 * getting the same five proves nobody sits between the two browsers (30 bits: an attacker
 * gets one try per call).
 */
import { concatBytes, utf8Encode } from '../crypto/bytes';
import { hkdfSha256 } from '../crypto/primitives';
import { type DtlsFingerprint, fingerprintText } from './sdp';

export const SAS_INFO = utf8Encode('sotto/v1/call-sas');

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

export const SAS_LENGTH = 5;

export interface SasParty {
  identityKey: Uint8Array;
  fingerprint: DtlsFingerprint;
}

/** The same five emoji on both sides of one call. */
export function shortAuthenticationString(
  callId: string,
  caller: SasParty,
  callee: SasParty,
): string[] {
  const ikm = concatBytes(
    caller.identityKey,
    callee.identityKey,
    utf8Encode(`${fingerprintText(caller.fingerprint)}\n${fingerprintText(callee.fingerprint)}`),
  );
  const bytes = hkdfSha256(ikm, utf8Encode(callId), SAS_INFO, 4);
  let bits = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const out: string[] = [];
  for (let i = 0; i < SAS_LENGTH; i++) {
    out.push(SAS_EMOJI[bits & 63]!);
    bits >>>= 6;
  }
  return out;
}
