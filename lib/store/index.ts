/**
 * `lib/store`: Sotto's IndexedDB storage. Every record sealed under one vault key, an optional
 * passphrase lock, atomic transactions, versioned migrations, and encrypted backups. No browser
 * extension APIs: it takes an IDBFactory and a random source, so it runs in the MV3 service
 * worker, the Firefox background page and node tests. See docs/STORAGE.md.
 */

/** Encrypted backup export/import under a recovery key. */
export {
  BACKUP_VERSION,
  type Backup,
  type BackupProgress,
  type ExportBackupOptions,
  exportBackup,
  type ImportBackupOptions,
  type ImportResult,
  importBackup,
} from './backup';
/** Typed errors from the closed set. */
export { isStoreError, StoreError, type StoreErrorCode } from './errors';
/** Passphrase KDF parameters (production defaults and the type for injecting cheaper ones). */
export { type KdfParams, PASSPHRASE_KDF } from './kdf';
/** The shortest passphrase that may be set (and why), for pages to check as the user types. */
export {
  longEnoughPassphrase,
  MIN_PASSPHRASE_LENGTH,
  passphraseLength,
} from './passphrase-policy';
/** Recovery key parsing, for validating what the user types before reading a file. */
export { parseRecoveryKey } from './recovery-key';
/** Schema constants. */
export { DATA_STORES, DB_NAME, DB_VERSION } from './schema';
/** The random source type accepted by `openStore` and `exportBackup`. */
export type { RandomSource } from './seal';
/** Opening, reading, writing and locking the store. */
export {
  deleteStore,
  type ListMessagesOptions,
  type LockState,
  type OpenStoreOptions,
  openStore,
  Store,
  type StoreTx,
  type TransactOptions,
} from './store';
/** Record shapes. */
export type * from './types';
