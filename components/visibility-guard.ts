/**
 * Whether the user can really see a frame's acting button, for frames x.com embeds.
 *
 * The page can set a Sotto frame's opacity to 0, cover it, or transform it and place it under
 * the cursor, so a click the user meant for the page lands on Send. IntersectionObserver v2
 * (`trackVisibility`, Chromium) reports `isVisible` only when the target is unoccluded and no
 * ancestor, across frames, has opacity, a transform or a filter. Send acts only on a "visible"
 * report. Browsers without it (Firefox) get no such check: see docs/THREAT-MODEL.md.
 */

/** IOv2's own floor for `delay` (ms): reports come at most this often. */
const REPORT_DELAY_MS = 100;
/**
 * A click while the last report said "hidden" waits this long for a newer one. A frame that
 * just appeared, or just grew to its real height, was last seen clipped: its next report
 * (at most REPORT_DELAY_MS after the change) says visible, and a person's quick click must
 * not fail for that. A frame the page keeps hidden gets no newer report, and the click fails.
 */
const NEWER_REPORT_WAIT_MS = 400;
/** A click that comes before the first report waits for it at most this long. */
const FIRST_REPORT_WAIT_MS = 1_000;

export interface VisibilityGuard {
  /** False where the browser cannot tell (no IntersectionObserver v2). */
  readonly supported: boolean;
  /** Whether the target is visible now; waits briefly for the first report if none came yet. */
  visible(): Promise<boolean>;
  stop(): void;
}

interface V2Options extends IntersectionObserverInit {
  trackVisibility?: boolean;
  delay?: number;
}

export function supportsVisibilityTracking(): boolean {
  return (
    typeof IntersectionObserverEntry !== 'undefined' &&
    'isVisible' in IntersectionObserverEntry.prototype
  );
}

export function watchVisibility(target: Element): VisibilityGuard {
  if (!supportsVisibilityTracking()) {
    return { supported: false, visible: async () => true, stop: () => {} };
  }
  let last: boolean | null = null;
  let waiters: ((visible: boolean) => void)[] = [];
  const options: V2Options = { trackVisibility: true, delay: REPORT_DELAY_MS };
  const observer = new IntersectionObserver((entries) => {
    const entry = entries[entries.length - 1] as IntersectionObserverEntry & { isVisible: boolean };
    last = entry.isVisible;
    for (const wake of waiters) wake(last);
    waiters = [];
  }, options);
  observer.observe(target);
  return {
    supported: true,
    visible: () => {
      if (last === true) return Promise.resolve(true);
      // Not seen yet, or last seen hidden: wait briefly for a newer report (see above).
      const wait = last === null ? FIRST_REPORT_WAIT_MS : NEWER_REPORT_WAIT_MS;
      return new Promise((resolve) => {
        waiters.push(resolve);
        setTimeout(() => resolve(false), wait);
      });
    },
    stop: () => observer.disconnect(),
  };
}
