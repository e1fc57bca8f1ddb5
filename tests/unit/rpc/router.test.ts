import { describe, expect, test, vi } from 'vitest';
import { RPC_VERSION } from '../../../lib/rpc/protocol';
import { createRouter, type Handlers, VaultRefusal } from '../../../lib/rpc/router';
import { classifySender } from '../../../lib/rpc/sender';

const extension = { id: 'sotto-id', baseUrl: 'chrome-extension://sotto-id/' };
const contentSender = {
  id: 'sotto-id',
  url: 'https://x.com/i/chat/1-2',
  tab: { id: 7 },
  frameId: 0,
};
const pageSender = { id: 'sotto-id', url: 'chrome-extension://sotto-id/popup.html' };
const frameSender = {
  id: 'sotto-id',
  url: 'chrome-extension://sotto-id/compose.html?host=https://x.com',
  tab: { id: 7 },
  frameId: 3,
};

function makeRouter(overrides: Partial<Handlers> = {}) {
  // Only the requests these tests make; the router looks handlers up by type.
  const handlers = {
    status: () => ({ version: '1.0.0', state: 'ready', hasPassphrase: false }),
    'content.hello': (_input, context) => ({ tabId: context.tabId ?? -1 }),
    'settings.get': () => ({ signalingUrl: 'https://peer.example/', iceServers: [] }),
    ...overrides,
  } as Handlers;
  const log = vi.fn();
  return { ...createRouter(handlers, extension, log), log };
}

describe('classifySender', () => {
  test.each([
    [contentSender, 'content'],
    [{ ...contentSender, url: 'https://twitter.com/home' }, 'content'],
    [pageSender, 'page'],
    [frameSender, 'frame'],
    [{ ...frameSender, url: 'chrome-extension://sotto-id/reader.html#x' }, 'frame'],
    [{ ...frameSender, url: 'chrome-extension://sotto-id/decision.html?id=1' }, 'page'],
    [{ ...contentSender, id: 'other-extension' }, null],
    [{ ...contentSender, url: 'https://evil.example/' }, null],
    [{ ...contentSender, url: 'https://x.com.evil.example/' }, null],
    [{ ...contentSender, tab: undefined }, null],
    [{ ...pageSender, url: 'chrome-extension://other-id/popup.html' }, null],
    [{ ...pageSender, url: undefined }, null],
  ])('%j → %s', (sender, expected) => {
    expect(classifySender(sender, extension)).toBe(expected);
  });
});

describe('createRouter', () => {
  test('answers allowed requests with the handler result and the caller context', async () => {
    const { listener } = makeRouter();
    expect(
      await listener(
        { sotto: RPC_VERSION, type: 'content.hello', input: { site: 'x' } },
        contentSender,
      ),
    ).toEqual({
      ok: true,
      value: { tabId: 7 },
    });
    expect(await listener({ sotto: RPC_VERSION, type: 'status', input: {} }, pageSender)).toEqual({
      ok: true,
      value: { version: '1.0.0', state: 'ready', hasPassphrase: false },
    });
  });

  test('refuses and logs a request from a caller not allowed to make it', async () => {
    const { listener, stats, log } = makeRouter();
    const reply = await listener(
      { sotto: RPC_VERSION, type: 'settings.get', input: {} },
      contentSender,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(stats.refused).toBe(1);
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining('refused "settings.get" from content'),
    );
    // A content script cannot pretend to be a page by what it writes in the message.
    const forged = await listener(
      { sotto: RPC_VERSION, type: 'settings.get', input: {}, caller: 'page' },
      contentSender,
    );
    expect(forged).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  test('refuses unknown senders outright', async () => {
    const { listener, stats } = makeRouter();
    const reply = await listener(
      { sotto: RPC_VERSION, type: 'status', input: {} },
      { id: 'sotto-id', url: 'https://evil.example/', tab: { id: 1 } },
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(stats.refused).toBe(1);
  });

  test('drops and counts malformed or unknown requests', async () => {
    const { listener, stats } = makeRouter();
    expect(
      await listener({ sotto: RPC_VERSION, type: 'keys.export', input: {} }, pageSender),
    ).toMatchObject({ ok: false, error: { code: 'UNKNOWN_REQUEST' } });
    expect(await listener({ sotto: 99, type: 'status', input: {} }, pageSender)).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_REQUEST' },
    });
    expect(
      await listener({ sotto: RPC_VERSION, type: 'status', input: { extra: 1 } }, pageSender),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(
      await listener(
        { sotto: RPC_VERSION, type: 'content.hello', input: { site: 'facebook' } },
        contentSender,
      ),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(stats.dropped).toBe(4);
  });

  test('ignores messages that are not Sotto requests, so other listeners may answer', () => {
    const { listener } = makeRouter();
    expect(listener('hello', pageSender)).toBeUndefined();
    expect(listener(null, pageSender)).toBeUndefined();
    expect(listener({ type: 'status' }, pageSender)).toBeUndefined();
  });

  test('a handler failure becomes INTERNAL without leaking its message; a refusal keeps its code', async () => {
    const secret = 'plaintext that must not leak';
    const { listener, log } = makeRouter({
      status: () => {
        throw new Error(secret);
      },
      'settings.get': () => {
        throw new VaultRefusal({ code: 'LOCKED', text: { key: 'errorLocked' } });
      },
    });
    const reply = await listener({ sotto: RPC_VERSION, type: 'status', input: {} }, pageSender);
    expect(reply).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(reply)).not.toContain(secret);
    expect(JSON.stringify(log.mock.calls)).not.toContain(secret);
    expect(
      await listener({ sotto: RPC_VERSION, type: 'settings.get', input: {} }, pageSender),
    ).toEqual({
      ok: false,
      error: { code: 'LOCKED', text: { key: 'errorLocked' } },
    });
  });
});
