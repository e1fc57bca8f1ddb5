/**
 * Identity per installation: an Ed25519 signing key and an X25519 key it signs.
 * The Ed25519 public key is what a contact pins; the X25519 key takes part in PQXDH.
 */
import { bytesEqual, concatBytes } from './bytes';
import { ED25519_KEY, ED25519_SIG, LABEL_IDENTITY_DH, X25519_KEY } from './constants';
import { ed25519KeyPair, sign, verify, x25519KeyPair } from './primitives';
import { type RandomSource, systemRandom } from './random';

/** This installation's long-term keys. Plain data; store it sealed. */
export interface Identity {
  readonly v: 1;
  /** Ed25519 seed (RFC 8032 secret key), 32 bytes. */
  readonly signingSecret: Uint8Array;
  /** Ed25519 public key, 32 bytes: the key contacts pin. */
  readonly signingKey: Uint8Array;
  /** X25519 secret, 32 bytes. */
  readonly dhSecret: Uint8Array;
  /** X25519 public key, 32 bytes. */
  readonly dhKey: Uint8Array;
  /** Ed25519(signingSecret, "sotto/v1/identity-dh" || dhKey), 64 bytes. */
  readonly dhSignature: Uint8Array;
}

/** The public half of an identity, as it travels in bundles and init messages. */
export interface PublicIdentity {
  readonly signingKey: Uint8Array;
  readonly dhKey: Uint8Array;
  readonly dhSignature: Uint8Array;
}

/** The bytes the identity signing key signs to vouch for its X25519 key. */
export function identityDhMessage(dhKey: Uint8Array): Uint8Array {
  return concatBytes(LABEL_IDENTITY_DH, dhKey);
}

/** Creates a new identity. Draws 32 bytes (Ed25519 seed) then 32 bytes (X25519 secret). */
export function createIdentity(rng: RandomSource = systemRandom): Identity {
  const signing = ed25519KeyPair(rng);
  const agreement = x25519KeyPair(rng);
  return {
    v: 1,
    signingSecret: signing.secret,
    signingKey: signing.public,
    dhSecret: agreement.secret,
    dhKey: agreement.public,
    dhSignature: sign(identityDhMessage(agreement.public), signing.secret),
  };
}

/** The public half of `identity` (fresh copies). */
export function publicIdentity(identity: Identity): PublicIdentity {
  return {
    signingKey: identity.signingKey.slice(),
    dhKey: identity.dhKey.slice(),
    dhSignature: identity.dhSignature.slice(),
  };
}

/** True if the signing key vouches for the X25519 key (strict Ed25519). */
export function verifyPublicIdentity(id: PublicIdentity): boolean {
  return (
    id.signingKey.length === ED25519_KEY &&
    id.dhKey.length === X25519_KEY &&
    id.dhSignature.length === ED25519_SIG &&
    verify(id.dhSignature, identityDhMessage(id.dhKey), id.signingKey)
  );
}

/** True if both public identities have the same signing and X25519 keys. */
export function sameIdentity(
  a: Pick<PublicIdentity, 'signingKey' | 'dhKey'>,
  b: Pick<PublicIdentity, 'signingKey' | 'dhKey'>,
): boolean {
  return bytesEqual(a.signingKey, b.signingKey) && bytesEqual(a.dhKey, b.dhKey);
}
