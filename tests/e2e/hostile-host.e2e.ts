import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Fixture, flipChar } from '../fixtures/server';
import { selectedBrowsers } from './harness/browsers';
import { startE2EFixture } from './harness/host';
import { Pair } from './harness/pair';
import { flushSpy, readerState, timeline, waitForTimeline } from './harness/sotto';
import { deepCount } from './harness/x-page';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

/**
 * The host plays every trick it can on the ciphertext it carries. Each must be detected and
 * shown to the user, never displayed as genuine, and nothing may break.
 */
describe.each(selectedBrowsers())('a hostile host in %s', (browserName) => {
  let pair: Pair;
  const conv = '1001-1002';
  const plaintexts: string[] = [];
  const secret = (label: string) => {
    const text = `${label}-${browserName}-${Math.random().toString(36).slice(2, 10)}`;
    plaintexts.push(text);
    return text;
  };
  const bobShows = async (text: string) => (await pair.shown('bob')).filter((m) => m.text === text);

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName);
    await pair.establish();
    const warmUp = secret('warm-up');
    await pair.send('alice', warmUp);
    // `send` returns once X delivered it; each test below counts what Bob's vault holds, so
    // the warm-up must be in it first or it would pass for the test's own message.
    await pair.waitForText('bob', warmUp);
  });

  afterAll(async () => {
    await pair?.close();
  });

  test('an altered envelope is not shown as genuine: "couldn\'t be verified"', async () => {
    const before = (await pair.shown('bob')).length;
    fixture.adversary.next({ kind: 'alter', transform: flipChar }, conv);
    const text = secret('altered');
    await pair.send('alice', text);
    await pair.waitForShown('bob', before + 1);
    const last = (await pair.shown('bob')).at(-1);
    expect(last).toMatchObject({ state: 'error', error: 'unverifiable', text: null });
    expect(await bobShows(text)).toEqual([]);
  });

  test('a forged envelope is rejected', async () => {
    const before = (await pair.shown('bob')).length;
    fixture.adversary.forge({ convId: conv, from: 'alice', text: `SOTTO1.${'A'.repeat(160)}.` });
    await pair.waitForShown('bob', before + 1);
    expect((await pair.shown('bob')).at(-1)).toMatchObject({
      state: 'error',
      error: 'unverifiable',
    });
  });

  test('a duplicated or replayed message is shown once', async () => {
    fixture.adversary.next({ kind: 'duplicate' }, conv);
    const text = secret('duplicated');
    const beforeRows = timeline(fixture, conv, 'bob').length;
    await pair.send('alice', text);
    await waitForTimeline(fixture, conv, 'bob', beforeRows + 2);
    // The same envelope twice on X: one message in the vault, one reader, one "copy" note.
    await pair
      .page('bob')
      .waitFor(
        (selector: string) =>
          (document
            .querySelector('[data-testid="xchatEmbedRoute"]')
            ?.shadowRoot?.querySelectorAll(selector).length ?? 0) >= 1,
        '[data-sotto="duplicate"]',
      );
    expect(await bobShows(text)).toHaveLength(1);

    // Replaying an earlier envelope later, under a new row id, changes nothing either.
    const original = timeline(fixture, conv, 'bob').find((m) => m.from === 'alice');
    expect(original).toBeDefined();
    const count = (await pair.shown('bob')).length;
    fixture.adversary.replay(original!.id, 'bob');
    await waitForTimeline(fixture, conv, 'bob', beforeRows + 3);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await pair.shown('bob')).length).toBe(count);
    expect(
      await pair.page('bob').evaluate(deepCount, '[data-sotto="duplicate"]'),
    ).toBeGreaterThanOrEqual(2);
  });

  test('dropped and reordered messages: everything that arrives decrypts', async () => {
    fixture.adversary.next({ kind: 'drop' }, conv);
    const dropped = secret('dropped');
    await pair.send('alice', dropped, { delivered: false });

    const held = [secret('held-1'), secret('held-2'), secret('held-3')];
    for (const text of held) {
      fixture.adversary.next({ kind: 'hold' }, conv);
      await pair.send('alice', text, { delivered: false });
    }
    fixture.adversary.releaseHeld('reverse');
    const after = secret('after-gap');
    await pair.send('alice', after);

    for (const text of [...held, after]) {
      await expect
        .poll(async () => (await bobShows(text)).map((m) => m.state), { timeout: 15_000 })
        .toEqual(['decrypted']);
    }
    expect(await bobShows(dropped)).toEqual([]);
  });

  test('an envelope moved into another conversation is rejected there', async () => {
    // Carol (or X) posts one of Alice's envelopes into Bob's conversation with Carol.
    const stolen = timeline(fixture, conv, 'bob')
      .filter((m) => m.from === 'alice')
      .at(-1);
    const carolConv = fixture.conversationId('bob', 'carol');
    fixture.adversary.forge({ convId: carolConv, from: 'carol', text: stolen!.text, to: 'bob' });
    const page = pair.page('bob');
    await page.goto(`https://x.com/i/chat/${carolConv}`);
    const vault = pair.vault('bob');
    await expect
      .poll(async () => (await vault.conversation(carolConv)).map((m) => `${m.state}:${m.error}`), {
        timeout: 15_000,
      })
      .toEqual(['error:other-conversation']);
    await page.goto(`https://x.com/i/chat/${conv}`);
  });

  test('after all that, the conversation still works and the host saw no plaintext', async () => {
    const text = secret('still-working');
    await pair.send('bob', text);
    await expect
      .poll(
        async () => (await pair.shown('alice')).filter((m) => m.text === text).map((m) => m.state),
        {
          timeout: 15_000,
        },
      )
      .toEqual(['decrypted']);
    expect((await readerState(pair.page('bob'))).visibleCiphertext).toBe(0);

    await Promise.all([flushSpy(pair.page('alice')), flushSpy(pair.page('bob'))]);
    const everything = fixture.log.everything();
    for (const plaintext of plaintexts) expect(everything).not.toContain(plaintext);
  });
});
