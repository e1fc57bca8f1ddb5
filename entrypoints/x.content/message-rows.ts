import { looksLikeEnvelope } from '@/lib/crypto/marker';
import { observeElements } from '@/lib/dom/observe';
import { type MessageKey, t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { IngestResult, RequestInput } from '@/lib/rpc/protocol';
import { readConversation, readMessageRow } from '@/lib/sites/x/adapter';
import { X_SELECTORS } from '@/lib/sites/x/selectors';
import { createExtensionFrame } from './frames';

/** Reader frames load only this close to the viewport; each costs tens of milliseconds. */
const MOUNT_MARGIN_PX = 800;
const MOUNT_MARGIN = `${MOUNT_MARGIN_PX}px 0px`;
/** Height of the placeholder that holds a row's place until its reader has loaded. */
const PLACEHOLDER_HEIGHT = 40;
/** Waits before asking the vault again when it did not answer (e.g. Chrome restarting it). */
const RETRY_DELAYS_MS = [250, 1000, 3000];
const UNAVAILABLE_TEXT = {
  unreachable: 'xRowUnreachable',
  locked: 'xRowLocked',
} as const satisfies Record<string, MessageKey>;

type RowAnswer = IngestResult | { kind: 'unavailable'; reason: keyof typeof UNAVAILABLE_TEXT };

/**
 * Asks the vault about a row, again after a pause when it did not answer: Chrome stops the
 * extension's worker at will, and a request in flight then fails. A refusal is final.
 */
async function ingestWithRetry(
  input: RequestInput<'message.ingest'>,
  placeholder: HTMLElement,
  signal: AbortSignal,
): Promise<RowAnswer> {
  for (let attempt = 0; ; attempt++) {
    const result = await callVault('message.ingest', input);
    if (result.ok) return result.value;
    const delay = RETRY_DELAYS_MS[attempt];
    if (result.error.code === 'LOCKED') return { kind: 'unavailable', reason: 'locked' };
    if (result.error.code !== 'UNAVAILABLE') return { kind: 'not-sotto' };
    if (delay === undefined || signal.aborted)
      return { kind: 'unavailable', reason: 'unreachable' };
    placeholder.textContent = t('xRowPending');
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** The vault's id for a whole envelope (hex SHA-256 of its text), to load its reader early. */
async function predictMessageId(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text.trim()));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Rows in the viewport first, with how far each is from it (px): what the user looks at. */
function byDistanceFromView(rows: Element[]): { row: Element; distance: number }[] {
  const view = { top: 0, bottom: innerHeight };
  const distance = (row: Element): number => {
    const rect = row.getBoundingClientRect();
    if (rect.bottom >= view.top && rect.top <= view.bottom) return 0;
    return rect.bottom < view.top ? view.top - rect.bottom : rect.top - view.bottom;
  };
  return rows
    .map((row) => ({ row, distance: distance(row) }))
    .sort((a, b) => a.distance - b.distance);
}

/**
 * Reader frames inserted per task. Inserting one costs the page's main thread ~10–15 ms, so
 * a burst (X mounting ten rows while the user scrolls) is spread over several tasks, nearest
 * rows first, and the page can paint in between.
 */
const MOUNTS_PER_TASK = 3;

/** Within this distance of the end, a list counts as "at the newest message" and stays there. */
const AT_END_PX = 24;

/**
 * Keeps what the user is looking at in place while Sotto changes row heights (ciphertext
 * hidden, a reader frame sized): X's list anchors its rows only when it renders itself, so
 * without this, rows changing above the viewport push the view around and fight its
 * windowing. `change` runs in between; the list stays at its end if it was there.
 */
function keepInView(root: ParentNode, change: () => void): void {
  const scroller = root.querySelector<HTMLElement>(X_SELECTORS.messageScroller);
  if (!scroller) {
    change();
    return;
  }
  const atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= AT_END_PX;
  const top = scroller.getBoundingClientRect().top;
  let anchor: Element | null = null;
  let before = 0;
  if (!atEnd) {
    for (const row of scroller.querySelectorAll(X_SELECTORS.messageRow)) {
      const rowTop = row.getBoundingClientRect().top;
      if (rowTop >= top) {
        anchor = row;
        before = rowTop;
        break;
      }
    }
  }
  change();
  if (atEnd) scroller.scrollTop = scroller.scrollHeight;
  else if (anchor?.isConnected) {
    const drift = anchor.getBoundingClientRect().top - before;
    if (drift !== 0) scroller.scrollTop += drift;
  }
}

/**
 * Replaces each encrypted message row's ciphertext, in place, with a reader frame showing the
 * plaintext. The vault recognises an envelope it has seen before by its hash, so rows that X
 * re-creates (virtualised list, reloads) are shown again from the store. This script only
 * ever holds envelope text and message ids.
 *
 * Speed (see README, Performance): rows are ingested nearest-the-viewport first; a row's
 * reader frame is mounted as soon as the row nears the viewport, with the id the vault will
 * store it under, while the vault is still ingesting (the reader asks again until it is
 * stored); and a row X re-creates gets the height its reader had, so it does not jump.
 */
export function initMessageRows(root: ShadowRoot | Element, signal: AbortSignal): void {
  // Ingest answers by row and text: X re-creates rows constantly, the vault need not hear twice.
  const known = new Map<string, Promise<RowAnswer>>();
  const answered = new Map<string, RowAnswer>();
  // The height each message's reader had, so a re-created row is the right size at once.
  const heights = new Map<string, number>();
  // Which row shows each message: a replayed or duplicated envelope is shown once.
  const shownBy = new Map<string, Element>();
  const nearViewport = new Map<Element, () => void>();
  const visibility = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        nearViewport.get(entry.target)?.();
        nearViewport.delete(entry.target);
        visibility.unobserve(entry.target);
      }
    },
    { rootMargin: MOUNT_MARGIN },
  );
  signal.addEventListener('abort', () => visibility.disconnect());

  const mountQueue: (() => void)[] = [];
  let draining = false;
  const drain = (): void => {
    for (let i = 0; i < MOUNTS_PER_TASK && mountQueue.length > 0; i++) mountQueue.shift()!();
    if (mountQueue.length > 0 && !signal.aborted) setTimeout(drain, 0);
    else draining = false;
  };
  const enqueueMount = (job: () => void): void => {
    mountQueue.push(job);
    if (draining) return;
    draining = true;
    // The first few in this task: a new message's reader starts loading at once.
    queueMicrotask(drain);
  };

  const ingest = (
    cacheKey: string,
    input: RequestInput<'message.ingest'>,
    placeholder: HTMLElement,
    rowSignal: AbortSignal,
  ): Promise<RowAnswer> => {
    let answer = known.get(cacheKey);
    if (answer) return answer;
    answer = ingestWithRetry(input, placeholder, rowSignal);
    known.set(cacheKey, answer);
    void answer.then((result) => {
      // Only answers are remembered; a row that could not be read is asked about again.
      if (result.kind === 'unavailable') known.delete(cacheKey);
      else answered.set(cacheKey, result);
    });
    return answer;
  };

  const setUpRow = (rowElement: Element, rowSignal: AbortSignal, nearNow: boolean): void => {
    const row = readMessageRow(rowElement);
    if (!row || !looksLikeEnvelope(row.text)) return;
    const conversation = readConversation(root);
    if (!conversation?.partner || conversation.kind !== 'direct') return;
    const cacheKey = `${row.rowId}\n${row.text}`;

    // Hide the ciphertext at once and hold the row's place: no flash of envelope text.
    const placeholder = document.createElement('div');
    placeholder.dataset.sotto = 'placeholder';
    placeholder.style.minHeight = `${heights.get(cacheKey) ?? PLACEHOLDER_HEIGHT}px`;
    row.textElement.style.display = 'none';
    row.textElement.after(placeholder);
    let frame: HTMLIFrameElement | null = null;
    let frameId: string | null = null;
    let frameSignal: AbortController | null = null;
    const removeFrame = (): void => {
      frameSignal?.abort();
      frame?.remove();
      frame = null;
      frameId = null;
    };
    const restore = () => {
      removeFrame();
      placeholder.remove();
      row.textElement.style.display = '';
    };
    rowSignal.addEventListener('abort', () => {
      nearViewport.delete(rowElement);
      visibility.unobserve(rowElement);
    });

    const mountFrame = (messageId: string): void => enqueueMount(() => mountFrameNow(messageId));
    const mountFrameNow = (messageId: string): void => {
      if (rowSignal.aborted || frameId === messageId) return;
      removeFrame();
      frameSignal = new AbortController();
      frameId = messageId;
      const mounted = createExtensionFrame(
        'reader.html',
        'reader',
        { id: messageId, own: row.direction === 'out' ? '1' : '0' },
        AbortSignal.any([rowSignal, frameSignal.signal]),
        {
          onReady: () => placeholder.remove(),
          onResize: (height, apply) => {
            heights.set(cacheKey, height);
            keepInView(root, apply);
          },
        },
        // The frame takes the placeholder's place at the size this message had before.
        heights.get(cacheKey) ?? PLACEHOLDER_HEIGHT,
      );
      frame = mounted;
      frameSignal.signal.addEventListener('abort', () => mounted.remove());
      placeholder.style.minHeight = '0';
      placeholder.before(mounted);
    };

    /** What the vault said, shown at once unless it is a message (that waits to be near). */
    const decide = (result: RowAnswer): 'mount' | 'done' => {
      if (result.kind === 'not-sotto') {
        restore();
        return 'done';
      }
      if (result.kind === 'unavailable' || result.kind === 'part-pending') {
        // Never fall back to showing the envelope: say what is wrong instead.
        removeFrame();
        if (!placeholder.isConnected) row.textElement.after(placeholder);
        placeholder.textContent =
          result.kind === 'unavailable'
            ? t(UNAVAILABLE_TEXT[result.reason])
            : t('xRowWaitingParts');
        return 'done';
      }
      const owner = shownBy.get(result.messageId);
      if (owner && owner !== rowElement && owner.isConnected) {
        removeFrame();
        if (!placeholder.isConnected) row.textElement.after(placeholder);
        placeholder.dataset.sotto = 'duplicate';
        placeholder.style.minHeight = '0';
        placeholder.textContent = t('xRowDuplicate');
        return 'done';
      }
      shownBy.set(result.messageId, rowElement);
      rowSignal.addEventListener('abort', () => {
        if (shownBy.get(result.messageId) === rowElement) shownBy.delete(result.messageId);
      });
      return 'mount';
    };
    const show = (messageId: string): void => {
      // A frame loaded early under this id finds the message by itself; another id starts over.
      if (frameId !== messageId) mountFrame(messageId);
    };

    let near = false;
    let result: RowAnswer | null = answered.get(cacheKey) ?? null;
    let mountable = result ? decide(result) === 'mount' : false;
    if (result && !mountable) return;
    const onNear = (): void => {
      near = true;
      if (result?.kind === 'message') {
        if (mountable) show(result.messageId);
        return;
      }
      // Not answered yet: load the reader now, in parallel with the vault's ingest.
      void predictMessageId(row.text).then((id) => {
        if (result === null) mountFrame(id);
      });
    };
    // Already in view (a new message, an opened conversation): no need to wait for a frame.
    if (nearNow) onNear();
    else {
      nearViewport.set(rowElement, onNear);
      visibility.observe(rowElement);
    }
    if (result) return;
    const input = {
      conversationId: conversation.conversationId,
      partner: conversation.partner,
      rowId: row.rowId,
      direction: row.direction,
      text: row.text,
    };
    void ingest(cacheKey, input, placeholder, rowSignal).then((answer) => {
      if (rowSignal.aborted) return;
      result = answer;
      mountable = decide(answer) === 'mount';
      if (!mountable) {
        nearViewport.delete(rowElement);
        visibility.unobserve(rowElement);
      } else if (near && answer.kind === 'message') show(answer.messageId);
    });
  };

  // A burst of new rows (opening a conversation) is ingested nearest the viewport first.
  let batch: [Element, AbortSignal][] = [];
  const flush = (): void => {
    const rows = batch;
    batch = [];
    const signals = new Map(rows);
    keepInView(root, () => {
      for (const { row, distance } of byDistanceFromView(rows.map(([row]) => row))) {
        const rowSignal = signals.get(row)!;
        if (!rowSignal.aborted) setUpRow(row, rowSignal, distance <= MOUNT_MARGIN_PX);
      }
    });
  };
  observeElements(
    root,
    X_SELECTORS.messageRow,
    (rowElement, rowSignal) => {
      if (batch.length === 0) queueMicrotask(flush);
      batch.push([rowElement, rowSignal]);
    },
    signal,
  );
}
