/**
 * Fingerprint binding: once media connects, each side signs, with its identity key, the call
 * id, its own DTLS fingerprint (from its local SDP) and the peer's as it saw it (in the remote
 * SDP). Each checks the other's signed view against its own: a signaling server that put
 * itself in the middle has swapped at least one fingerprint, so the views differ.
 */
import { base64urlDecode, base64urlEncode, concatBytes, utf8Encode } from '../crypto/bytes';
import { sign, verify } from '../crypto/primitives';
import { type DtlsFingerprint, fingerprintText } from './sdp';

export const BINDING_LABEL = utf8Encode('sotto/v1/call-binding');

export interface BindingView {
  callId: string;
  /** The signer's own fingerprint (from its local description). */
  own: DtlsFingerprint;
  /** The peer's fingerprint as the signer saw it (in its remote description). */
  peer: DtlsFingerprint;
}

function lengthPrefixed(text: string): Uint8Array {
  const bytes = utf8Encode(text);
  return concatBytes(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes);
}

/** The exact bytes signed: label ‖ call id ‖ own ‖ peer, each length-prefixed. */
export function bindingMessage(view: BindingView): Uint8Array {
  return concatBytes(
    BINDING_LABEL,
    lengthPrefixed(view.callId),
    lengthPrefixed(fingerprintText(view.own)),
    lengthPrefixed(fingerprintText(view.peer)),
  );
}

/** Our signed view, as base64url text for the data connection. */
export function signBinding(view: BindingView, signingSecret: Uint8Array): string {
  return base64urlEncode(sign(bindingMessage(view), signingSecret));
}

/**
 * Checks the peer's signature against what *we* saw: from their side, "own" is the fingerprint
 * in our remote description and "peer" is ours. True only if their view equals ours.
 */
export function verifyBinding(signature: unknown, peerKey: Uint8Array, ours: BindingView): boolean {
  if (typeof signature !== 'string' || signature.length > 200) return false;
  const bytes = base64urlDecode(signature);
  if (!bytes) return false;
  const theirs: BindingView = { callId: ours.callId, own: ours.peer, peer: ours.own };
  return verify(bytes, bindingMessage(theirs), peerKey);
}
