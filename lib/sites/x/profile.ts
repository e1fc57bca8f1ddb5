/**
 * Reading x.com's profile pages and the signed-in user: whose profile this is, whether it is
 * one's own, and where X's action row (More · Message · Follow) is.
 */
import { isHandle, parseRoute } from './routes';
import { X_SELECTORS } from './selectors';

/** The signed-in user's handle, from the left navigation's profile link; null if not found. */
export function readOwnHandle(doc: ParentNode = document): string | null {
  const link = doc.querySelector<HTMLAnchorElement>(X_SELECTORS.ownProfileLink);
  const handle = link?.getAttribute('href')?.replace(/^\//, '') ?? '';
  if (isHandle(handle)) return handle;
  // The account switcher shows "@handle" too.
  const switcher = doc.querySelector(X_SELECTORS.accountSwitcher)?.textContent ?? '';
  const match = /@([A-Za-z0-9_]{1,15})\b/.exec(switcher);
  return match?.[1] ?? null;
}

export interface ProfileActions {
  /** Whose profile, from the URL (cross-checked against the header when X shows it). */
  handle: string;
  /** X's Message button: call buttons go beside it, and it opens the conversation. */
  messageButton: HTMLButtonElement;
}

/**
 * Someone else's profile with X's action row, or null: not a profile URL, one's own profile,
 * or the header says it is another account than the URL (mid-navigation).
 */
export function readProfileActions(
  messageButton: HTMLButtonElement,
  href: string = location.href,
  doc: ParentNode = document,
): ProfileActions | null {
  const route = parseRoute(href);
  if (route.kind !== 'profile') return null;
  const own = readOwnHandle(doc);
  if (own !== null && own.toLowerCase() === route.handle.toLowerCase()) return null;
  const column = messageButton.closest(X_SELECTORS.primaryColumn) ?? doc;
  const shown = column.querySelector(X_SELECTORS.profileUserName)?.textContent;
  if (shown != null) {
    const handles = [...shown.matchAll(/@([A-Za-z0-9_]{1,15})/g)].map((m) => m[1]!.toLowerCase());
    if (handles.length > 0 && !handles.includes(route.handle.toLowerCase())) return null;
  }
  return { handle: route.handle, messageButton };
}
