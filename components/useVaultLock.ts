import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type UserText, userText } from '@/lib/i18n';
import type { RpcError } from '@/lib/rpc/errors';
import { onVaultLocked } from '@/lib/rpc/events';

/** Whether a failed vault request says the vault is locked. */
export function isLockedError(error: RpcError | null | undefined): boolean {
  return error?.code === 'LOCKED';
}

/** What a page that shows plaintext should show instead once the vault locked. */
export const LOCKED_NOTICE: UserText = userText('errorLockedUseToolbar');

export interface VaultLock {
  /** The vault locked while this page was open (the background said so, or a reply did). */
  locked: boolean;
  /** Pass any failed reply's error: a LOCKED one locks the page too. True if it did. */
  checkLocked(error: RpcError | null | undefined): boolean;
  /** The user unlocked and the page asked the vault again successfully: show content again. */
  clear(): void;
}

/**
 * For extension pages that show decrypted text (reader and compose frames, the popup): when the
 * vault locks — `vault.lock` anywhere (the background broadcasts it), or a request answered
 * LOCKED (the worker restarted without its key) — `onLocked` runs so the page can drop every
 * piece of plaintext it holds in state, and `locked` turns true so it can show `LOCKED_NOTICE`
 * in its place. The plaintext must go from state, not just from view: hidden text still sits
 * in the DOM and in memory for anyone who can inspect the page.
 */
export function useVaultLock(onLocked: () => void): VaultLock {
  const [locked, setLocked] = useState(false);
  // The latest callback, so a page can pass an inline function without re-subscribing.
  const latest = useRef(onLocked);
  latest.current = onLocked;

  const lock = useCallback(() => {
    setLocked(true);
    latest.current();
  }, []);

  useEffect(() => onVaultLocked(lock), [lock]);

  const checkLocked = useCallback(
    (error: RpcError | null | undefined) => {
      if (!isLockedError(error)) return false;
      lock();
      return true;
    },
    [lock],
  );
  const clear = useCallback(() => setLocked(false), []);
  return { locked, checkLocked, clear };
}
