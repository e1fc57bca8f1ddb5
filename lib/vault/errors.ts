/**
 * The closed set of errors the vault throws. Every message is a fixed sentence a user can act
 * on: never plaintext, key material, a handle, an envelope or an underlying exception.
 */
import { isStoreError, type StoreError } from '../store';

/** Every code a vault method may fail with. */
export type VaultErrorCode =
  /** Locked: unlock (passphrase) or `openWithKey` first. */
  | 'LOCKED'
  /** `unlock`/`changePassphrase`/`removePassphrase` with a passphrase that does not open the vault. */
  | 'WRONG_PASSPHRASE'
  /** `encrypt` without a usable session with this contact (invite or accept first). */
  | 'NO_SESSION'
  /** The contact was verified and their key changed: approve the new key first. */
  | 'KEY_CHANGED_BLOCKED'
  /** No message with that id. */
  | 'UNKNOWN_MESSAGE'
  /** `acceptInvite` on something that is not an incoming invite. */
  | 'NOT_AN_INVITE'
  /** An argument the vault cannot use (empty, too long, wrong type, wrong state). */
  | 'BAD_INPUT'
  /** Backup export or import failed; the message says why. Nothing was imported. */
  | 'BACKUP_FAILED'
  /** A bug or a storage failure; nothing was changed by the call. */
  | 'INTERNAL';

const DEFAULT_MESSAGES: Record<VaultErrorCode, string> = {
  LOCKED: 'Sotto is locked. Unlock it with your passphrase to continue.',
  WRONG_PASSPHRASE: 'That passphrase is not correct. Nothing was changed; try again.',
  NO_SESSION:
    'There is no encrypted session with this person yet. Send them an invitation, or accept theirs.',
  KEY_CHANGED_BLOCKED:
    "This contact's security key changed since you verified it. Compare safety numbers, then approve the new key to send again.",
  UNKNOWN_MESSAGE: 'Sotto has no record of this message.',
  NOT_AN_INVITE: 'This message is not an invitation you can accept.',
  BAD_INPUT: 'Sotto could not use that request. Nothing was changed.',
  BACKUP_FAILED: 'The backup could not be completed. Nothing was changed.',
  INTERNAL: 'Something went wrong inside Sotto. Nothing was changed by this action; try again.',
};

/** Fixed sentences for specific situations (never built from data). */
export const VAULT_MESSAGES = {
  badHandle: 'That does not look like an X handle.',
  badConversation: 'Sotto could not tell which conversation this is. Reload the page.',
  emptyText: 'There is nothing to send.',
  textTooLong: 'This message is too long to encrypt. Split it into shorter messages.',
  conversationOfAnother:
    'This conversation is recorded with a different contact. Reload the page and try again.',
  staleInvite:
    "This invitation was made with a key that is no longer this contact's key. Ask them for a new invitation.",
  noContact: 'Sotto has no key for this contact yet.',
  noPassphrase: 'No passphrase is set. Set a passphrase first to use the lock.',
  passphraseSet: 'A passphrase is already set. Use "Change passphrase" instead.',
  passphraseEmpty: 'Choose a passphrase that is not empty.',
  staleKey: 'The remembered unlock is no longer valid. Enter your passphrase to unlock Sotto.',
  badDirection: 'Delivery can only be reported for messages you sent.',
  notEmpty:
    'A backup can only be restored into an empty Sotto. Nothing was imported; reset Sotto first, then restore.',
} as const;

/** A typed vault failure: `code` from the closed set, `message` for the user. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;

  constructor(code: VaultErrorCode, message: string = DEFAULT_MESSAGES[code]) {
    super(message);
    this.code = code;
  }
}

/** Whether `error` is a `VaultError`, optionally with the given code. */
export function isVaultError(error: unknown, code?: VaultErrorCode): error is VaultError {
  return error instanceof VaultError && (code === undefined || error.code === code);
}

function fromStoreError(error: StoreError): VaultError {
  switch (error.code) {
    case 'LOCKED':
      return new VaultError('LOCKED');
    case 'WRONG_PASSPHRASE':
      return new VaultError('WRONG_PASSPHRASE');
    case 'WRONG_KEY':
      return new VaultError('LOCKED', VAULT_MESSAGES.staleKey);
    case 'NO_PASSPHRASE':
      return new VaultError('BAD_INPUT', VAULT_MESSAGES.noPassphrase);
    case 'PASSPHRASE_SET':
      return new VaultError('BAD_INPUT', VAULT_MESSAGES.passphraseSet);
    case 'PASSPHRASE_INVALID':
      return new VaultError('BAD_INPUT', VAULT_MESSAGES.passphraseEmpty);
    case 'BACKUP_KEY_TYPO':
    case 'BACKUP_KEY_INVALID':
    case 'BACKUP_CORRUPT':
    case 'BACKUP_VERSION':
      // The store's sentences are fixed strings that say what to do.
      return new VaultError('BACKUP_FAILED', error.message);
    case 'NOT_EMPTY':
      return new VaultError('BACKUP_FAILED', VAULT_MESSAGES.notEmpty);
    default:
      // QUOTA, RECORD_CORRUPT, VERSION_TOO_NEW, UNAVAILABLE, CONFLICT, INTERNAL: the store's
      // fixed sentence is the actionable one.
      return new VaultError('INTERNAL', error.message);
  }
}

/**
 * Map anything thrown inside the vault to a `VaultError`, dropping the original (its message
 * could quote data). Store errors keep their fixed, user-facing sentence.
 */
export function toVaultError(error: unknown): VaultError {
  if (error instanceof VaultError) return error;
  if (isStoreError(error)) return fromStoreError(error);
  return new VaultError('INTERNAL');
}
