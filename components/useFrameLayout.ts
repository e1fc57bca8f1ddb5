import { useEffect } from 'preact/hooks';
import { postToHost } from '@/lib/rpc/frame';

/**
 * In an extension frame: report the document's height whenever it changes so the content
 * script can size the iframe, and say "ready" once the frame has what it needs from the
 * vault (a reader: with the version of its message list). Layout only: nothing here may
 * carry message content.
 */
export function useFrameLayout(hostOrigin: string, ready: boolean, version?: number): void {
  useEffect(() => {
    const report = () => {
      // A reader's messages, each: what a re-created row of that message should measure.
      const entries = document.querySelectorAll('[data-sotto-entry]');
      const parts =
        entries.length > 0
          ? [...entries].map((entry) => entry.getBoundingClientRect().height)
          : undefined;
      postToHost(
        { type: 'resize', height: document.documentElement.scrollHeight, ...(parts && { parts }) },
        hostOrigin,
      );
    };
    const observer = new ResizeObserver(report);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [hostOrigin]);

  useEffect(() => {
    if (ready)
      postToHost(
        version === undefined ? { type: 'ready' } : { type: 'ready', version },
        hostOrigin,
      );
  }, [hostOrigin, ready, version]);
}
