import { browser } from 'wxt/browser';
import { RPC_VERSION, type TabRequest, type TabRequests } from '@/lib/rpc/protocol';
import { readConversation, sendThroughComposer } from '@/lib/sites/x/adapter';
import { X_SELECTORS } from '@/lib/sites/x/selectors';

const COMPOSE_FRAME_SELECTOR = 'iframe[data-sotto="compose-frame"]';

type Reply = TabRequests['envelope.send']['output'];

function isEnvelopeSend(message: unknown): message is TabRequest<'envelope.send'> {
  if (typeof message !== 'object' || message === null) return false;
  const { sottoTab, type, input } = message as Partial<TabRequest<'envelope.send'>>;
  return (
    sottoTab === RPC_VERSION &&
    type === 'envelope.send' &&
    typeof input?.conversationId === 'string' &&
    Array.isArray(input.parts) &&
    input.parts.length > 0 &&
    input.parts.every((part) => typeof part === 'string')
  );
}

/**
 * Answers the background's "send these envelopes" requests: only in the conversation they
 * were sealed for, through X's own composer, one part after another, verified each time.
 */
export function initEnvelopeSender(
  currentRoot: () => ShadowRoot | Element | null,
  signal: AbortSignal,
): void {
  let queue = Promise.resolve();
  const listener = (message: unknown, sender: { id?: string }): Promise<Reply> | undefined => {
    if (sender.id !== browser.runtime.id || !isEnvelopeSend(message)) return;
    const { conversationId, parts } = message.input;
    // One send at a time: two compose actions must not interleave in X's textarea.
    const run = queue.then(async (): Promise<Reply> => {
      const root = currentRoot();
      if (!root?.querySelector(X_SELECTORS.composerTextarea))
        return { sent: false, reason: 'composer-missing' };
      if (readConversation(root)?.conversationId !== conversationId) {
        return { sent: false, reason: 'wrong-conversation' };
      }
      try {
        for (const part of parts) {
          if (!(await sendThroughComposer(root, part))) return { sent: false, reason: 'not-shown' };
        }
        return { sent: true };
      } finally {
        // Sending focused X's textarea. Never leave it there: the user's next keystrokes
        // would go to the page in plaintext. Back to the compose frame, or nowhere.
        root.querySelector<HTMLTextAreaElement>(X_SELECTORS.composerTextarea)?.blur();
        root.querySelector<HTMLIFrameElement>(COMPOSE_FRAME_SELECTOR)?.focus();
      }
    });
    queue = run.then(() => undefined);
    return run;
  };
  browser.runtime.onMessage.addListener(listener);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(listener));
}
