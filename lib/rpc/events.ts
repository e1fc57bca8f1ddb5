import { browser } from 'wxt/browser';
import { type InternalSenderInfo, isInternalSender } from './internal-sender';
import type { Extension } from './sender';

/**
 * The vault's one broadcast to extension pages: "something in this conversation changed"
 * (a message arrived, an invite was accepted). Pages then ask again through `callVault`;
 * the event itself carries no content. Content scripts do not receive it.
 */
interface VaultChanged {
  sottoEvent: 'vault.changed';
  conversationId: string;
}

export function announceVaultChange(conversationId: string): void {
  const event: VaultChanged = { sottoEvent: 'vault.changed', conversationId };
  // No open extension page is not an error.
  browser.runtime.sendMessage(event).catch(() => {});
}

export function onVaultChange(listener: (conversationId: string) => void): () => void {
  const handler = (message: unknown, sender: { id?: string }) => {
    if (sender.id !== browser.runtime.id) return;
    const event = message as Partial<VaultChanged> | null;
    if (event?.sottoEvent === 'vault.changed' && typeof event.conversationId === 'string') {
      listener(event.conversationId);
    }
  };
  browser.runtime.onMessage.addListener(handler);
  return () => browser.runtime.onMessage.removeListener(handler);
}

/**
 * The vault's other broadcast: "the vault just locked". Pages that show plaintext (the reader
 * and compose frames, the popup) drop it and show a locked notice (`components/useVaultLock`);
 * the event carries nothing else. Sent by the background when `vault.lock` runs.
 */
interface VaultLocked {
  sottoEvent: 'vault.locked';
}

export function announceVaultLocked(): void {
  const event: VaultLocked = { sottoEvent: 'vault.locked' };
  // No open extension page is not an error.
  browser.runtime.sendMessage(event).catch(() => {});
}

/**
 * Whether a runtime message is the background's lock broadcast. Only from Sotto's own
 * background or top-level pages: a content script (which can message extension pages too)
 * cannot make the frames blank themselves on x.com's behalf.
 */
export function isVaultLockedEvent(
  message: unknown,
  sender: InternalSenderInfo,
  extension: Extension,
): boolean {
  const event = message as Partial<VaultLocked> | null;
  return event?.sottoEvent === 'vault.locked' && isInternalSender(sender, extension);
}

export function onVaultLocked(listener: () => void): () => void {
  const extension = { id: browser.runtime.id, baseUrl: browser.runtime.getURL('/') };
  const handler = (message: unknown, sender: InternalSenderInfo) => {
    if (isVaultLockedEvent(message, sender, extension)) listener();
  };
  browser.runtime.onMessage.addListener(handler);
  return () => browser.runtime.onMessage.removeListener(handler);
}
