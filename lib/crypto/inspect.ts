/**
 * Routing: what an envelope line is, without any secret key. The vault uses it to decide
 * between readInvite, respondToSession, ratchetDecrypt and collecting parts.
 */

import { type Bundle, decodeBundle } from './bundle';
import { toHex } from './bytes';
import { parseText } from './envelope';
import { fail, ok, type Result } from './errors';
import type { PublicIdentity } from './identity';
import { parsePayload } from './payload';

/** What {@link inspectEnvelope} found. */
export type EnvelopeInfo =
  /** An invite; the bundle's signatures have been verified. */
  | { readonly kind: 'invite'; readonly note: string; readonly bundle: Bundle }
  /** A session start (or a later message that still carries it). `initiator` is NOT verified here. */
  | {
      readonly kind: 'init';
      readonly sessionId: string;
      readonly initiator: PublicIdentity;
      readonly prekeyId: number;
    }
  /** A ratchet message of an existing session. */
  | { readonly kind: 'message'; readonly sessionId: string }
  /** One part of a split envelope; collect all `total` parts with this id, then joinParts. */
  | {
      readonly kind: 'part';
      readonly messageId: string;
      readonly index: number;
      readonly total: number;
    };

/** Classifies an envelope line; every malformed input gives a typed error. */
export function inspectEnvelope(text: string): Result<EnvelopeInfo> {
  const parsed = parseText(text);
  if (!parsed.ok) return parsed;
  const { frame, note } = parsed.value;
  if (frame.kind === 'part') {
    return ok({
      kind: 'part',
      messageId: toHex(frame.messageId),
      index: frame.index,
      total: frame.total,
    });
  }
  const payload = parsePayload(frame.payload);
  if (!payload.ok) return payload;
  const p = payload.value;
  switch (p.type) {
    case 'invite': {
      const bundle = decodeBundle(p.bundle);
      return bundle.ok ? ok({ kind: 'invite', note, bundle: bundle.value }) : bundle;
    }
    case 'init':
      return ok({
        kind: 'init',
        sessionId: toHex(p.sessionId),
        initiator: p.init.initiator,
        prekeyId: p.init.prekeyId,
      });
    case 'message':
      return ok({ kind: 'message', sessionId: toHex(p.sessionId) });
    default:
      return fail('MALFORMED', 'unknown payload');
  }
}
