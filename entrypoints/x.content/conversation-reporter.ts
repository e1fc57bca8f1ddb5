import { browser } from 'wxt/browser';
import { RPC_VERSION, type TabRequest, type TabRequests } from '@/lib/rpc/protocol';
import { readConversation } from '@/lib/sites/x/adapter';

type Reply = TabRequests['conversation.current']['output'];

/** Tells the popup which conversation this tab shows: public facts the page itself displays. */
export function initConversationReporter(
  currentRoot: () => ShadowRoot | Element | null,
  signal: AbortSignal,
): void {
  const listener = (message: unknown, sender: { id?: string }): Promise<Reply> | undefined => {
    const request = message as Partial<TabRequest> | null;
    if (sender.id !== browser.runtime.id || request?.sottoTab !== RPC_VERSION) return;
    if (request.type !== 'conversation.current') return;
    const root = currentRoot();
    return Promise.resolve(root ? readConversation(root) : null);
  };
  browser.runtime.onMessage.addListener(listener);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(listener));
}
