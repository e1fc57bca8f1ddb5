import { observeElements } from '../../dom/observe';
import { X_SELECTORS } from './selectors';

/** Delays for re-checking a chat host whose shadow root is not attached yet. */
const ATTACH_RECHECK_MS = [16, 50, 100, 200, 400, 800, 1600, 3200];

/**
 * Finds the root that holds X's chat UI: the open shadow root of each `xchatEmbedRoute`
 * host, or the host itself where X renders without a shadow root (seen in early 2026).
 * X may attach the shadow root after the host appears, with no mutation to observe, so a
 * host without one is re-checked on a short, bounded schedule.
 */
export function observeChatRoots(
  onRoot: (root: ShadowRoot | Element, signal: AbortSignal) => void,
  signal: AbortSignal,
): void {
  observeElements(
    document,
    X_SELECTORS.chatEmbedRoute,
    (host, hostSignal) => {
      let attempt = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tryAttach = (): void => {
        const root = host.shadowRoot;
        if (root) {
          onRoot(root, hostSignal);
          return;
        }
        if (host.querySelector(X_SELECTORS.conversationPanel)) {
          onRoot(host, hostSignal);
          return;
        }
        const delay = ATTACH_RECHECK_MS[attempt++];
        if (delay !== undefined) timer = setTimeout(tryAttach, delay);
      };
      hostSignal.addEventListener('abort', () => clearTimeout(timer));
      tryAttach();
    },
    signal,
  );
}
