/**
 * The closed set of errors the vault throws. Every text is a fixed sentence a user can act on
 * (a message key, translated where it is shown): never plaintext, key material, a handle, an
 * envelope or an underlying exception.
 */
import { type MessageKey, type UserText, userText } from '../i18n/user-text';
import { isStoreError, type StoreError } from '../store';

/** Every code a vault method may fail with. */
export const VAULT_ERROR_CODES = [
  /** Locked: unlock (passphrase) or `openWithKey` first. */
  'LOCKED',
  /** `unlock`/`changePassphrase`/`removePassphrase` with a passphrase that does not open the vault. */
  'WRONG_PASSPHRASE',
  /** `encrypt` without a usable session with this contact (invite or accept first). */
  'NO_SESSION',
  /** The contact was verified and their key changed: approve the new key first. */
  'KEY_CHANGED_BLOCKED',
  /** No message with that id. */
  'UNKNOWN_MESSAGE',
  /** `acceptInvite` on something that is not an incoming invite. */
  'NOT_AN_INVITE',
  /** An argument the vault cannot use (empty, too long, wrong type, wrong state). */
  'BAD_INPUT',
  /** Backup export or import failed; the text says why. Nothing was imported. */
  'BACKUP_FAILED',
  /** A bug or a storage failure; nothing was changed by the call. */
  'INTERNAL',
] as const;

/** One of {@link VAULT_ERROR_CODES}. */
export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];

/** What each failure tells the user unless a more specific text is given. */
const VAULT_ERROR_TEXT: Record<VaultErrorCode, MessageKey> = {
  LOCKED: 'errorLocked',
  WRONG_PASSPHRASE: 'errorWrongPassphrase',
  NO_SESSION: 'errorNoSession',
  KEY_CHANGED_BLOCKED: 'errorKeyChanged',
  UNKNOWN_MESSAGE: 'errorUnknownMessage',
  NOT_AN_INVITE: 'errorNotAnInviteToAccept',
  BAD_INPUT: 'errorBadInput',
  BACKUP_FAILED: 'errorBackupFailed',
  INTERNAL: 'errorVaultInternal',
};

/** Fixed sentences for specific situations (never built from data). */
export const VAULT_MESSAGES = {
  badHandle: userText('errorBadHandle'),
  badConversation: userText('errorBadConversation'),
  emptyText: userText('errorEmptyText'),
  textTooLong: userText('errorTextTooLong'),
  conversationOfAnother: userText('errorConversationOfAnother'),
  staleInvite: userText('errorStaleInvite'),
  noContact: userText('errorNoContactKey'),
  passphraseEmpty: userText('errorPassphraseEmpty'),
  badDirection: userText('errorBadDirection'),
} as const satisfies Record<string, UserText>;

/**
 * A typed vault failure: `code` from the closed set, `text` for the user (translated where it
 * is shown). `message` is the text's key, for logs: never data.
 */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;
  readonly text: UserText;

  constructor(code: VaultErrorCode, text: UserText = userText(VAULT_ERROR_TEXT[code])) {
    super(text.key);
    this.code = code;
    this.text = text;
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
      return new VaultError('LOCKED', error.text);
    case 'NO_PASSPHRASE':
    case 'PASSPHRASE_SET':
    case 'PASSPHRASE_INVALID':
    case 'PASSPHRASE_TOO_SHORT':
      return new VaultError('BAD_INPUT', error.text);
    case 'BACKUP_KEY_TYPO':
    case 'BACKUP_KEY_INVALID':
    case 'BACKUP_CORRUPT':
    case 'BACKUP_VERSION':
    case 'NOT_EMPTY':
      // The store's sentences are fixed strings that say what to do.
      return new VaultError('BACKUP_FAILED', error.text);
    default:
      // QUOTA, RECORD_CORRUPT, VERSION_TOO_NEW, UNAVAILABLE, CONFLICT, INTERNAL: the store's
      // fixed sentence is the actionable one.
      return new VaultError('INTERNAL', error.text);
  }
}

/**
 * Map anything thrown inside the vault to a `VaultError`, dropping the original (its message
 * could quote data). Store errors keep their fixed, user-facing text.
 */
export function toVaultError(error: unknown): VaultError {
  if (error instanceof VaultError) return error;
  if (isStoreError(error)) return fromStoreError(error);
  return new VaultError('INTERNAL');
}
