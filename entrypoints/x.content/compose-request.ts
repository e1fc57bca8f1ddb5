import { browser } from 'wxt/browser';
import { RPC_VERSION, type TabRequest, type TabRequests } from '@/lib/rpc/protocol';

type Reply = TabRequests['compose.open']['output'];

/**
 * The popup's "Write encrypted message": open this tab's compose frame for `partner`. Only the
 * extension can send it (the page cannot reach `runtime.onMessage`). Each composer listens
 * for its own conversation; one that shows someone else stays silent, so the popup hears
 * from the right one or from none.
 */
export function onComposeRequest(
  currentPartner: () => string | null,
  open: () => void,
  signal: AbortSignal,
): void {
  const listener = (message: unknown, sender: { id?: string }): Promise<Reply> | undefined => {
    const request = message as Partial<TabRequest<'compose.open'>> | null;
    if (sender.id !== browser.runtime.id || request?.sottoTab !== RPC_VERSION) return;
    if (request.type !== 'compose.open' || typeof request.input?.partner !== 'string') return;
    if (currentPartner()?.toLowerCase() !== request.input.partner.toLowerCase()) return;
    open();
    return Promise.resolve({ opened: true });
  };
  browser.runtime.onMessage.addListener(listener);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(listener));
}
