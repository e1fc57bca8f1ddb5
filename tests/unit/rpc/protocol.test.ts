import { describe, expect, test } from 'vitest';
import { ALLOWED_CALLERS, MAX_INGEST_ROWS, type RequestType } from '../../../lib/rpc/protocol';
import { INPUT_GUARDS } from '../../../lib/rpc/validate';

describe('what the content script may ask', () => {
  // Isolation rule 2: the content script runs inside the hostile page's document. Every
  // request it may make must answer with status and ids only. Adding one here is a security
  // review, not a refactor.
  test('is exactly the reviewed set, none of which returns plaintext or keys', () => {
    const contentCallable = (Object.keys(ALLOWED_CALLERS) as RequestType[]).filter((type) =>
      ALLOWED_CALLERS[type].includes('content'),
    );
    expect(contentCallable.sort()).toEqual([
      'call.start',
      'call.target',
      'content.hello',
      'message.ingestRows',
      'status',
    ]);
  });

  // Isolation rule 3: x.com can embed the compose and reader frames, restyle them (opacity 0)
  // and place them under the cursor. Nothing a frame may ask changes whom Sotto trusts.
  test('the frames x.com embeds can open the decision window but decide nothing themselves', () => {
    const frameCallable = (Object.keys(ALLOWED_CALLERS) as RequestType[]).filter((type) =>
      ALLOWED_CALLERS[type].includes('frame'),
    );
    expect(frameCallable.sort()).toEqual([
      'compose.invite',
      'compose.send',
      'compose.target',
      'conversation.messages',
      'decision.open',
      'draft.get',
      'draft.save',
      'mark.get',
      'message.get',
      'status',
    ]);
  });

  // The security mark proves a Sotto box is Sotto's because x.com cannot know it: the content
  // script (inside the page) may never read it, and nothing x.com embeds may change it.
  test('the security mark is read by frames and pages, and changed by pages only', () => {
    expect([...ALLOWED_CALLERS['mark.get']].sort()).toEqual(['frame', 'page']);
    expect(ALLOWED_CALLERS['mark.set']).toEqual(['page']);
  });

  test('every request has a guard and a caller list', () => {
    expect(Object.keys(INPUT_GUARDS).sort()).toEqual(Object.keys(ALLOWED_CALLERS).sort());
  });
});

describe('input guards', () => {
  const row = {
    rowId: 'b2b7e4c8-0000-4000-8000-000000000000',
    direction: 'in',
    text: 'SOTTO1.abc.',
  };
  const ingest = { conversationId: '1001-1002', partner: 'bob', rows: [row] };

  test('accept well-formed input', () => {
    expect(INPUT_GUARDS['message.ingestRows'](ingest)).toBe(true);
    expect(
      INPUT_GUARDS['message.ingestRows']({
        ...ingest,
        rows: Array.from({ length: MAX_INGEST_ROWS }, () => row),
      }),
    ).toBe(true);
    expect(
      INPUT_GUARDS['compose.send']({ conversationId: '1001-1002', partner: 'bob', text: 'hi' }),
    ).toBe(true);
    expect(INPUT_GUARDS['message.get']({ messageId: 'a'.repeat(64) })).toBe(true);
    expect(INPUT_GUARDS['contact.verify']({ handle: 'bob', verified: true })).toBe(true);
  });

  test.each([
    ['extra field', { ...ingest, extra: 1 }],
    ['extra row field', { ...ingest, rows: [{ ...row, extra: 1 }] }],
    ['missing row field', { ...ingest, rows: [{ ...row, rowId: undefined }] }],
    ['bad direction', { ...ingest, rows: [row, { ...row, direction: 'sideways' }] }],
    ['handle with a slash', { ...ingest, partner: 'bob/evil' }],
    ['conversation id with a path', { ...ingest, conversationId: '../1001' }],
    ['oversized text', { ...ingest, rows: [{ ...row, text: 'x'.repeat(10_001) }] }],
    ['text not a string', { ...ingest, rows: [{ ...row, text: { toString: () => 'SOTTO1.' } }] }],
    ['no rows', { ...ingest, rows: [] }],
    ['too many rows', { ...ingest, rows: Array.from({ length: MAX_INGEST_ROWS + 1 }, () => row) }],
    ['rows not a list', { ...ingest, rows: { 0: row, length: 1 } }],
    ['array', [ingest]],
    ['null', null],
  ])('reject %s', (_name, input) => {
    expect(INPUT_GUARDS['message.ingestRows'](input)).toBe(false);
  });

  test('call requests take a handle and a known media kind only', () => {
    expect(INPUT_GUARDS['call.target']({ handle: 'bob' })).toBe(true);
    expect(INPUT_GUARDS['call.start']({ handle: 'bob', media: 'video' })).toBe(true);
    expect(INPUT_GUARDS['call.start']({ handle: 'bob', media: 'screen' })).toBe(false);
    expect(INPUT_GUARDS['call.start']({ handle: 'bob/../x', media: 'audio' })).toBe(false);
    expect(INPUT_GUARDS['call.target']({ handle: 'bob', conversationId: '1001-1002' })).toBe(false);
  });

  test('message ids are lowercase hex digests only', () => {
    expect(INPUT_GUARDS['message.get']({ messageId: 'A'.repeat(64) })).toBe(false);
    expect(INPUT_GUARDS['message.get']({ messageId: 'a'.repeat(15) })).toBe(false);
    expect(INPUT_GUARDS['invite.accept']({ messageId: `${'a'.repeat(63)}g` })).toBe(false);
    expect(INPUT_GUARDS['message.get']({ messageId: '../secret' })).toBe(false);
  });
});
