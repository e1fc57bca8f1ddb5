import { describe, expect, test } from 'vitest';
import { classifyConversation, parseRoute, ROUTE_EXAMPLES } from '../../../lib/sites/x/routes';

describe('parseRoute', () => {
  // Every example is a positive case for its own kind and a negative case for the others.
  for (const [kind, urls] of Object.entries(ROUTE_EXAMPLES)) {
    test.each(urls)(`%s is ${kind}`, (url) => {
      expect(parseRoute(url).kind).toBe(kind);
    });
  }

  test('conversation ids and their kinds', () => {
    expect(parseRoute('https://x.com/i/chat/1001-1002')).toEqual({
      kind: 'chat-conversation',
      conversationId: '1001-1002',
      conversation: 'direct',
    });
    expect(parseRoute('https://x.com/i/chat/g5551212')).toMatchObject({ conversation: 'group' });
    expect(parseRoute('https://x.com/i/chat/1002-1001')).toMatchObject({ conversation: 'unknown' });
    expect(parseRoute('https://x.com/i/chat/abc')).toMatchObject({ conversation: 'unknown' });
  });

  test('profile handles, and names that are not handles', () => {
    expect(parseRoute('https://x.com/Bob_99/media')).toEqual({ kind: 'profile', handle: 'Bob_99' });
    expect(parseRoute('https://x.com/explore').kind).toBe('other');
    expect(parseRoute('https://x.com/Home').kind).toBe('other');
    expect(parseRoute('https://x.com/this_handle_is_too_long').kind).toBe('other');
    expect(parseRoute('https://x.com/').kind).toBe('other');
    expect(parseRoute('not a url').kind).toBe('other');
  });

  test('direct ids compare numerically, not as text (X ids exceed 2^53)', () => {
    expect(classifyConversation('9-10')).toBe('direct');
    expect(classifyConversation('1234567890123456789-1234567890123456790')).toBe('direct');
    expect(classifyConversation('10-9')).toBe('unknown');
  });
});
