import { hostOriginFromLocation, listenToHost } from '@/lib/rpc/frame';

export interface FrameParams {
  hostOrigin: string;
  theme: 'light' | 'dark' | null;
}

/** What every extension frame is told by the content script that mounts it. */
export function readFrameParams(search: string): FrameParams | null {
  const hostOrigin = hostOriginFromLocation(search);
  if (hostOrigin === null) return null;
  const theme = new URLSearchParams(search).get('theme');
  return { hostOrigin, theme: theme === 'dark' || theme === 'light' ? theme : null };
}

/** Follow X's theme rather than the system's, so the frame matches the page around it. */
export function applyTheme(theme: 'light' | 'dark' | null): void {
  if (theme) document.documentElement.dataset.theme = theme;
  document.documentElement.style.background = 'transparent';
  document.body.style.background = 'transparent';
}

/** Keep following X's theme when the user switches it while the frame is open. */
export function followHostTheme(hostOrigin: string): void {
  listenToHost(hostOrigin, (message) => {
    if (message.type === 'theme') applyTheme(message.theme);
  });
}
