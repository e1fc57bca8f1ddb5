import { useEffect, useLayoutEffect } from 'preact/hooks';
import { postToHost } from '@/lib/rpc/frame';

/** The document's height, and for a reader each message's: what a re-created row should measure. */
function reportLayout(hostOrigin: string): void {
  const entries = document.querySelectorAll('[data-sotto-entry]');
  const parts =
    entries.length > 0
      ? [...entries].map((entry) => entry.getBoundingClientRect().height)
      : undefined;
  postToHost(
    { type: 'resize', height: document.documentElement.scrollHeight, ...(parts && { parts }) },
    hostOrigin,
  );
}

/**
 * In an extension frame: report the document's height whenever it changes so the content
 * script can size the iframe, and say "ready" once the frame has what it needs from the
 * vault (a reader: with the version of its message list). Layout only: nothing here may
 * carry message content.
 */
export function useFrameLayout(
  hostOrigin: string,
  ready: boolean,
  version?: number,
  /**
   * Report the size only when this changes (a frame whose size follows what the user types
   * passes the state that legitimately changes its layout): the page sets the frame's width and
   * reads every height it is told, so a size that follows typing would tell it line breaks and
   * word lengths. Without it, every resize is reported.
   */
  layoutKey?: string,
): void {
  const followsResizes = layoutKey === undefined;
  useEffect(() => {
    if (!followsResizes) return;
    const observer = new ResizeObserver(() => reportLayout(hostOrigin));
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [hostOrigin, followsResizes]);

  // A layout effect, so the size goes before "ready" (posted from a plain effect): a frame
  // that said ready at its initial height would show its buttons clipped for a moment.
  useLayoutEffect(() => {
    if (layoutKey !== undefined) reportLayout(hostOrigin);
  }, [hostOrigin, layoutKey]);

  useEffect(() => {
    if (!ready) return;
    postToHost(version === undefined ? { type: 'ready' } : { type: 'ready', version }, hostOrigin);
    // The size goes again after "ready": a reader the page re-used for other rows may have
    // reported its earlier rows' size last, and its new list may measure the same.
    if (version !== undefined) reportLayout(hostOrigin);
  }, [hostOrigin, ready, version]);
}
