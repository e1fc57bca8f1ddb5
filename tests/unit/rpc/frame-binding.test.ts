import { describe, expect, test } from 'vitest';
import { frameConversation, mayConcern } from '../../../lib/rpc/frame-binding';

// x.com can embed a reader with another conversation's message ids in its URL: what a frame
// may see is decided by the tab the browser says it is in.
describe('frame binding', () => {
  const inChat = { caller: 'frame' as const, tabUrl: 'https://x.com/i/chat/1001-1002' };

  test("a frame concerns only its tab's conversation", () => {
    expect(frameConversation(inChat)).toBe('1001-1002');
    expect(mayConcern(inChat, '1001-1002')).toBe(true);
    expect(mayConcern(inChat, '1001-1003')).toBe(false);
  });

  test('a frame outside a conversation, or with no tab, concerns none', () => {
    for (const tabUrl of [
      undefined,
      'https://x.com/home',
      'https://x.com/bob',
      'chrome-extension://id/reader.html',
    ]) {
      expect(frameConversation({ tabUrl })).toBeNull();
      expect(mayConcern({ caller: 'frame', tabUrl }, '1001-1002')).toBe(false);
    }
  });

  test('extension pages x.com cannot embed concern any; the content script none', () => {
    expect(mayConcern({ caller: 'page', tabUrl: undefined }, '1001-1002')).toBe(true);
    expect(mayConcern({ caller: 'content', tabUrl: inChat.tabUrl }, '1001-1002')).toBe(false);
  });
});
