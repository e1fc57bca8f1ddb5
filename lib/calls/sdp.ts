/**
 * The DTLS fingerprint a peer announces in its SDP (RFC 8122 `a=fingerprint:`). The call
 * binding signs these, so a signaling server that rewrote them is caught.
 */

export interface DtlsFingerprint {
  /** Lowercase hash name, e.g. `sha-256`. */
  algorithm: string;
  /** Uppercase colon-separated hex, e.g. `AB:CD:…`, as browsers write it. */
  value: string;
}

export type FingerprintResult =
  | { ok: true; fingerprint: DtlsFingerprint }
  | { ok: false; reason: 'missing' | 'malformed' | 'ambiguous' };

const LINE = /^a=fingerprint:(\S+) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)\s*$/;

/**
 * The one fingerprint of an SDP. Browsers repeat it per media section; different ones
 * (a second certificate) would make "the" fingerprint ambiguous, so that is refused.
 */
export function extractFingerprint(sdp: unknown): FingerprintResult {
  if (typeof sdp !== 'string') return { ok: false, reason: 'malformed' };
  let found: DtlsFingerprint | null = null;
  for (const raw of sdp.split(/\r?\n/)) {
    if (!raw.startsWith('a=fingerprint:')) continue;
    const match = LINE.exec(raw);
    if (!match) return { ok: false, reason: 'malformed' };
    const fingerprint = { algorithm: match[1]!.toLowerCase(), value: match[2]!.toUpperCase() };
    if (found && (found.algorithm !== fingerprint.algorithm || found.value !== fingerprint.value)) {
      return { ok: false, reason: 'ambiguous' };
    }
    found = fingerprint;
  }
  return found ? { ok: true, fingerprint: found } : { ok: false, reason: 'missing' };
}

/** The canonical text both sides sign and hash: `sha-256 AB:CD:…`. */
export function fingerprintText(fingerprint: DtlsFingerprint): string {
  return `${fingerprint.algorithm} ${fingerprint.value}`;
}
