import { describe, expect, test, vi } from 'vitest';
import { ALLOWED_CALLERS, RPC_VERSION } from '../../../lib/rpc/protocol';
import { createRouter, type Handlers } from '../../../lib/rpc/router';
import { INPUT_GUARDS } from '../../../lib/rpc/validate';

describe('mark.get and mark.set input guards', () => {
  const mark = { color: 'green', emoji: ['🐝', '🍄', '⛵'] };

  test('mark.get takes nothing', () => {
    expect(INPUT_GUARDS['mark.get']({})).toBe(true);
    expect(INPUT_GUARDS['mark.get']({ name: 'user:settings' })).toBe(false);
    expect(INPUT_GUARDS['mark.get'](null)).toBe(false);
  });

  test('mark.set takes exactly a valid mark', () => {
    expect(INPUT_GUARDS['mark.set'](mark)).toBe(true);
    expect(INPUT_GUARDS['mark.set']({ ...mark, color: 'rebeccapurple' })).toBe(false);
    expect(INPUT_GUARDS['mark.set']({ ...mark, emoji: ['🐝', '🐝', '⛵'] })).toBe(false);
    expect(INPUT_GUARDS['mark.set']({ ...mark, emoji: ['🐝', '🍄'] })).toBe(false);
    expect(INPUT_GUARDS['mark.set']({ ...mark, emoji: ['🐝', '🍄', '<b>'] })).toBe(false);
    expect(INPUT_GUARDS['mark.set']({ ...mark, extra: true })).toBe(false);
    expect(INPUT_GUARDS['mark.set']({})).toBe(false);
  });

  test('who may call', () => {
    expect(ALLOWED_CALLERS['mark.get']).not.toContain('content');
    expect(ALLOWED_CALLERS['mark.set']).not.toContain('frame');
    expect(ALLOWED_CALLERS['mark.set']).not.toContain('content');
  });
});

describe('the router keeps the mark from the page', () => {
  const extension = { id: 'sotto-id', baseUrl: 'chrome-extension://sotto-id/' };
  const content = { id: 'sotto-id', url: 'https://x.com/i/chat/1-2', tab: { id: 7 }, frameId: 0 };
  const frame = {
    id: 'sotto-id',
    url: 'chrome-extension://sotto-id/reader.html?host=https://x.com',
    tab: { id: 7 },
    frameId: 3,
  };
  const page = { id: 'sotto-id', url: 'chrome-extension://sotto-id/options.html' };
  const mark = { color: 'green', emoji: ['🐝', '🍄', '⛵'] };

  function router() {
    const get = vi.fn(() => mark);
    const set = vi.fn((input: unknown) => input);
    const handlers = { 'mark.get': get, 'mark.set': set } as unknown as Handlers;
    return { ...createRouter(handlers, extension, () => {}), get, set };
  }
  const ask = (type: string, input: unknown) => ({ sotto: RPC_VERSION, type, input });

  test('the content script cannot read it', async () => {
    const { listener, get } = router();
    const answer = await listener(ask('mark.get', {}), content);
    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(get).not.toHaveBeenCalled();
    expect(JSON.stringify(answer)).not.toContain('🐝');
  });

  test('frames read it; only pages change it', async () => {
    const { listener, get, set } = router();
    expect(await listener(ask('mark.get', {}), frame)).toEqual({ ok: true, value: mark });
    expect(get).toHaveBeenCalledTimes(1);
    for (const sender of [frame, content]) {
      expect(await listener(ask('mark.set', mark), sender)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(set).not.toHaveBeenCalled();
    expect(await listener(ask('mark.set', mark), page)).toEqual({ ok: true, value: mark });
    expect(set).toHaveBeenCalledTimes(1);
  });

  test('a page cannot store anything but a mark', async () => {
    const { listener, set } = router();
    const answer = await listener(ask('mark.set', { ...mark, color: 'url(x)' }), page);
    expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(set).not.toHaveBeenCalled();
  });
});
