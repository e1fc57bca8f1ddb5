/**
 * The closed set of errors `lib/store` throws. Each carries a code and a sentence a user can act
 * on (as a message key, translated where it is shown); none ever carries plaintext, key
 * material, a record key or an underlying exception.
 */
import { type MessageKey, type UserText, userText } from '../i18n/user-text';

/** Every code a store operation may fail with. */
export const STORE_ERROR_CODES = [
  /** The vault is locked: unlock (passphrase) or `openWithKey` first. */
  'LOCKED',
  /** `unlock`/`changePassphrase`/`removePassphrase` got a passphrase that does not open the vault. */
  'WRONG_PASSPHRASE',
  /** `openWithKey` got a key that is not this vault's key (stale cache, vault was reset). */
  'WRONG_KEY',
  /** The operation needs a passphrase and none is set (`lock`, `unlock`, `removePassphrase`). */
  'NO_PASSPHRASE',
  /** `setPassphrase` when one is already set (use `changePassphrase`). */
  'PASSPHRASE_SET',
  /** An empty (after Unicode normalisation) passphrase was offered. */
  'PASSPHRASE_INVALID',
  /** `setPassphrase`/`changePassphrase` with fewer than `MIN_PASSPHRASE_LENGTH` characters. */
  'PASSPHRASE_TOO_SHORT',
  /** A stored record failed authentication or decoding: altered, swapped, truncated or replayed. */
  'RECORD_CORRUPT',
  /** The recovery key has a typo: its checksum does not match (caught before decrypting). */
  'BACKUP_KEY_TYPO',
  /** The recovery key is well-formed but belongs to another backup. */
  'BACKUP_KEY_INVALID',
  /** The backup file is not a Sotto backup, or is truncated or altered. */
  'BACKUP_CORRUPT',
  /** The backup was written in a format version this build cannot read. */
  'BACKUP_VERSION',
  /** A backup can only be restored into a vault without identity, contacts or history. */
  'NOT_EMPTY',
  /** The browser refused to store more (QuotaExceededError). */
  'QUOTA',
  /** The database or a record was written by a newer Sotto than this one. */
  'VERSION_TOO_NEW',
  /** IndexedDB could not be opened or the connection was closed (e.g. by an upgrade elsewhere). */
  'UNAVAILABLE',
  /** The lock settings were changed by another connection during this operation. */
  'CONFLICT',
  /** A programming error (bad record shape, misuse of a transaction). Nothing was written. */
  'INTERNAL',
] as const;

/** One of {@link STORE_ERROR_CODES}. */
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** What each failure tells the user: a key of `public/_locales/en/messages.json`. */
const STORE_ERROR_TEXT: Record<StoreErrorCode, MessageKey> = {
  LOCKED: 'errorLocked',
  WRONG_PASSPHRASE: 'errorWrongPassphrase',
  WRONG_KEY: 'errorStaleUnlock',
  NO_PASSPHRASE: 'errorNoPassphrase',
  PASSPHRASE_SET: 'errorPassphraseSet',
  PASSPHRASE_INVALID: 'errorPassphraseEmpty',
  PASSPHRASE_TOO_SHORT: 'errorPassphraseTooShort',
  RECORD_CORRUPT: 'errorRecordCorrupt',
  BACKUP_KEY_TYPO: 'errorBackupKeyTypo',
  BACKUP_KEY_INVALID: 'errorBackupKeyInvalid',
  BACKUP_CORRUPT: 'errorBackupCorrupt',
  BACKUP_VERSION: 'errorBackupVersion',
  NOT_EMPTY: 'errorBackupNotEmpty',
  QUOTA: 'errorStorageFull',
  VERSION_TOO_NEW: 'errorDataTooNew',
  UNAVAILABLE: 'errorStorageUnavailable',
  CONFLICT: 'errorLockConflict',
  INTERNAL: 'errorStorageInternal',
};

/**
 * A typed store failure: `code` from the closed set, `text` for the user (translated where it
 * is shown). `message` is the text's key, for logs: never data.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  /** Which failure this is. */
  readonly code: StoreErrorCode;
  readonly text: UserText;

  constructor(code: StoreErrorCode) {
    const text = userText(STORE_ERROR_TEXT[code]);
    super(text.key);
    this.code = code;
    this.text = text;
  }
}

/** Whether `error` is a `StoreError`, optionally with the given code. */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}

/**
 * Map anything thrown by IndexedDB (or a bug) to a `StoreError` without keeping the original:
 * browser messages may quote the value that failed to clone.
 */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError') return new StoreError('QUOTA');
  if (name === 'VersionError') return new StoreError('VERSION_TOO_NEW');
  if (name === 'InvalidStateError' || name === 'UnknownError') return new StoreError('UNAVAILABLE');
  return new StoreError('INTERNAL');
}
