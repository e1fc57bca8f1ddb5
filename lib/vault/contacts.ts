/**
 * Trust on first use, as pure functions over `ContactRecord`s.
 *
 * - The first identity key seen for a handle (in an invite or an init) is pinned.
 * - A different key later is **never applied on arrival**: the host can post anything "from"
 *   anyone, including a session start made by a fresh Sotto logged in as the contact. It is
 *   kept as `pendingKey`; sending to the contact waits and text from that key is held until
 *   the user decides in a trusted extension window: keep the pinned key, trust the new one,
 *   or block both (`decideKey`).
 * - Records written before pending keys existed may carry `verification: 'changed'` (the old
 *   rule re-pinned at once and blocked a verified contact); they keep blocking until approved.
 */
import { bytesEqual } from '../crypto';
import type { ContactRecord } from '../store';

/** Most previous keys remembered per contact. */
export const MAX_KEY_HISTORY = 50;

export interface SeenIdentity {
  signingKey: Uint8Array;
  dhKey: Uint8Array;
}

/** What seeing an identity did to the contact. */
export type Sighting =
  /** First key for this handle: pinned (trust on first use). */
  | 'pinned'
  /** The pinned key (perhaps with an X25519 key we had not recorded). */
  | 'same'
  /** A different key: pending the user's decision; nothing about the pin changed. */
  | 'pending';

/** The contact after seeing `seen` from `handle` at `now`; `changed` if the record differs. */
export function observeIdentity(
  current: ContactRecord | undefined,
  handle: string,
  seen: SeenIdentity,
  now: number,
): { contact: ContactRecord; changed: boolean; sighting: Sighting } {
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
      sighting: 'pinned',
    };
  }
  if (bytesEqual(current.identityKey, seen.signingKey)) {
    if (current.dhKey && bytesEqual(current.dhKey, seen.dhKey)) {
      return { contact: current, changed: false, sighting: 'same' };
    }
    // The signing key vouches for the X25519 key, so a new one under the same signing key
    // is the same identity; record it (older records lack it).
    return {
      contact: { ...current, dhKey: seen.dhKey.slice() },
      changed: true,
      sighting: 'same',
    };
  }
  const pending = current.pendingKey;
  if (pending && bytesEqual(pending.identityKey, seen.signingKey)) {
    return { contact: current, changed: false, sighting: 'pending' };
  }
  // The newest unknown key is the one the user is asked about (an earlier pending one had no
  // decision; its messages stay held either way).
  return {
    contact: {
      ...current,
      pendingKey: { identityKey: seen.signingKey.slice(), dhKey: seen.dhKey.slice(), seenAt: now },
    },
    changed: true,
    sighting: 'pending',
  };
}

/** Sending to this contact waits for a decision (pending key, blocked, or an old-style change). */
export function sendingBlocked(contact: ContactRecord | undefined): boolean {
  return (
    contact !== undefined &&
    (contact.pendingKey !== undefined ||
      contact.blockedAt !== undefined ||
      contact.verification.state === 'changed')
  );
}

/**
 * Whether text from `senderKey` is held (shown as "from a new key — not yet trusted") rather
 * than read: any key but the pinned one, anything while blocked, and the pinned key of an
 * old-style change not yet approved. With no contact (removed since) nobody vouches for it.
 */
export function heldFrom(contact: ContactRecord | undefined, senderKey: Uint8Array): boolean {
  if (!contact) return true;
  return (
    contact.blockedAt !== undefined ||
    contact.verification.state === 'changed' ||
    !bytesEqual(contact.identityKey, senderKey)
  );
}

/** The user's answer to a pending key (or to a block, or an old-style change). */
export type KeyDecision = 'keep' | 'trust' | 'block';

/**
 * The contact after the user's decision, and the key sessions may now send to (`null`: none).
 * - keep: the pinned key stays; the pending one is dropped; a block is lifted.
 * - trust: the pending key becomes the pinned one (the old goes to history, unverified: the
 *   user has not compared safety numbers for it); a block is lifted.
 * - block: neither key sends, and what comes is held (a pending key stays on record).
 */
export function decideKey(
  contact: ContactRecord,
  decision: KeyDecision,
  now: number,
): ContactRecord {
  const { pendingKey, blockedAt: _unblocked, keyChangedAt: _acknowledged, ...rest } = contact;
  switch (decision) {
    case 'block':
      // The pending key stays on record, so a block can later be lifted either way.
      return { ...rest, ...(pendingKey ? { pendingKey } : {}), blockedAt: now };
    case 'keep':
      return {
        ...rest,
        verification:
          contact.verification.state === 'changed' ? { state: 'unverified' } : contact.verification,
      };
    case 'trust': {
      if (!pendingKey) {
        // An old-style change (already re-pinned) or a block: acknowledge, unverified.
        return {
          ...rest,
          verification:
            contact.verification.state === 'changed'
              ? { state: 'unverified' }
              : contact.verification,
        };
      }
      const previous = contact.keyHistory[contact.keyHistory.length - 1];
      const since = previous ? previous.replacedAt : contact.firstSeen;
      const keyHistory = [
        ...contact.keyHistory,
        { identityKey: contact.identityKey, firstSeen: since, replacedAt: now },
      ].slice(-MAX_KEY_HISTORY);
      // A new key is a new installation: its presence address is not the old one's.
      const { presenceAddress: _oldAddress, ...kept } = rest;
      return {
        ...kept,
        identityKey: pendingKey.identityKey.slice(),
        dhKey: pendingKey.dhKey.slice(),
        keyHistory,
        verification: { state: 'unverified' },
      };
    }
  }
}

/**
 * Mark verified (the user compared safety numbers of the *pinned* key) or unverified.
 * Verifying does not settle a pending key (that needs a decision about that key), but it does
 * settle an old-style change, whose new key is the pinned one.
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
