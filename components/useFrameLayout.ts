import { useEffect } from 'preact/hooks';
import { postToHost } from '@/lib/rpc/frame';

/**
 * In an extension frame: report the document's height whenever it changes so the content
 * script can size the iframe, and say "ready" once the frame has what it needs from the
 * vault. Layout only: nothing here may carry message content.
 */
export function useFrameLayout(hostOrigin: string, ready: boolean): void {
  useEffect(() => {
    const report = () =>
      postToHost({ type: 'resize', height: document.documentElement.scrollHeight }, hostOrigin);
    const observer = new ResizeObserver(report);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [hostOrigin]);

  useEffect(() => {
    if (ready) postToHost({ type: 'ready' }, hostOrigin);
  }, [hostOrigin, ready]);
}
