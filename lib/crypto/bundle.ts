/**
 * The prekey bundle: everything a peer needs to start a session with us, in 1413 bytes.
 *
 *   off  len   field
 *   0    1     version (1)
 *   1    32    IKsig   identity Ed25519 public key
 *   33   32    IKdh    identity X25519 public key
 *   65   64    Ed25519(IKsig, "sotto/v1/identity-dh" || IKdh)
 *   129  4     prekey id, u32 big-endian
 *   133  32    SPK     signed X25519 prekey
 *   165  1184  PQSPK   signed ML-KEM-768 encapsulation key
 *   1349 64    Ed25519(IKsig, "sotto/v1/prekey" || id || SPK || PQSPK)
 */
import { ByteReader, concatBytes, u32be } from './bytes';
import {
  BUNDLE_SIZE,
  ED25519_KEY,
  ED25519_SIG,
  KEM_PUBLIC,
  PROTOCOL_VERSION,
  X25519_KEY,
} from './constants';
import { fail, ok, type Result } from './errors';
import { type Identity, type PublicIdentity, verifyPublicIdentity } from './identity';
import { prekeyMessage, type SignedPrekey } from './prekeys';
import { verify } from './primitives';

/** A peer's public identity and signed prekeys. */
export interface Bundle {
  readonly identity: PublicIdentity;
  readonly prekeyId: number;
  readonly prekeyDh: Uint8Array;
  readonly prekeyKem: Uint8Array;
  readonly prekeySignature: Uint8Array;
}

/** Our public bundle for the given prekey. */
export function makeBundle(identity: Identity, prekey: SignedPrekey): Bundle {
  return {
    identity: {
      signingKey: identity.signingKey.slice(),
      dhKey: identity.dhKey.slice(),
      dhSignature: identity.dhSignature.slice(),
    },
    prekeyId: prekey.id,
    prekeyDh: prekey.dhKey.slice(),
    prekeyKem: prekey.kemKey.slice(),
    prekeySignature: prekey.signature.slice(),
  };
}

/** Serialises a bundle to its 1413-byte form (TypeError/RangeError on wrong field sizes). */
export function encodeBundle(bundle: Bundle): Uint8Array {
  const { identity: id } = bundle;
  const fields: [Uint8Array, number, string][] = [
    [id.signingKey, ED25519_KEY, 'signingKey'],
    [id.dhKey, X25519_KEY, 'dhKey'],
    [id.dhSignature, ED25519_SIG, 'dhSignature'],
    [bundle.prekeyDh, X25519_KEY, 'prekeyDh'],
    [bundle.prekeyKem, KEM_PUBLIC, 'prekeyKem'],
    [bundle.prekeySignature, ED25519_SIG, 'prekeySignature'],
  ];
  for (const [value, length, name] of fields) {
    if (!(value instanceof Uint8Array)) throw new TypeError(`bundle.${name}: expected Uint8Array`);
    if (value.length !== length) throw new RangeError(`bundle.${name}: expected ${length} bytes`);
  }
  return concatBytes(
    Uint8Array.of(PROTOCOL_VERSION),
    id.signingKey,
    id.dhKey,
    id.dhSignature,
    u32be(bundle.prekeyId),
    bundle.prekeyDh,
    bundle.prekeyKem,
    bundle.prekeySignature,
  );
}

/** True if both signatures in the bundle verify under its identity signing key. */
export function verifyBundle(bundle: Bundle): boolean {
  return (
    verifyPublicIdentity(bundle.identity) &&
    bundle.prekeyDh.length === X25519_KEY &&
    bundle.prekeyKem.length === KEM_PUBLIC &&
    Number.isInteger(bundle.prekeyId) &&
    bundle.prekeyId >= 0 &&
    bundle.prekeyId <= 0xffffffff &&
    verify(
      bundle.prekeySignature,
      prekeyMessage(bundle.prekeyId, bundle.prekeyDh, bundle.prekeyKem),
      bundle.identity.signingKey,
    )
  );
}

/**
 * Parses and verifies a bundle. MALFORMED for a wrong size or version 0, VERSION_TOO_NEW
 * for a later version, BAD_MAC if a signature does not verify.
 */
export function decodeBundle(bytes: Uint8Array): Result<Bundle> {
  if (!(bytes instanceof Uint8Array) || bytes.length < 1) return fail('MALFORMED', 'empty bundle');
  const version = bytes[0] as number;
  if (version > PROTOCOL_VERSION) return fail('VERSION_TOO_NEW', 'bundle from a newer version');
  if (version !== PROTOCOL_VERSION) return fail('MALFORMED', 'bad bundle version');
  if (bytes.length !== BUNDLE_SIZE) return fail('MALFORMED', 'bad bundle length');
  const r = new ByteReader(bytes.subarray(1));
  const signingKey = r.take(ED25519_KEY);
  const dhKey = r.take(X25519_KEY);
  const dhSignature = r.take(ED25519_SIG);
  const prekeyId = r.u32();
  const prekeyDh = r.take(X25519_KEY);
  const prekeyKem = r.take(KEM_PUBLIC);
  const prekeySignature = r.take(ED25519_SIG);
  const bundle: Bundle = {
    identity: { signingKey, dhKey, dhSignature },
    prekeyId,
    prekeyDh,
    prekeyKem,
    prekeySignature,
  };
  if (!verifyBundle(bundle)) return fail('BAD_MAC', 'bundle signature does not verify');
  return ok(bundle);
}
