/**
 * `lib/vault`: the background's state. Contacts (trust on first use), ratchet sessions,
 * messages, drafts, the lock and backups, over `lib/store` and `lib/crypto`. No browser
 * extension APIs: IndexedDB, randomness and the clock are injected, so it runs in node tests.
 * See lib/vault/README.md.
 */
export { isVaultError, VaultError, type VaultErrorCode } from './errors';
export type {
  CallTarget,
  ComposeTarget,
  ContactView,
  ErrorReason,
  IngestInput,
  IngestResult,
  MessageState,
  MessageView,
  OpenVaultOptions,
  RandomSource,
  Vault,
} from './types';
export { DEFAULT_PART_LIMIT, openVault } from './vault';
