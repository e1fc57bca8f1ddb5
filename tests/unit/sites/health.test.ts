import { parseHTML } from 'linkedom';
import { describe, expect, test } from 'vitest';
import { inEnglish } from '../../../lib/i18n/english';
import { assessChat } from '../../../lib/sites/x/health';

const DIRECT = 'https://x.com/i/chat/1001-1002';
const GROUP = 'https://x.com/i/chat/g5551212';

/** A conversation panel shaped like X's (X-DOM.md), with parts renamed or left out on demand. */
function chat({
  form = 'dm-composer-form',
  textarea = 'dm-composer-textarea',
  list = 'dm-message-list',
  header = true,
} = {}) {
  const { document } = parseHTML(`<html><body><div id="root">
    <section data-testid="dm-conversation-panel">
      ${header ? '<div data-testid="dm-conversation-header"><a href="/bob">Bob</a></div>' : ''}
      <div data-testid="dm-message-scroller"><div data-testid="${list}"></div></div>
      <form data-testid="${form}"><textarea data-testid="${textarea}"></textarea></form>
    </section></div></body></html>`);
  return document.getElementById('root')!;
}

describe('assessChat', () => {
  test('a conversation as X-DOM.md describes it is healthy', () => {
    expect(assessChat(chat(), DIRECT)).toEqual({ state: 'healthy' });
  });

  test('a renamed composer is reported, with a sentence the user can act on', () => {
    const health = assessChat(chat({ form: 'dm-composer', textarea: 'dm-composer-input' }), DIRECT);
    expect(health).toMatchObject({ state: 'degraded', missing: ['composer'] });
    expect(health.state === 'degraded' && inEnglish(health.text)).toMatch(
      /^Sotto can't find X's chat composer.*Reload the page/,
    );
  });

  test('a composer without the textarea Sotto fills is reported', () => {
    expect(assessChat(chat({ textarea: 'dm-composer-input' }), DIRECT)).toMatchObject({
      state: 'degraded',
      missing: ['composer-textarea'],
    });
  });

  test('a renamed message list and a missing header are reported, most important first', () => {
    expect(assessChat(chat({ list: 'dm-list', header: false }), DIRECT)).toMatchObject({
      state: 'degraded',
      missing: ['message-list', 'conversation-header'],
    });
  });

  test('a group conversation needs no partner header', () => {
    expect(assessChat(chat({ header: false }), GROUP)).toEqual({ state: 'healthy' });
  });

  test('nothing is judged off a conversation, before the panel, or on X\'s "not found" panel', () => {
    expect(assessChat(chat({ form: 'x' }), 'https://x.com/i/chat')).toEqual({
      state: 'not-applicable',
    });
    expect(assessChat(chat({ form: 'x' }), 'https://x.com/bob')).toEqual({
      state: 'not-applicable',
    });
    const { document } = parseHTML('<div id="root"><div data-testid="dm-inbox-panel"></div></div>');
    expect(assessChat(document.getElementById('root')!, DIRECT)).toEqual({
      state: 'not-applicable',
    });
    const notFound = parseHTML(
      '<div id="root"><section data-testid="dm-conversation-panel"><h2>Conversation not found</h2></section></div>',
    ).document.getElementById('root')!;
    expect(assessChat(notFound, DIRECT)).toEqual({ state: 'not-applicable' });
  });
});
