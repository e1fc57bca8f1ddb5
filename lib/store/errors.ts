/**
 * The closed set of errors `lib/store` throws. Each carries a code and a sentence a user can act
 * on; none ever carries plaintext, key material, a record key or an underlying exception.
 */

/** Every code a store operation may fail with. */
export type StoreErrorCode =
  /** The vault is locked: unlock (passphrase) or `openWithKey` first. */
  | 'LOCKED'
  /** `unlock`/`changePassphrase`/`removePassphrase` got a passphrase that does not open the vault. */
  | 'WRONG_PASSPHRASE'
  /** `openWithKey` got a key that is not this vault's key (stale cache, vault was reset). */
  | 'WRONG_KEY'
  /** The operation needs a passphrase and none is set (`lock`, `unlock`, `removePassphrase`). */
  | 'NO_PASSPHRASE'
  /** `setPassphrase` when one is already set (use `changePassphrase`). */
  | 'PASSPHRASE_SET'
  /** An empty (after Unicode normalisation) passphrase was offered. */
  | 'PASSPHRASE_INVALID'
  /** A stored record failed authentication or decoding: altered, swapped, truncated or replayed. */
  | 'RECORD_CORRUPT'
  /** The recovery key has a typo: its checksum does not match (caught before decrypting). */
  | 'BACKUP_KEY_TYPO'
  /** The recovery key is well-formed but belongs to another backup. */
  | 'BACKUP_KEY_INVALID'
  /** The backup file is not a Sotto backup, or is truncated or altered. */
  | 'BACKUP_CORRUPT'
  /** The backup was written in a format version this build cannot read. */
  | 'BACKUP_VERSION'
  /** A backup can only be restored into a vault without identity, contacts or history. */
  | 'NOT_EMPTY'
  /** The browser refused to store more (QuotaExceededError). */
  | 'QUOTA'
  /** The database or a record was written by a newer Sotto than this one. */
  | 'VERSION_TOO_NEW'
  /** IndexedDB could not be opened or the connection was closed (e.g. by an upgrade elsewhere). */
  | 'UNAVAILABLE'
  /** The lock settings were changed by another connection during this operation. */
  | 'CONFLICT'
  /** A programming error (bad record shape, misuse of a transaction). Nothing was written. */
  | 'INTERNAL';

const USER_MESSAGES: Record<StoreErrorCode, string> = {
  LOCKED: 'Sotto is locked. Unlock it with your passphrase to continue.',
  WRONG_PASSPHRASE: 'That passphrase is not correct. Nothing was changed; try again.',
  WRONG_KEY: 'The remembered unlock is no longer valid. Enter your passphrase to unlock Sotto.',
  NO_PASSPHRASE: 'No passphrase is set. Set a passphrase first to use the lock.',
  PASSPHRASE_SET: 'A passphrase is already set. Use "Change passphrase" instead.',
  PASSPHRASE_INVALID: 'Choose a passphrase that is not empty.',
  RECORD_CORRUPT:
    'A stored item was damaged or tampered with and was not used. If this keeps happening, restore from a backup.',
  BACKUP_KEY_TYPO:
    'The recovery key has a typo. Check each group against the key you wrote down and try again.',
  BACKUP_KEY_INVALID:
    'This recovery key does not open this backup file. Use the key that was shown when this backup was made.',
  BACKUP_CORRUPT:
    'This backup file is damaged, incomplete or not a Sotto backup. Nothing was imported; try another copy.',
  BACKUP_VERSION:
    'This backup was made by a version of Sotto that this one cannot read. Nothing was imported; update Sotto and try again.',
  NOT_EMPTY:
    'A backup can only be restored into an empty Sotto. Nothing was imported; reset Sotto first, then restore.',
  QUOTA:
    'The browser refused to store more data because storage is full. Free up disk space, then try again.',
  VERSION_TOO_NEW:
    'Your Sotto data was written by a newer version of Sotto. Update the extension to open it.',
  UNAVAILABLE:
    "Sotto's storage could not be opened or was closed. Close other Sotto windows or restart the browser.",
  CONFLICT:
    'The lock settings were changed elsewhere at the same time. Nothing was changed; try again.',
  INTERNAL: "Something went wrong inside Sotto's storage. Nothing was saved by this action.",
};

/** A typed store failure: `code` from the closed set, `message` for the user. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  /** Which failure this is. */
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string = USER_MESSAGES[code]) {
    super(message);
    this.code = code;
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
