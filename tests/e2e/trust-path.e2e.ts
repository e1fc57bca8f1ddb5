// The host is the adversary, including X logged in as your contact. A third browser with a
// fresh Sotto, logged into the fixture as @bob (the host can do this from its own servers),
// accepts Alice's earlier invitation. Nothing about Alice's pin changes until she decides in
// the decision window, an extension window the page cannot embed, restyle or click.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fixture } from '../fixtures/server';
import { clickDeep } from './harness/actions';
import { selectedBrowsers } from './harness/browsers';
import {
  decide,
  decisionShown,
  decisionWindows,
  forgeNewKeyInvite,
  waitForDecision,
} from './harness/decision';
import { startE2EFixture } from './harness/host';
import { launchBrowser } from './harness/launch';
import { Pair } from './harness/pair';
import type { BrowserSession, TestPage } from './harness/session';
import {
  activateReaderButton,
  openCompose,
  timeline,
  vaultClient,
  waitForTimeline,
} from './harness/sotto';

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startE2EFixture();
});

afterAll(async () => {
  await fixture?.close();
});

describe.each(selectedBrowsers())('the trust path in %s', (browserName) => {
  const conversation = '1001-1002';
  let pair: Pair;
  const impostors: BrowserSession[] = [];

  beforeAll(async () => {
    fixture.reset();
    pair = await Pair.open(fixture, browserName);
    await pair.establish();
    await pair.send('bob', `hello from the real bob in ${browserName}`);
    await pair.waitForText('alice', `hello from the real bob in ${browserName}`);
  });

  afterAll(async () => {
    await Promise.all(impostors.map((browser) => browser.close()));
    await pair?.close();
  });

  /**
   * X logs in as @bob in a fresh browser with a fresh Sotto and accepts Alice's earlier
   * invitation through that Sotto's own decision window (as anyone may, in their own browser).
   */
  async function impostorAccepts() {
    const browser = await launchBrowser(browserName, fixture.port);
    impostors.push(browser);
    const vault = await vaultClient(browser);
    const page = await browser.newPage();
    await page.goto(fixture.loginUrl('bob', `/i/chat/${conversation}`));
    await page.bringToFront();
    await expect
      .poll(async () => (await vault.conversation(conversation)).map((m) => m.state), {
        timeout: 15_000,
      })
      .toContain('invite');
    const before = timeline(fixture, conversation, 'alice').length;
    let window: TestPage | null = null;
    for (let attempt = 0; attempt < 3 && !window; attempt++) {
      await activateReaderButton(page);
      window = await waitForDecision(browser, 1, 5_000).catch(() => null);
    }
    expect(window, 'the impostor could not open its decision window').not.toBeNull();
    expect(await decide(window!, 'confirm')).toBe('confirm');
    await waitForTimeline(fixture, conversation, 'alice', before + 1);
    const key = (await vault.call<{ fingerprint: string }>('identity.get', {})).value!.fingerprint;
    return { vault, key };
  }

  /**
   * Alice opens her compose frame afresh: while sending waits for a decision, focus starts on
   * "Review…", and Enter opens the decision window.
   */
  async function aliceReviewsFromCompose(): Promise<TestPage> {
    const page = pair.page('alice');
    const before = (await decisionWindows(pair.browser('alice'))).length;
    await page.goto(`https://x.com/i/chat/${conversation}`);
    await openCompose(page);
    await page.press('Enter');
    return waitForDecision(pair.browser('alice'), before + 1);
  }

  /** Alice's Contacts page: "Review new key…" on Bob's entry opens the decision window. */
  async function aliceReviewsFromContacts(): Promise<TestPage> {
    const browser = pair.browser('alice');
    const before = (await decisionWindows(browser)).length;
    const contacts = await browser.newPage();
    try {
      await contacts.goto(browser.extensionUrl('contacts.html'));
      await clickDeep(contacts, '[data-sotto="approve-key"]');
      return await waitForDecision(browser, before + 1);
    } finally {
      await contacts.close();
    }
  }

  const aliceSees = (handle: string) =>
    pair.vault('alice').call<{
      fingerprint: string;
      verified: boolean;
      blocked: boolean;
      pendingKey: { fingerprint: string } | null;
    }>('contact.get', { handle });

  test("X, logged in as @bob with a fresh Sotto, accepts Alice's old invitation: the pin holds and sending waits", async () => {
    const pinned = (await aliceSees('bob')).value!.fingerprint;
    const impostor = await impostorAccepts();

    // Alice: the pending key is shown in the conversation; the pin is still Bob's.
    const alice = pair.vault('alice');
    await expect
      .poll(async () => (await alice.conversation(conversation)).at(-1)?.error, {
        timeout: 15_000,
      })
      .toBe('key-changed');
    expect((await aliceSees('bob')).value).toMatchObject({
      fingerprint: pinned,
      pendingKey: { fingerprint: impostor.key },
    });
    // What she writes waits: the compose frame says why, and the vault refuses to send.
    await pair.waitForComposeState('alice', 'key-changed-blocked');
    const refused = await alice.call('compose.send', {
      conversationId: conversation,
      partner: 'bob',
      text: 'not yet',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'KEY_CHANGED_BLOCKED' } });

    // She reviews it in the decision window: both keys shown; she keeps the old key.
    const review = await aliceReviewsFromCompose();
    const shown = await decisionShown(review);
    expect(shown).toMatchObject({ kind: 'key', pinned, offered: impostor.key });
    expect(shown.buttons).toEqual(['confirm', 'cancel', 'block']);
    expect(await decide(review, 'cancel')).toBe('keep');
    await review.close();
    await pair.waitForComposeState('alice', 'ready');
    // Back in the conversation (the decision window had the focus), she writes again.
    await pair.page('alice').goto(`https://x.com/i/chat/${conversation}`);

    // Real Bob reads what she sends next; the impostor never can.
    const secret = `for the real bob only, ${browserName}`;
    await pair.send('alice', secret);
    await pair.waitForText('bob', secret);
    await expect
      .poll(async () => (await impostor.vault.conversation(conversation)).length, {
        timeout: 15_000,
      })
      .toBeGreaterThan(2);
    const seenByImpostor = await impostor.vault.conversation(conversation);
    expect(seenByImpostor.some((m) => m.text === secret)).toBe(false);
  });

  test('the same window blocks a new key, then trusts it: each choice takes effect at once', async () => {
    const impostor = await impostorAccepts();
    await pair.waitForComposeState('alice', 'key-changed-blocked');

    const block = await aliceReviewsFromContacts();
    expect(await decide(block, 'block')).toBe('block');
    await block.close();
    await pair.waitForComposeState('alice', 'blocked');
    expect((await aliceSees('bob')).value?.blocked).toBe(true);

    const trust = await aliceReviewsFromContacts();
    expect((await decisionShown(trust)).offered).toBe(impostor.key);
    expect(await decide(trust, 'confirm')).toBe('confirm');
    await trust.close();
    expect((await aliceSees('bob')).value).toMatchObject({
      fingerprint: impostor.key,
      blocked: false,
      verified: false,
      pendingKey: null,
    });
    // Trusted now: Alice's next message goes to the key she chose.
    await pair.waitForComposeState('alice', 'ready');
  });

  test('a key the host swaps in while the window is open is not the one trusted', async () => {
    const pinned = (await aliceSees('bob')).value!.fingerprint;
    const first = forgeNewKeyInvite(fixture, conversation, 'bob');
    await expect
      .poll(async () => (await aliceSees('bob')).value?.pendingKey?.fingerprint, {
        timeout: 15_000,
      })
      .toBe(first);
    const window = await aliceReviewsFromContacts();
    expect((await decisionShown(window)).offered).toBe(first);
    const second = forgeNewKeyInvite(fixture, conversation, 'bob');
    await expect
      .poll(async () => (await aliceSees('bob')).value?.pendingKey?.fingerprint, {
        timeout: 15_000,
      })
      .toBe(second);
    await expect(decide(window, 'confirm')).rejects.toThrow(/Another new key arrived/);
    expect((await aliceSees('bob')).value).toMatchObject({
      fingerprint: pinned,
      pendingKey: { fingerprint: second },
    });
    await window.close();
  });
});
