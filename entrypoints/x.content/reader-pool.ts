import { postToFrame } from '@/lib/rpc/frame';
import { X_SELECTORS } from '@/lib/sites/x/selectors';
import { createExtensionFrame, extensionOrigin } from './frames';

/** Where a lent frame goes while its anchor is not laid out: out of sight, and out of the scroll range. */
const FAR_ABOVE = ['-100000px', '-100001px'] as const;
const FAR_ABOVE_VAR = '--sotto-far-above';

/** A reader frame lent to one run of rows, until the run ends. */
export interface ReaderLease {
  /** The version of the list the frame was lent with, which it reports once it shows it. */
  readonly version: number;
  /** Sends the frame a new list; returns the version it will report once it shows it. */
  show(ids: string[]): number;
  /** The frame shows this run's messages: make it visible. */
  reveal(): void;
  /** The height the frame and its placeholder have now (px). */
  readonly height: number;
  /** Frame and placeholder take this height (the placeholder holds the frame's room in X's list). */
  setHeight(height: number): void;
}

/** What a lent frame's messages go to: the run that holds it now. */
export interface ReaderHandlers {
  onReady(version: number): void;
  onResize(height: number, parts: number[] | undefined): void;
}

/**
 * Reader frames that stay on the page while a conversation is open, lent to runs of rows in
 * turn. Inserting an extension frame costs the page ~10 ms, and X removing a row that holds
 * one costs more inside its commit (README, Performance): with frames inside rows, those two
 * were most of the page work Sotto added while scrolling. So frames live in a layer at the end
 * of X's message scroller and are never removed; a lent frame is placed over its run's first
 * row by CSS anchor positioning (the row's placeholder is the anchor), so it follows the row
 * wherever X lays it out, with no script running while the user scrolls.
 */
export function createReaderPool(root: ParentNode, signal: AbortSignal) {
  let layer: HTMLElement | null = null;
  const free: HTMLIFrameElement[] = [];
  /** Lent frames: who hears from each, and its anchor (the placeholder in its run's first row). */
  const lent = new Map<HTMLIFrameElement, { handlers: ReaderHandlers; anchor: HTMLElement }>();
  const versions = new WeakMap<HTMLIFrameElement, number>();
  // A frame still loading cannot hear a post (the browser drops it): its newest list waits
  // until the frame first speaks. A frame lent again before it loaded needs this.
  const listening = new WeakSet<HTMLIFrameElement>();
  const waitingList = new WeakMap<HTMLIFrameElement, { ids: string[]; version: number }>();
  const heard = (frame: HTMLIFrameElement): void => {
    if (listening.has(frame)) return;
    listening.add(frame);
    const list = waitingList.get(frame);
    waitingList.delete(frame);
    if (list) postToFrame(frame, { type: 'messages', ...list }, extensionOrigin());
  };
  /** Sends a frame a new list; returns the version it will report once it shows it. */
  const sendList = (frame: HTMLIFrameElement, ids: string[]): number => {
    const version = versions.get(frame)! + 1;
    versions.set(frame, version);
    if (listening.has(frame))
      postToFrame(frame, { type: 'messages', ids, version }, extensionOrigin());
    else waitingList.set(frame, { ids, version });
    return version;
  };
  let names = 0;
  const anchorNames = new WeakMap<HTMLIFrameElement, string>();
  // Firefox (153) places an anchored frame once and does not move it when rows above its
  // anchor change size or are hidden (measured: 40–100 px off); any change to the frame's own
  // style makes it look again. So whenever X's list changes size, the frames are checked
  // against their anchors (the page is laid out by then: reading is cheap), and if one is off,
  // a variable every lent frame uses (the fallback of its `top`) flips between two
  // equal-in-effect values. Chromium keeps them in place itself and pays for no restyle.
  let flipped = false;
  const relocate = new ResizeObserver(() => {
    for (const [frame, { anchor }] of lent) {
      if (Math.abs(frame.getBoundingClientRect().top - anchor.getBoundingClientRect().top) < 1)
        continue;
      flipped = !flipped;
      layer?.style.setProperty(FAR_ABOVE_VAR, flipped ? FAR_ABOVE[1] : FAR_ABOVE[0]);
      return;
    }
  });
  const watched = new WeakSet<Element>();
  signal.addEventListener('abort', () => {
    relocate.disconnect();
    layer?.remove();
  });

  /** The layer in X's current scroller; X may replace the scroller (another conversation). */
  const currentLayer = (): HTMLElement | null => {
    const scroller = root.querySelector<HTMLElement>(X_SELECTORS.messageScroller);
    if (!scroller) return null;
    for (const child of scroller.children) {
      if (child === layer || watched.has(child)) continue;
      watched.add(child);
      relocate.observe(child);
    }
    if (layer?.parentElement === scroller) return layer;
    layer?.remove();
    free.length = 0;
    // Lent frames are positioned against the scroller, so they scroll with its rows.
    if (getComputedStyle(scroller).position === 'static') scroller.style.position = 'relative';
    layer = document.createElement('div');
    layer.dataset.sotto = 'reader-layer';
    // No box of its own: its frames' containing block is the scroller, which holds the anchors.
    layer.style.display = 'contents';
    layer.style.setProperty(FAR_ABOVE_VAR, FAR_ABOVE[0]);
    scroller.append(layer);
    return layer;
  };

  const newFrame = (into: HTMLElement, ids: string[], height: number): HTMLIFrameElement => {
    const frame = createExtensionFrame(
      'reader.html',
      'reader',
      { ids: ids.join(',') },
      signal,
      {
        onReady: (_frame, version) => {
          heard(frame);
          lent.get(frame)?.handlers.onReady(version);
        },
        onResize: (height, _apply, parts) => {
          heard(frame);
          lent.get(frame)?.handlers.onResize(height, parts);
        },
      },
      height,
    );
    frame.id = `sotto-reader-${++names}`;
    anchorNames.set(frame, `--${frame.id}`);
    versions.set(frame, 0);
    into.append(frame);
    return frame;
  };

  /**
   * Keeps lent frames in their rows' order in the layer: the order Tab takes through them.
   * Only `moveBefore` keeps a frame loaded while it moves; without it they stay where they are.
   */
  const putInRowOrder = (into: HTMLElement, frame: HTMLIFrameElement, anchor: Element): void => {
    const layerNode = into as HTMLElement & {
      moveBefore?: (node: Node, child: Node | null) => void;
    };
    if (!layerNode.moveBefore) return;
    let next: Element | null = null;
    for (const other of into.children) {
      const otherAnchor = lent.get(other as HTMLIFrameElement)?.anchor;
      if (other === frame || !otherAnchor) continue;
      if (anchor.compareDocumentPosition(otherAnchor) & Node.DOCUMENT_POSITION_FOLLOWING) {
        next = other;
        break;
      }
    }
    // Already there if the next lent frame after it is that one (idle frames do not count).
    let after = frame.nextElementSibling;
    while (after && !lent.has(after as HTMLIFrameElement)) after = after.nextElementSibling;
    if (after !== next) layerNode.moveBefore(frame, next);
  };

  /**
   * Lends a frame showing `ids` over `placeholder` (in its run's first row), hidden until
   * `reveal`; null when X's scroller is not on the page.
   */
  const lend = (
    placeholder: HTMLElement,
    ids: string[],
    height: number,
    handlers: ReaderHandlers,
    leaseSignal: AbortSignal,
  ): ReaderLease | null => {
    const into = currentLayer();
    if (!into) return null;
    let frame = free.pop();
    let version = 0;
    if (frame) version = sendList(frame, ids);
    else frame = newFrame(into, ids, height);
    const given = frame;
    let current = height;
    const name = anchorNames.get(given)!;
    lent.set(given, { handlers, anchor: placeholder });
    putInRowOrder(into, given, placeholder);
    // Screen readers read the frame where its row is, not at the end of the list.
    placeholder.setAttribute('aria-owns', given.id);
    // The placeholder is as wide as a frame inside the bubble was (an iframe's default 300 px,
    // which the bubble grew to, up to X's bubble width).
    Object.assign(placeholder.style, { width: '300px', maxWidth: '100%' });
    placeholder.style.setProperty('anchor-name', name);
    Object.assign(given.style, {
      position: 'absolute',
      visibility: 'hidden',
      height: `${height}px`,
    });
    // Far above the list if the anchor is gone (until the run ends, in the same task).
    given.style.setProperty('top', `anchor(${name} top, var(${FAR_ABOVE_VAR}))`);
    given.style.setProperty('left', `anchor(${name} left, 0px)`);
    given.style.setProperty('width', `anchor-size(${name} width, 300px)`);
    given.style.display = 'block';

    leaseSignal.addEventListener('abort', () => {
      lent.delete(given);
      delete given.dataset.sottoFrame;
      given.style.display = 'none';
      if (placeholder.style.getPropertyValue('anchor-name') === name) {
        placeholder.style.removeProperty('anchor-name');
        placeholder.removeAttribute('aria-owns');
        placeholder.style.width = '';
        placeholder.style.maxWidth = '';
      }
      if (given.isConnected && given.parentElement === layer) free.push(given);
    });
    return {
      version,
      show: (next) => sendList(given, next),
      get height() {
        return current;
      },
      reveal() {
        given.style.visibility = '';
      },
      setHeight(px) {
        current = px;
        given.style.height = `${px}px`;
        placeholder.style.minHeight = `${px}px`;
      },
    };
  };

  return { lend };
}
