import { browser } from 'wxt/browser';
import { t } from '@/lib/i18n';
import { listenToFrame, postToFrame } from '@/lib/rpc/frame';
import { readTheme, watchTheme } from '@/lib/sites/x/theme';

/** Our extension's origin, to check frame messages against. */
export const extensionOrigin = (): string => new URL(browser.runtime.getURL('/')).origin;

/** Every frame on the page, to tell them when X's theme changes. */
const liveFrames = new Set<HTMLIFrameElement>();
let theme: 'light' | 'dark' | null = null;
const currentTheme = (): 'light' | 'dark' => theme ?? readTheme();

/** Frames follow X's light/dark theme, also when the user switches it without a reload. */
export function initFrameTheme(signal: AbortSignal): void {
  theme = readTheme();
  watchTheme((next) => {
    theme = next;
    const origin = extensionOrigin();
    for (const frame of liveFrames) postToFrame(frame, { type: 'theme', theme: next }, origin);
  }, signal);
}

/**
 * An iframe of one of our extension pages, told which host embeds it and X's theme. The
 * frame sizes itself through layout messages; `onReady` runs when it says it is ready.
 */
export function createExtensionFrame(
  page: 'compose.html' | 'reader.html',
  kind: 'compose-frame' | 'reader',
  params: Record<string, string>,
  signal: AbortSignal,
  handlers: {
    /** `version`: a reader shows every message of the list posted with that number. */
    onReady?: (frame: HTMLIFrameElement, version: number) => void;
    onClose?: () => void;
    /** The frame asks for `height`; `apply` resizes it (default: at once). */
    onResize?: (height: number, apply: () => void, parts?: number[]) => void;
  } = {},
  initialHeight = 40,
): HTMLIFrameElement {
  const iframe = document.createElement('iframe');
  iframe.dataset.sotto = kind;
  const url = new URL(browser.runtime.getURL(`/${page}`));
  url.searchParams.set('host', location.origin);
  const createdWith = currentTheme();
  url.searchParams.set('theme', createdWith);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  iframe.title = kind === 'reader' ? t('xFrameReader') : t('xFrameCompose');
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
        // The theme may have changed while the frame loaded (posting to a frame is not free:
        // only then).
        if (currentTheme() !== createdWith)
          postToFrame(iframe, { type: 'theme', theme: currentTheme() }, extensionOrigin());
        handlers.onReady?.(iframe, message.version ?? 0);
      }
      if (message.type === 'resize') {
        const apply = () => {
          iframe.style.height = `${message.height}px`;
        };
        if (handlers.onResize) handlers.onResize(message.height, apply, message.parts);
        else apply();
      }
      if (message.type === 'close') handlers.onClose?.();
    },
    signal,
  );
  liveFrames.add(iframe);
  signal.addEventListener('abort', () => liveFrames.delete(iframe));
  iframe.src = url.href;
  return iframe;
}
