/**
 * Notices single-page navigation without polling and without touching page globals: an
 * isolated-world script cannot see the page's own `pushState`, but every navigation on X
 * re-renders something, so a cheap `location.href` comparison runs on DOM mutations (in the
 * document and in any shadow root added with `watchRoot`) and on `popstate`.
 */
export class LocationWatcher extends EventTarget {
  private href = location.href;
  private scheduled = false;
  private readonly observer = new MutationObserver(() => this.schedule());

  constructor(signal: AbortSignal) {
    super();
    this.observer.observe(document, { childList: true, subtree: true });
    window.addEventListener('popstate', () => this.schedule(), { signal });
    signal.addEventListener('abort', () => this.observer.disconnect());
  }

  /** Also watch mutations inside a shadow root (document observers stop at its boundary). */
  watchRoot(root: ShadowRoot | Element): void {
    this.observer.observe(root, { childList: true, subtree: true });
  }

  get current(): string {
    return this.href;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (location.href === this.href) return;
      this.href = location.href;
      this.dispatchEvent(new Event('change'));
    });
  }
}
