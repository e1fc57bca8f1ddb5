/**
 * Whether a row's text may be a Sotto envelope, without parsing it: the content script only
 * needs to know which rows to hide at once (no flash of ciphertext) and hand to the vault.
 * Mirrors the marker in lib/crypto/constants.ts (`SOTTO<version>.`); the vault decides.
 */
const ENVELOPE_MARKER = /SOTTO\d{1,6}\./;

export function mayBeEnvelope(text: string): boolean {
  return ENVELOPE_MARKER.test(text);
}
