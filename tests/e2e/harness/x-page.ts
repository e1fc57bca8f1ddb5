/**
 * Functions that run inside the fixture page (serialised by the browser driver, so each is
 * self-contained). They look through open shadow roots, as X's chat lives in one.
 */

/** How many elements match `selector` in the document and every open shadow root. */
export function deepCount(selector: string): number {
  const roots: (Document | ShadowRoot)[] = [document];
  let count = 0;
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i] as Document | ShadowRoot;
    count += root.querySelectorAll(selector).length;
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) roots.push(element.shadowRoot);
    }
  }
  return count;
}

/** The viewport rectangle of the first match (through open shadow roots), or null. */
export function deepRect(
  selector: string,
): { x: number; y: number; width: number; height: number } | null {
  const roots: (Document | ShadowRoot)[] = [document];
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i] as Document | ShadowRoot;
    const found = root.querySelector(selector);
    if (found) {
      const rect = found.getBoundingClientRect();
      return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
    }
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) roots.push(element.shadowRoot);
    }
  }
  return null;
}

/** An attribute of the first match (through open shadow roots), or null. */
export function deepAttribute([selector, name]: [string, string]): string | null {
  const roots: (Document | ShadowRoot)[] = [document];
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i] as Document | ShadowRoot;
    const found = root.querySelector(selector);
    if (found) return found.getAttribute(name);
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) roots.push(element.shadowRoot);
    }
  }
  return null;
}
