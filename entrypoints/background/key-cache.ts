import { browser } from 'wxt/browser';
import type { Vault } from '@/lib/vault';

const KEY = 'sotto.unlockedVaultKey';

/**
 * Keeps an unlocked vault key across MV3 worker restarts. `storage.session` lives in memory
 * only and, at its default access level, is readable by extension pages and the background
 * but never by content scripts. Locking or closing the browser forgets it.
 */
export async function rememberUnlockedKey(vault: Vault): Promise<void> {
  if (!browser.storage?.session || !vault.status().hasPassphrase) return;
  const key = vault.exportUnlockedKey();
  await browser.storage.session.set({ [KEY]: Array.from(key) });
}

export async function forgetUnlockedKey(): Promise<void> {
  await browser.storage?.session?.remove(KEY);
}

export async function restoreUnlockedKey(vault: Vault): Promise<void> {
  if (!browser.storage?.session || !vault.status().locked) return;
  const stored = (await browser.storage.session.get(KEY))[KEY];
  if (!Array.isArray(stored)) return;
  try {
    await vault.openWithKey(Uint8Array.from(stored as number[]));
  } catch {
    await forgetUnlockedKey();
  }
}
