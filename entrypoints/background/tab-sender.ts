import { browser } from 'wxt/browser';
import { rpcError } from '@/lib/rpc/errors';
import { RPC_VERSION, type TabRequest, type TabRequests } from '@/lib/rpc/protocol';
import { VaultRefusal } from '@/lib/rpc/router';

/**
 * Asks the content script in the tab's top frame to put envelopes into X's composer and send
 * them. The envelopes are ciphertext: the content script may hold them, the page will see them.
 */
export async function sendThroughTab(
  tabId: number | undefined,
  conversationId: string,
  parts: string[],
): Promise<TabRequests['envelope.send']['output']> {
  if (tabId === undefined) throw new VaultRefusal(rpcError('COMPOSER_MISSING'));
  const request: TabRequest<'envelope.send'> = {
    sottoTab: RPC_VERSION,
    type: 'envelope.send',
    input: { conversationId, parts },
  };
  try {
    const reply = (await browser.tabs.sendMessage(tabId, request, { frameId: 0 })) as
      | TabRequests['envelope.send']['output']
      | undefined;
    return reply ?? { sent: false, reason: 'no-answer' };
  } catch {
    return { sent: false, reason: 'no-content-script' };
  }
}
