/**
 * Trust on first use, as pure functions over `ContactRecord`s.
 *
 * - The first identity key seen for a handle (in an invite or an init) is pinned.
 * - A different key later replaces the pin, goes into `keyHistory`, and sets `keyChangedAt`
 *   (loud in the UI). If the contact was verified, verification becomes `changed`: sending is
 *   blocked and text from the new key is held until the user approves the change (or
 *   verifies the new key).
 */
import { bytesEqual } from '../crypto';
import type { ContactRecord } from '../store';

/** Most previous keys remembered per contact. */
export const MAX_KEY_HISTORY = 50;

export interface SeenIdentity {
  signingKey: Uint8Array;
  dhKey: Uint8Array;
}

/** The contact after seeing `seen` from `handle` at `now`; `changed` if anything differs. */
export function pinIdentity(
  current: ContactRecord | undefined,
  handle: string,
  seen: SeenIdentity,
  now: number,
): { contact: ContactRecord; changed: boolean; keyChanged: boolean } {
  if (!current) {
    return {
      contact: {
        handle,
        identityKey: seen.signingKey.slice(),
        dhKey: seen.dhKey.slice(),
        firstSeen: now,
        keyHistory: [],
        verification: { state: 'unverified' },
      },
      changed: true,
      keyChanged: false,
    };
  }
  if (bytesEqual(current.identityKey, seen.signingKey)) {
    if (current.dhKey && bytesEqual(current.dhKey, seen.dhKey)) {
      return { contact: current, changed: false, keyChanged: false };
    }
    // The signing key vouches for the X25519 key, so a new one under the same signing key
    // is the same identity; record it (older records lack it).
    return { contact: { ...current, dhKey: seen.dhKey.slice() }, changed: true, keyChanged: false };
  }
  const previous = current.keyHistory[current.keyHistory.length - 1];
  const since = previous ? previous.replacedAt : current.firstSeen;
  const keyHistory = [
    ...current.keyHistory,
    { identityKey: current.identityKey, firstSeen: since, replacedAt: now },
  ].slice(-MAX_KEY_HISTORY);
  const v = current.verification;
  const verification: ContactRecord['verification'] =
    v.state === 'verified'
      ? { state: 'changed', at: now, previouslyVerifiedKey: current.identityKey }
      : v.state === 'changed'
        ? { state: 'changed', at: now, previouslyVerifiedKey: v.previouslyVerifiedKey }
        : { state: 'unverified' };
  // A new key is a new installation: its presence address is not the old one's.
  const { presenceAddress: _oldAddress, ...kept } = current;
  return {
    contact: {
      ...kept,
      identityKey: seen.signingKey.slice(),
      dhKey: seen.dhKey.slice(),
      keyHistory,
      verification,
      keyChangedAt: now,
    },
    changed: true,
    keyChanged: true,
  };
}

/** Sending to this contact is blocked until the key change is approved. */
export function sendingBlocked(contact: ContactRecord | undefined): boolean {
  return contact?.verification.state === 'changed';
}

/** Text from `signingKey` must be held (shown as `key-changed`) for now. */
export function heldFrom(contact: ContactRecord | undefined, signingKey: Uint8Array): boolean {
  return sendingBlocked(contact) && bytesEqual(contact!.identityKey, signingKey);
}

/** The user re-approves after a key change: unverified (the new key is not verified), quiet. */
export function approveChange(contact: ContactRecord): ContactRecord {
  const { keyChangedAt: _dropped, ...rest } = contact;
  return {
    ...rest,
    verification:
      contact.verification.state === 'changed' ? { state: 'unverified' } : contact.verification,
  };
}

/**
 * Mark verified (the user compared safety numbers of the *current* key: that also settles a
 * key change) or unverified. Marking a `changed` contact unverified keeps it `changed`: only
 * an explicit approval or a verification lifts the block.
 */
export function setVerification(
  contact: ContactRecord,
  verified: boolean,
  now: number,
): ContactRecord {
  if (verified) {
    const { keyChangedAt: _dropped, ...rest } = contact;
    return { ...rest, verification: { state: 'verified', at: now } };
  }
  if (contact.verification.state === 'changed') return contact;
  return { ...contact, verification: { state: 'unverified' } };
}
