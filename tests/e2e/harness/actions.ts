import type { TestPage } from './session';
import { deepCount, deepRect } from './x-page';

/** Waits for `selector` (through open shadow roots) and clicks its centre like a user. */
export async function clickDeep(page: TestPage, selector: string): Promise<void> {
  // A person clicks in the tab they are looking at; keys then go to that tab.
  await page.bringToFront();
  await page.waitFor((s: string) => {
    const roots: (Document | ShadowRoot)[] = [document];
    for (let i = 0; i < roots.length; i++) {
      const root = roots[i] as Document | ShadowRoot;
      const found = root.querySelector(s);
      if (found && found.getBoundingClientRect().width > 0) return true;
      for (const element of root.querySelectorAll('*'))
        if (element.shadowRoot) roots.push(element.shadowRoot);
    }
    return false;
  }, selector);
  const rect = await page.evaluate(deepRect, selector);
  if (!rect) throw new Error(`No element for ${selector}`);
  await page.clickAt(rect.x + rect.width / 2, rect.y + rect.height / 2);
}

/** Waits until exactly `count` elements match (through open shadow roots). */
export async function waitForCount(
  page: TestPage,
  selector: string,
  count: number,
  timeoutMs?: number,
): Promise<void> {
  await page.waitFor(
    ([s, n]: [string, number]) => {
      const roots: (Document | ShadowRoot)[] = [document];
      let found = 0;
      for (let i = 0; i < roots.length; i++) {
        const root = roots[i] as Document | ShadowRoot;
        found += root.querySelectorAll(s).length;
        for (const element of root.querySelectorAll('*'))
          if (element.shadowRoot) roots.push(element.shadowRoot);
      }
      return found === n;
    },
    [selector, count] as [string, number],
    timeoutMs,
  );
}

export { deepCount };
