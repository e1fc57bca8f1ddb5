/**
 * What kind of x.com page a URL is. Pure: tests pass example URLs (below) and every other
 * route's examples as negative cases.
 */

export type XRoute =
  | {
      kind: 'chat-conversation';
      conversationId: string;
      conversation: 'direct' | 'group' | 'unknown';
    }
  | { kind: 'chat-other' }
  | { kind: 'profile'; handle: string }
  | { kind: 'other' };

/** First path segments that are X's own pages, never a user's handle. */
const RESERVED_SEGMENTS = new Set([
  'home',
  'explore',
  'i',
  'messages',
  'settings',
  'notifications',
  'search',
  'compose',
  'login',
  'logout',
  'signup',
  'tos',
  'privacy',
  'jobs',
  'account',
  'intent',
  'hashtag',
  'share',
  'lists',
  'bookmarks',
  'communities',
  'premium',
  'verified-choose',
  'who_to_follow',
]);

const HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const PROFILE_TABS = new Set(['', 'with_replies', 'media', 'likes', 'highlights', 'articles']);
const DIRECT_ID = /^(\d+)-(\d+)$/;
const GROUP_ID = /^g\d+$/;

export const ROUTE_EXAMPLES = {
  'chat-conversation': ['https://x.com/i/chat/1001-1002', 'https://x.com/i/chat/g5551212'],
  'chat-other': [
    'https://x.com/i/chat',
    'https://x.com/i/chat/requests',
    'https://x.com/i/chat/pin/new',
  ],
  profile: ['https://x.com/bob', 'https://x.com/Bob_99/media', 'https://twitter.com/alice/'],
  other: [
    'https://x.com/home',
    'https://x.com/i/bookmarks',
    'https://x.com/settings/account',
    'https://x.com/bob/status/123',
  ],
} as const;

export function isHandle(value: string): boolean {
  return HANDLE.test(value);
}

export function classifyConversation(id: string): 'direct' | 'group' | 'unknown' {
  const direct = DIRECT_ID.exec(id);
  if (direct && BigInt(direct[1]!) < BigInt(direct[2]!)) return 'direct';
  if (GROUP_ID.test(id)) return 'group';
  return 'unknown';
}

export function parseRoute(href: string): XRoute {
  let path: string;
  try {
    path = new URL(href).pathname;
  } catch {
    return { kind: 'other' };
  }
  const segments = path.split('/').slice(1);
  if (segments[segments.length - 1] === '') segments.pop();
  const [first = '', second, third, ...rest] = segments;

  if (first === 'i' && second === 'chat') {
    const reserved = third === undefined || ['requests', 'pin', 'settings', 'new'].includes(third);
    if (reserved || rest.length > 0) return { kind: 'chat-other' };
    return {
      kind: 'chat-conversation',
      conversationId: third,
      conversation: classifyConversation(third),
    };
  }
  if (isHandle(first) && !RESERVED_SEGMENTS.has(first.toLowerCase())) {
    if (segments.length === 1 || (segments.length === 2 && PROFILE_TABS.has(second ?? ''))) {
      return { kind: 'profile', handle: first };
    }
  }
  return { kind: 'other' };
}
