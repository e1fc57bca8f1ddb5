/**
 * Calls `onElement` once for every element matching `selector` under `root`, now and as the
 * page adds them, without polling. Each call gets a signal that aborts when the element
 * leaves the document or the whole observation is aborted, so per-element UI cleans up.
 * Changes that only add or remove nodes `ignore` accepts (the caller's own, which hold no
 * match) do not start a look through `root`.
 */
export function observeElements<E extends Element>(
  root: ParentNode & Node,
  selector: string,
  onElement: (element: E, signal: AbortSignal) => void,
  signal: AbortSignal,
  ignore?: (node: Node) => boolean,
): void {
  const live = new Map<E, AbortController>();

  function scan(): void {
    for (const [element, controller] of live) {
      if (!element.isConnected) {
        controller.abort();
        live.delete(element);
      }
    }
    for (const element of root.querySelectorAll<E>(selector)) {
      if (live.has(element)) continue;
      const controller = new AbortController();
      live.set(element, controller);
      onElement(element, controller.signal);
    }
  }

  const onlyIgnored = (records: MutationRecord[]): boolean => {
    if (!ignore) return false;
    for (const record of records) {
      for (const node of record.addedNodes) if (!ignore(node)) return false;
      for (const node of record.removedNodes) if (!ignore(node)) return false;
    }
    return true;
  };
  const observer = new MutationObserver((records) => {
    if (!onlyIgnored(records)) scan();
  });
  observer.observe(root, { childList: true, subtree: true });
  signal.addEventListener('abort', () => {
    observer.disconnect();
    for (const controller of live.values()) controller.abort();
    live.clear();
  });
  scan();
}
