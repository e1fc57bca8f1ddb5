import { expect } from 'vitest';
import type { Fixture } from '../../fixtures/server';
import type { BrowserName } from './browsers';
import { decide, decisionWindows, waitForDecision } from './decision';
import { type FakeMedia, launchBrowser } from './launch';
import type { BrowserSession, TestPage } from './session';
import { activateReaderButton, openCompose, timeline, vaultClient, waitForTimeline } from './sotto';

export type Who = 'alice' | 'bob';
type Client = Awaited<ReturnType<typeof vaultClient>>;

interface Side {
  browser: BrowserSession;
  page: TestPage;
  vault: Client;
}

/**
 * Alice and Bob, each in their own browser with Sotto, both in their 1:1 conversation on the
 * fixture — the setting of every messaging test.
 */
export class Pair {
  readonly conversation = '1001-1002';

  private constructor(
    readonly fixture: Fixture,
    private readonly sides: Record<Who, Side>,
  ) {}

  static async open(
    fixture: Fixture,
    browserName: BrowserName,
    options: { fakeMedia?: boolean | FakeMedia; bobBrowser?: BrowserName } = {},
  ): Promise<Pair> {
    const media = { fakeMedia: options.fakeMedia ?? false };
    const [alice, bob] = await Promise.all([
      launchBrowser(browserName, fixture.port, media),
      // Bob may use another browser (a call between Firefox and Chromium).
      launchBrowser(options.bobBrowser ?? browserName, fixture.port, media),
    ]);
    const side = async (browser: BrowserSession, handle: Who): Promise<Side> => {
      const page = await browser.newPage();
      await page.goto(fixture.loginUrl(handle, '/i/chat/1001-1002'));
      const vault = await vaultClient(browser);
      // Each person looks at their chat: a background tab gets no animation frames, and X's
      // list (like the fixture's) renders new rows on them.
      await page.bringToFront();
      return { browser, page, vault };
    };
    return new Pair(fixture, { alice: await side(alice, 'alice'), bob: await side(bob, 'bob') });
  }

  browser(who: Who): BrowserSession {
    return this.sides[who].browser;
  }

  page(who: Who): TestPage {
    return this.sides[who].page;
  }

  vault(who: Who): Client {
    return this.sides[who].vault;
  }

  /** What `who`'s vault holds for the conversation, oldest first. */
  shown(who: Who) {
    return this.sides[who].vault.conversation(this.conversation);
  }

  /** Types a message in the sender's compose frame, presses Enter, and waits until X has it. */
  async send(from: Who, text: string, { delivered = true, paste = false } = {}): Promise<void> {
    const page = this.page(from);
    const to: Who = from === 'alice' ? 'bob' : 'alice';
    const count = (who: Who) => timeline(this.fixture, this.conversation, who).length;
    const [fromBefore, toBefore] = [count(from), count(to)];
    await openCompose(page);
    if (paste) await page.insertText(text);
    else await page.type(text);
    await page.press('Enter');
    // The sender's own timeline always gets it; the other side's only if the host delivers.
    await waitForTimeline(this.fixture, this.conversation, from, fromBefore + 1);
    if (delivered) await waitForTimeline(this.fixture, this.conversation, to, toBefore + 1);
  }

  /**
   * Sends a long text the way a returning user would: it is the conversation's saved draft,
   * shown when the compose frame opens, and Enter sends it.
   */
  async sendDraft(from: Who, text: string, parts: number): Promise<void> {
    const to: Who = from === 'alice' ? 'bob' : 'alice';
    const count = (who: Who) => timeline(this.fixture, this.conversation, who).length;
    const toBefore = count(to);
    const saved = await this.vault(from).call('draft.save', {
      conversationId: this.conversation,
      text,
    });
    if (!saved.ok) throw new Error(`draft.save failed: ${saved.error?.code}`);
    const page = this.page(from);
    await page.goto(`https://x.com/i/chat/${this.conversation}`);
    await openCompose(page);
    await page.press('Enter');
    try {
      await waitForTimeline(this.fixture, this.conversation, to, toBefore + parts);
    } catch (error) {
      // Still the draft: Enter never reached the frame; empty: sent, and X did not deliver.
      const draft = await this.vault(from).call<{ text: string }>('draft.get', {
        conversationId: this.conversation,
      });
      const state = await this.vault(from).composeState(this.conversation, to);
      throw new Error(
        `${(error as Error).message}; compose state ${state}, draft ${draft.value?.text === text ? 'unsent' : `${draft.value?.text.length ?? '?'} chars`}`,
        { cause: error },
      );
    }
  }

  async waitForComposeState(who: Who, state: string): Promise<void> {
    const partner = who === 'alice' ? 'bob' : 'alice';
    const deadline = Date.now() + 15_000;
    let seen = '';
    while (Date.now() < deadline) {
      seen = await this.vault(who).composeState(this.conversation, partner);
      if (seen === state) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${who}'s compose state stayed "${seen}", expected "${state}"`);
  }

  /** Waits until `who`'s vault holds `text`, decrypted. */
  async waitForText(who: Who, text: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(await this.shown(who)).some((m) => m.text === text)) {
      if (Date.now() > deadline) throw new Error(`${who} never showed "${text}"`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits until `who`'s vault holds at least `count` messages for the conversation. */
  async waitForShown(who: Who, count: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    while ((await this.shown(who)).length < count) {
      if (Date.now() > deadline) throw new Error(`${who} shows fewer than ${count} messages`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Alice invites with the keyboard; Bob accepts in the reader frame. */
  async invite(): Promise<void> {
    const page = this.page('alice');
    await openCompose(page);
    await page.press('Tab');
    await page.press('Enter');
    await waitForTimeline(this.fixture, this.conversation, 'bob', 1);
  }

  async accept(): Promise<void> {
    const page = this.page('bob');
    await page.waitFor(
      () =>
        document
          .querySelector('[data-testid="xchatEmbedRoute"]')
          ?.shadowRoot?.querySelector('iframe[data-sotto="reader"][data-sotto-frame="ready"]'),
      null,
    );
    const before = timeline(this.fixture, this.conversation, 'alice').length;
    const windows = (await decisionWindows(this.browser('bob'))).length;
    // Accept in the reader only opens the decision window; the choice is taken there. Like a
    // person whose first click missed (focus moving into the frame), try again if none opened.
    let decision: TestPage | null = null;
    for (let attempt = 0; attempt < 3 && !decision; attempt++) {
      await activateReaderButton(page);
      decision = await waitForDecision(this.browser('bob'), windows + 1, 5_000).catch(() => null);
    }
    if (!decision) decision = await waitForDecision(this.browser('bob'), windows + 1);
    expect(await decide(decision, 'confirm')).toBe('confirm');
    await decision.close();
    await waitForTimeline(this.fixture, this.conversation, 'alice', before + 1);
  }

  /** Invite, accept, and wait until both sides can send. */
  async establish(): Promise<void> {
    await this.invite();
    await this.accept();
    await this.waitForComposeState('alice', 'ready');
    await this.waitForComposeState('bob', 'ready');
  }

  async close(): Promise<void> {
    await Promise.all([this.sides.alice.browser.close(), this.sides.bob.browser.close()]);
  }
}
