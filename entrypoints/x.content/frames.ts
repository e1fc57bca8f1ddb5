import { browser } from 'wxt/browser';
import { listenToFrame } from '@/lib/rpc/frame';
import { readTheme } from '@/lib/sites/x/theme';

/** Our extension's origin, to check frame messages against. */
export const extensionOrigin = (): string => new URL(browser.runtime.getURL('/')).origin;

/**
 * An iframe of one of our extension pages, told which host embeds it and X's theme. The
 * frame sizes itself through layout messages; `onReady` runs when it says it is ready.
 */
export function createExtensionFrame(
  page: 'compose.html' | 'reader.html',
  kind: 'compose-frame' | 'reader',
  params: Record<string, string>,
  signal: AbortSignal,
  handlers: { onReady?: (frame: HTMLIFrameElement) => void; onClose?: () => void } = {},
  initialHeight = 40,
): HTMLIFrameElement {
  const iframe = document.createElement('iframe');
  iframe.dataset.sotto = kind;
  const url = new URL(browser.runtime.getURL(`/${page}`));
  url.searchParams.set('host', location.origin);
  url.searchParams.set('theme', readTheme());
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  iframe.title = kind === 'reader' ? 'Sotto encrypted message' : 'Sotto secure message';
  Object.assign(iframe.style, {
    display: 'block',
    width: '100%',
    height: `${initialHeight}px`,
    border: '0',
    background: 'transparent',
    colorScheme: 'normal',
  });
  listenToFrame(
    iframe,
    extensionOrigin(),
    (message) => {
      if (message.type === 'ready') {
        iframe.dataset.sottoFrame = 'ready';
        handlers.onReady?.(iframe);
      }
      if (message.type === 'resize') iframe.style.height = `${message.height}px`;
      if (message.type === 'close') handlers.onClose?.();
    },
    signal,
  );
  iframe.src = url.href;
  return iframe;
}
