import { browser } from 'wxt/browser';
import { toHex } from '@/lib/crypto/bytes';
import type { DecisionRequest } from '@/lib/rpc/protocol';

/**
 * Decisions that change trust wait here, by a random id, for the decision window to take
 * them. The window's URL names only the id: what is decided, and the tab an accepted
 * invitation's reply goes out through, stay in the background (`storage.session`, so an MV3
 * worker restart does not lose them, and content scripts cannot read it).
 */
export interface PendingDecision {
  request: DecisionRequest;
  /** The tab whose frame asked (an acceptance is posted through its composer). */
  tabId: number | null;
  /**
   * The fingerprint of the key the window showed on offer, once it showed one: a choice is
   * taken about that key only, never one the host swapped in while the window was open.
   */
  shown?: string | null;
}

const WINDOW = { type: 'popup' as const, width: 460, height: 620 };
const DECISION_PAGE = '/decision.html';
const KEY = (id: string) => `sotto.decision.${id}`;

export async function openDecisionWindow(
  request: DecisionRequest,
  tabId: number | undefined,
): Promise<void> {
  const id = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const pending: PendingDecision = { request, tabId: tabId ?? null };
  await browser.storage.session.set({ [KEY(id)]: pending });
  await browser.windows.create({
    ...WINDOW,
    focused: true,
    url: browser.runtime.getURL(`${DECISION_PAGE}?id=${id}`),
  });
}

export async function readDecision(id: string): Promise<PendingDecision | null> {
  const stored = (await browser.storage.session.get(KEY(id)))[KEY(id)] as
    | PendingDecision
    | undefined;
  return stored ?? null;
}

export async function rememberShown(id: string, fingerprint: string | null): Promise<void> {
  const pending = await readDecision(id);
  if (pending) await browser.storage.session.set({ [KEY(id)]: { ...pending, shown: fingerprint } });
}

export async function forgetDecision(id: string): Promise<void> {
  await browser.storage.session.remove(KEY(id));
}
