import { browser } from 'wxt/browser';

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
