/**
 * Records → views. The state a row shows is computed from the stored record and, for text
 * held after a key change, from the contact's current verification.
 */
import type { ContactRecord, MessageRecord } from '../store';
import { heldFrom } from './contacts';
import { fingerprintOf } from './ids';
import type { ErrorReason, MessageState, MessageView } from './types';

const ERROR_REASONS: readonly ErrorReason[] = [
  'unverifiable',
  'other-conversation',
  'key-changed',
  'too-many-skipped',
  'version-too-new',
  'replay',
];

/** Bundle layout (docs/PROTOCOL.md §2.3): version (1), then the identity signing key (32). */
const BUNDLE_SIZE = 1413;

function isHeld(rec: MessageRecord, contact: ContactRecord | undefined): boolean {
  return rec.heldFor !== undefined && heldFrom(contact, rec.heldFor);
}

export function stateOf(rec: MessageRecord, contact: ContactRecord | undefined): MessageState {
  switch (rec.kind) {
    case 'error':
      return 'error';
    case 'text':
      if (rec.direction === 'out') return 'sent';
      return isHeld(rec, contact) ? 'error' : 'decrypted';
    case 'invite':
      if (rec.direction === 'out') return 'invite';
      return rec.acceptedAt !== undefined ? 'accepted' : 'invite';
    case 'accept':
      return isHeld(rec, contact) ? 'error' : 'accepted';
    default:
      return 'error';
  }
}

function errorOf(rec: MessageRecord, contact: ContactRecord | undefined): ErrorReason | null {
  if (rec.kind === 'error') {
    return (ERROR_REASONS as readonly string[]).includes(rec.error ?? '')
      ? (rec.error as ErrorReason)
      : 'unverifiable';
  }
  if (
    (rec.kind === 'text' || rec.kind === 'accept') &&
    rec.direction === 'in' &&
    isHeld(rec, contact)
  ) {
    return 'key-changed';
  }
  return null;
}

/** The signing key inside a stored bundle, or null if it is not bundle-sized. */
export function bundleSigningKey(bundle: Uint8Array | undefined): Uint8Array | null {
  return bundle instanceof Uint8Array && bundle.length === BUNDLE_SIZE
    ? bundle.subarray(1, 33)
    : null;
}

export function messageView(rec: MessageRecord, contact: ContactRecord | undefined): MessageView {
  const state = stateOf(rec, contact);
  const error = errorOf(rec, contact);
  const view: MessageView = {
    id: rec.id,
    conversationId: rec.conversationId,
    direction: rec.direction,
    sender: rec.direction === 'in' ? rec.peer : 'me',
    text: rec.kind === 'text' && error === null ? rec.text : null,
    state,
    error,
    createdAt: rec.timestamp,
    delivery:
      rec.direction === 'out' && rec.kind !== 'error' && rec.delivery !== 'received'
        ? rec.delivery
        : null,
    kind: rec.kind,
  };
  if (rec.kind === 'invite' && rec.direction === 'in') {
    const key = bundleSigningKey(rec.bundle);
    if (key) view.inviteFrom = { handle: rec.peer, fingerprint: fingerprintOf(key) };
  }
  return view;
}
