/**
 * Protocol constants: version numbers, sizes, KDF/signature labels and limits.
 * docs/PROTOCOL.md is the normative description; keep the two in step.
 */
import { utf8Encode } from './bytes';

/** Version of the binary protocol (payload byte 0, bundle byte 0, session records). */
export const PROTOCOL_VERSION = 1;
/** Version of the text layer, written in the marker (`SOTTO1.`). */
export const TEXT_VERSION = 1;

/** Text marker prefix; the version digits and a `.` follow it. */
export const MARKER_PREFIX = 'SOTTO';
/** The full marker of this version. */
export const MARKER = `${MARKER_PREFIX}${TEXT_VERSION}.`;
/** Ends every envelope; outside the base64url alphabet, so the text is self-delimiting. */
export const TERMINATOR = '.';

// Sizes in bytes.
export const X25519_KEY = 32;
export const ED25519_KEY = 32;
export const ED25519_SIG = 64;
export const KEM_PUBLIC = 1184; // ML-KEM-768 encapsulation key (FIPS 203, Table 3)
export const KEM_SECRET = 2400; // ML-KEM-768 decapsulation key
export const KEM_CIPHERTEXT = 1088;
export const KEM_SEED = 64; // d || z for ML-KEM.KeyGen_internal
export const KEM_MSG = 32; // m for ML-KEM.Encaps_internal
export const KEY = 32; // symmetric keys: root, chain, message, header
export const NONCE = 24; // XSalsa20-Poly1305 (header); the body uses its first 12 bytes
export const NONCE_ONCE = 12; // ChaCha20-Poly1305 (RFC 8439), body under a one-message key
export const TAG = 16; // Poly1305
export const SESSION_ID = 8;
export const HEADER_PLAIN = X25519_KEY + 4 + 4; // DHs || PN || N
export const HEADER_SEALED = HEADER_PLAIN + TAG;

/** Bundle: version, IKsig, IKdh, IKdh signature, prekey id, SPK, PQSPK, prekey signature. */
export const BUNDLE_SIZE =
  1 + ED25519_KEY + X25519_KEY + ED25519_SIG + 4 + X25519_KEY + KEM_PUBLIC + ED25519_SIG;
/** PQXDH header in an init message: IKsig, IKdh, IKdh signature, EK, prekey id, KEM ciphertext. */
export const INIT_HEADER_SIZE =
  ED25519_KEY + X25519_KEY + ED25519_SIG + X25519_KEY + 4 + KEM_CIPHERTEXT;
/** Associated data: version byte, initiator IKsig||IKdh, responder IKsig||IKdh. */
export const AD_SIZE = 1 + 2 * (ED25519_KEY + X25519_KEY);

/** Payload types (byte 1 of a payload). */
export const PAYLOAD_INVITE = 1;
export const PAYLOAD_INIT = 2;
export const PAYLOAD_MESSAGE = 3;

/** Frame kinds (byte 0 of a frame). */
export const FRAME_WHOLE = 0;
export const FRAME_PART = 1;
export const PART_ID = 8;
export const PART_HEADER = 1 + PART_ID + 1 + 1; // kind, message id, index, total
export const MAX_PARTS = 255;

// Limits.
/** Most message keys one incoming message may make us skip in one chain (Signal's MAX_SKIP). */
export const MAX_SKIP = 1000;
/** Most skipped message keys a session stores; the oldest are evicted beyond this. */
export const MAX_STORED_SKIPPED = 2000;
/** Receiving header keys of finished chains kept to recognise replays from them. */
export const MAX_OLD_HEADER_KEYS = 8;
/** Largest plaintext `ratchetEncrypt` accepts. */
export const MAX_PLAINTEXT = 64 * 1024;
/** Longest human note in an invite, in UTF-16 code units. */
export const MAX_INVITE_NOTE = 280;
/** Rotate the signed prekey after this long. */
export const PREKEY_ROTATION_MS = 7 * 24 * 60 * 60 * 1000;
/** Keep a retired prekey this long, so invites already sent can still be accepted. */
export const PREKEY_GRACE_MS = 30 * 24 * 60 * 60 * 1000;
/** SHA-512 iterations per safety-number half (Signal uses 5200). */
export const SAFETY_ITERATIONS = 5200;

// Labels (domain separation). ASCII; each followed directly by fixed-length fields.
export const LABEL_IDENTITY_DH = utf8Encode('sotto/v1/identity-dh');
export const LABEL_PREKEY = utf8Encode('sotto/v1/prekey');
export const INFO_PQXDH = utf8Encode('sotto/v1/pqxdh');
export const INFO_RATCHET = utf8Encode('sotto/v1/ratchet');
/** HChaCha20 inputs of KDF_CK (exactly 16 ASCII bytes each). */
export const LABEL_CHAIN_KEY = utf8Encode('sotto/v1/ck/next');
export const LABEL_MESSAGE_KEY = utf8Encode('sotto/v1/ck/msg.');
export const LABEL_SAFETY = utf8Encode('sotto/v1/safety-number');
/** Prefix of the QR payload; upper case so a QR code can use alphanumeric mode. */
export const SAFETY_QR_PREFIX = 'SOTTO-SAFETY:1:';
