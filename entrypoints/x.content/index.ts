import { LocationWatcher } from '@/lib/dom/location';
import { callVault } from '@/lib/rpc/client';
import { HOST_MATCHES } from '@/lib/sites/hosts';
import { observeChatRoots } from '@/lib/sites/x/chat-root';
import { initHeaderCallButtons, initProfileCallButtons } from './call-buttons';
import { initComposeButton } from './compose-button';
import { initConversationReporter } from './conversation-reporter';
import { initEnvelopeSender } from './envelope-sender';
import { initFrameTheme } from './frames';
import { initHealthNotice } from './health-notice';
import { initInboxPreviews } from './inbox-previews';
import { initMessageRows } from './message-rows';

/**
 * The x.com content script: thin glue. It finds X's chat UI and mounts Sotto's entry points
 * there; it only ever handles ciphertext and opaque ids (isolation rule 2).
 */
export default defineContentScript({
  matches: HOST_MATCHES,
  runAt: 'document_idle',
  async main(ctx) {
    const controller = new AbortController();
    ctx.onInvalidated(() => controller.abort());
    const { signal } = controller;

    const hello = await callVault('content.hello', { site: 'x' });
    const vaultState = hello.ok ? 'connected' : 'unavailable';
    const navigation = new LocationWatcher(signal);
    const roots = new Set<ShadowRoot | Element>();

    const currentRoot = () => [...roots].find((root) => root.isConnected) ?? null;
    initEnvelopeSender(currentRoot, signal);
    initConversationReporter(currentRoot, signal);
    initProfileCallButtons(navigation, signal);
    initFrameTheme(signal);

    observeChatRoots((root, rootSignal) => {
      roots.add(root);
      rootSignal.addEventListener('abort', () => roots.delete(root));
      const scoped = AbortSignal.any([signal, rootSignal]);
      navigation.watchRoot(root);
      initComposeButton(root, navigation, vaultState, scoped);
      initHeaderCallButtons(root, navigation, scoped);
      initHealthNotice(root, navigation, scoped);
      initMessageRows(root, scoped);
      initInboxPreviews(root, scoped);
    }, signal);
  },
});
