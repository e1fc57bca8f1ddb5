/**
 * The decision window: the extension window where every choice that changes trust is taken
 * (accepting an invitation; keeping, trusting or blocking a contact's new key).
 */
import { createIdentity, createInvite, createPrekeyRing } from '../../../lib/crypto';
import { fingerprintOf } from '../../../lib/vault/ids';
import type { Fixture } from '../../fixtures/server';
import { clickDeep } from './actions';
import type { BrowserSession, TestPage } from './session';

/** confirm: accept / trust; cancel: not now / keep the old key; block. */
export type DecisionButton = 'confirm' | 'cancel' | 'block';

/** The decision windows open in `browser`, oldest first. */
export function decisionWindows(browser: BrowserSession): Promise<TestPage[]> {
  return browser.pagesAt(browser.extensionUrl('decision.html'));
}

/** Waits for the `count`-th decision window to open and show its decision. */
export async function waitForDecision(
  browser: BrowserSession,
  count = 1,
  timeoutMs = 15_000,
): Promise<TestPage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pages = await decisionWindows(browser);
    const page = pages[count - 1];
    if (page) {
      await page.waitFor(
        () =>
          document.querySelector('[data-sotto="decision"]')?.getAttribute('data-sotto-state') ===
          'ready',
        null,
      );
      return page;
    }
    if (Date.now() > deadline) throw new Error(`No decision window (${pages.length} open)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the window shows: its kind, the pinned and offered fingerprints, its text. */
export function decisionShown(page: TestPage) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-sotto="decision"]');
    return {
      state: root?.getAttribute('data-sotto-state') ?? null,
      kind: root?.getAttribute('data-sotto-kind') ?? null,
      pinned: document.querySelector('[data-sotto="pinned-fingerprint"]')?.textContent ?? null,
      offered: document.querySelector('[data-sotto="offered-fingerprint"]')?.textContent ?? null,
      buttons: [...document.querySelectorAll('button[data-sotto]')].map((b) =>
        b.getAttribute('data-sotto'),
      ),
      text: root?.textContent ?? '',
    };
  }, null);
}

/**
 * Presses `button` as a person does, once it is enabled (the trust buttons arm a moment after
 * the window shows), and waits for the outcome. Returns the result's state (the choice made).
 */
export async function decide(page: TestPage, button: DecisionButton): Promise<string | null> {
  const selector = `button[data-sotto="${button}"]`;
  await page.waitFor((s: string) => {
    const found = document.querySelector<HTMLButtonElement>(s);
    return found !== null && !found.disabled;
  }, selector);
  await clickDeep(page, selector);
  await page.waitFor(
    () =>
      document.querySelector('[data-sotto="decision"]')?.getAttribute('data-sotto-state') ===
        'done' || document.querySelector('[data-sotto="decision-error"]') !== null,
    null,
  );
  const error = await page.evaluate(
    () => document.querySelector('[data-sotto="decision-error"]')?.textContent ?? null,
    null,
  );
  if (error) throw new Error(`The decision window says: ${error}`);
  return page.evaluate(
    () =>
      document.querySelector('[data-sotto="decision-result"]')?.getAttribute('data-sotto-state') ??
      null,
    null,
  );
}

/**
 * The host's own move: a fresh identity's invitation posted in `conversation` as if `from`
 * wrote it (the fixture's server forges the row). For anyone who has `from` pinned, its key
 * is a new, pending one. Returns the new key's fingerprint as Sotto shows it.
 */
export function forgeNewKeyInvite(fixture: Fixture, conversation: string, from: string): string {
  const identity = createIdentity();
  const ring = createPrekeyRing(identity, Date.now());
  fixture.adversary.forge({
    convId: conversation,
    from,
    text: createInvite(identity, ring.current),
  });
  return fingerprintOf(identity.signingKey);
}
