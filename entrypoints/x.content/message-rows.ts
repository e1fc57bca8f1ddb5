import { looksLikeEnvelope } from '@/lib/crypto/marker';
import { observeElements } from '@/lib/dom/observe';
import { type MessageKey, t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import {
  type ConversationRef,
  type IngestResult,
  type IngestRow,
  MAX_INGEST_ROWS,
} from '@/lib/rpc/protocol';
import {
  type ConversationInfo,
  type MessageRow,
  readConversation,
  readMessageRow,
} from '@/lib/sites/x/adapter';
import { X_SELECTORS } from '@/lib/sites/x/selectors';
import { ingestRequests } from './ingest-requests';
import { createReaderPool, type ReaderLease } from './reader-pool';

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

/** A row to ask the vault about, and where to say that the vault is still being asked. */
interface IngestAsk {
  cacheKey: string;
  row: IngestRow;
  placeholder: HTMLElement;
  signal: AbortSignal;
}

/**
 * Asks the vault about rows in one request, again after a pause when it did not answer:
 * Chrome stops the extension's worker at will, and a request in flight then fails. A refusal
 * is final; a row the vault could not look at reads as not Sotto's, as it always has.
 */
async function ingestWithRetry(
  conversation: ConversationRef,
  asks: IngestAsk[],
): Promise<RowAnswer[]> {
  const every = (answer: RowAnswer): RowAnswer[] => asks.map(() => answer);
  for (let attempt = 0; ; attempt++) {
    const result = await callVault('message.ingestRows', {
      ...conversation,
      rows: asks.map((ask) => ask.row),
    });
    if (result.ok) {
      if (result.value.length !== asks.length) return every({ kind: 'not-sotto' });
      return result.value.map((answer) => (answer.ok ? answer.value : { kind: 'not-sotto' }));
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (result.error.code === 'LOCKED') return every({ kind: 'unavailable', reason: 'locked' });
    if (result.error.code !== 'UNAVAILABLE') return every({ kind: 'not-sotto' });
    if (delay === undefined || asks.every((ask) => ask.signal.aborted))
      return every({ kind: 'unavailable', reason: 'unreachable' });
    for (const ask of asks) ask.placeholder.textContent = t('xRowPending');
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
 * Most consecutive rows one reader frame shows. One frame per row cost every screen 10–13
 * frame loads; a run of rows shares one. Bounded because X's windowing drops rows at the
 * edges: losing the row that holds a frame reloads the rest of its run in a new one.
 */
const ROWS_PER_FRAME = 10;

/** A hidden tab runs no animation frames: changes a frame asked for wait at most this long. */
const VIEW_CHANGE_FALLBACK_MS = 100;

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

/** One encrypted row on screen. */
interface Slot {
  element: Element;
  row: MessageRow;
  cacheKey: string;
  signal: AbortSignal;
  /** Holds the row's place (sized) until its message shows; never any text of the message. */
  placeholder: HTMLElement;
  /** The message its reader shows: the id the vault will use until it answers, then its id. */
  messageId: string | null;
  run: Run | null;
  /** Its message is on screen in its run's reader (and the row itself folded away). */
  shown: boolean;
}

/**
 * Consecutive rows of one direction shown by one reader frame, which sits over the first row;
 * the other rows fold away once the frame shows their messages.
 */
interface Run {
  slots: Slot[];
  /** The pool's frame this run shows its messages in, once mounted. */
  lease: ReaderLease | null;
  controller: AbortController;
  /** The message lists sent to the frame, by the version it reports them under, until shown. */
  lists: Map<number, Slot[]>;
  /** The frame has shown one of this run's lists (it is visible). */
  ready: boolean;
  /** Rows joined while the frame loaded: their list goes out once it is ready. */
  stale: boolean;
  /** A height the frame asked for before the rows it measured were folded away. */
  pendingHeight: { height: number; parts?: number[] } | null;
  dead: boolean;
}

/**
 * Replaces each encrypted message row's ciphertext, in place, with its plaintext in a reader
 * frame. The vault recognises an envelope it has seen before by its hash, so rows that X
 * re-creates (virtualised list, reloads) are shown again from the store. This script only
 * ever holds envelope text and message ids.
 *
 * Speed (see README, Performance): one frame shows a run of up to ROWS_PER_FRAME consecutive
 * rows of one direction (a new row below a run joins it without a new frame); rows are
 * ingested nearest-the-viewport first; a run's frame is mounted as soon as it nears the
 * viewport, with the ids the vault will store its messages under, while the vault is still
 * ingesting (the reader asks again until they are stored); and a row X re-creates gets the
 * height its message had, so it does not jump.
 */
export function initMessageRows(root: ShadowRoot | Element, signal: AbortSignal): void {
  // Ingest answers by row and text: X re-creates rows constantly, the vault need not hear twice.
  const known = new Map<string, Promise<RowAnswer>>();
  const answered = new Map<string, RowAnswer>();
  // Foreseen message ids by envelope text: a row X re-creates is not hashed again.
  const foreseen = new Map<string, Promise<string>>();
  const foresee = (text: string): Promise<string> => {
    let id = foreseen.get(text);
    if (!id) {
      id = predictMessageId(text);
      foreseen.set(text, id);
    }
    return id;
  };
  // The height each message had in its reader, so a re-created row is the right size at once.
  const heights = new Map<string, number>();
  // Which row shows each message: a replayed or duplicated envelope is shown once.
  const shownBy = new Map<string, Element>();
  const slotOf = new Map<Element, Slot>();
  // Rows waiting to join the run above once the vault has stored their message, and rows
  // below them waiting behind them: starting runs of their own would split a run there.
  const held = new Set<Slot>();
  // Rows just set up, until their batch is grouped together (in list order, once every id is
  // foreseen): an early vault answer must not group one alone and split a run there.
  const ungrouped = new Set<Slot>();
  const waiting = (slot: Slot | undefined): boolean =>
    slot !== undefined && (held.has(slot) || ungrouped.has(slot));
  const pool = createReaderPool(root, signal);
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
  const forgetNear = (element: Element): void => {
    nearViewport.delete(element);
    visibility.unobserve(element);
  };

  // Reader frames are inserted one per task, nearest rows first, never in the task that
  // changed the rows: inserting one costs the page's main thread ~8–15 ms, and the tasks in
  // which X renders rows (and Sotto hides their ciphertext) are long enough already.
  const mountQueue: (() => void)[] = [];
  let draining = false;
  const drain = (): void => {
    mountQueue.shift()?.();
    if (mountQueue.length > 0 && !signal.aborted) setTimeout(drain, 0);
    else draining = false;
  };
  const enqueueMount = (job: () => void): void => {
    mountQueue.push(job);
    if (draining) return;
    draining = true;
    setTimeout(drain, 0);
  };

  /**
   * The vault's answer about each row, asking only about rows it has not been asked about,
   * in the requests `ingestRequests` plans; asked in a task of its own, not in the one in
   * which X rendered the rows.
   */
  const ingest = (
    conversation: ConversationRef,
    asks: (IngestAsk & { inView: boolean })[],
  ): Promise<RowAnswer>[] => {
    const started = new Promise((resolve) => setTimeout(resolve, 0));
    for (const request of ingestRequests(asks, (key) => known.has(key), MAX_INGEST_ROWS)) {
      const answers = started.then(() => ingestWithRetry(conversation, request));
      for (const [n, ask] of request.entries()) {
        const answer = answers.then((list) => list[n]!);
        known.set(ask.cacheKey, answer);
        void answer.then((result) => {
          // Only answers are remembered; a row that could not be read is asked about again.
          if (result.kind === 'unavailable') known.delete(ask.cacheKey);
          else answered.set(ask.cacheKey, result);
        });
      }
    }
    return asks.map((ask) => known.get(ask.cacheKey)!);
  };

  // --- rows leaving and joining runs; regrouping and list updates happen once per task ---

  const regroup = new Set<Slot>();
  const dirty = new Set<Run>();
  let settling = false;
  const settleSoon = (): void => {
    if (settling) return;
    settling = true;
    queueMicrotask(() => {
      settling = false;
      const slots = [...regroup];
      regroup.clear();
      // Grouping reads the rows' places but changes nothing on the page (frames mount later).
      if (slots.length > 0) group(slots);
      const runs = [...dirty];
      dirty.clear();
      for (const run of runs) sendList(run);
    });
  };

  /** A row leaves its run's view: it shows its own placeholder again. */
  const unfold = (slot: Slot): void => {
    slot.shown = false;
    slot.element.removeAttribute('data-sotto-shown');
    (slot.element as HTMLElement).style.display = '';
    if (!slot.placeholder.isConnected) slot.row.textElement.after(slot.placeholder);
    slot.placeholder.style.minHeight = `${heights.get(slot.cacheKey) ?? PLACEHOLDER_HEIGHT}px`;
  };

  /** Ends a run (its frame goes); its other rows, still on the page, form runs again. */
  const dissolve = (run: Run, except: Slot | null): void => {
    if (run.dead) return;
    run.dead = true;
    run.controller.abort();
    for (const slot of run.slots) {
      forgetNear(slot.element);
      slot.run = null;
    }
    // Rows X removed need nothing; when X removed them all (most runs it scrolls away), the
    // view needs no keeping either, and is not measured.
    const left = run.slots.filter((slot) => !slot.signal.aborted);
    if (left.length > 0) {
      keepInView(root, () => {
        for (const slot of left) {
          unfold(slot);
          if (slot !== except) regroup.add(slot);
        }
      });
    }
    dirty.delete(run);
    settleSoon();
  };

  /** Tells a loaded frame its run's messages now (a loading one hears once it is ready). */
  const sendList = (run: Run): void => {
    if (run.dead || !run.lease) return;
    if (!run.ready) {
      run.stale = true;
      return;
    }
    run.stale = false;
    run.lists.set(run.lease.show(run.slots.map((slot) => slot.messageId!)), [...run.slots]);
  };
  const listChanged = (run: Run | null): void => {
    if (!run || run.dead) return;
    dirty.add(run);
    settleSoon();
  };

  const applyHeight = (run: Run, height: number, parts: number[] | undefined): void => {
    if (!run.lease || run.dead) return;
    run.lease.setHeight(height);
    const shown = run.slots.filter((slot) => slot.shown);
    if (parts && parts.length === shown.length) {
      for (const [i, slot] of shown.entries()) heights.set(slot.cacheKey, parts[i]!);
    }
  };

  /**
   * What frames ask of the page (fold rows they now show, take a new height) waits for the
   * next frame and goes in together: keeping the view in place makes the browser lay the page
   * out, and frames answer one task at a time (the trace put ~2.7 ms on each). Nothing shows
   * before that frame anyway. A hidden tab has no frames: a timer stands in.
   */
  const viewChanges: (() => void)[] = [];
  const applyViewChanges = (): void => {
    const changes = viewChanges.splice(0);
    if (changes.length > 0 && !signal.aborted)
      keepInView(root, () => {
        for (const change of changes) change();
      });
  };
  const changeView = (change: () => void): void => {
    viewChanges.push(change);
    if (viewChanges.length > 1) return;
    const timer = setTimeout(() => {
      cancelAnimationFrame(frame);
      applyViewChanges();
    }, VIEW_CHANGE_FALLBACK_MS);
    const frame = requestAnimationFrame(() => {
      clearTimeout(timer);
      applyViewChanges();
    });
  };

  /** The frame shows every message of list `version`: fold those rows into it. */
  const onShown = (run: Run, version: number): void => {
    const list = run.lists.get(version);
    if (run.dead || !list) return;
    for (const key of run.lists.keys()) if (key <= version) run.lists.delete(key);
    const first = !run.ready;
    run.ready = true;
    changeView(() => {
      // The frame may have gone to other rows meanwhile.
      if (run.dead) return;
      for (const slot of list) {
        if (slot.run !== run || slot.signal.aborted || slot.shown) continue;
        slot.shown = true;
        slot.element.setAttribute('data-sotto-shown', '');
        // The first row's placeholder stays: it holds the frame's room and places it.
        if (slot === run.slots[0]) continue;
        slot.placeholder.remove();
        (slot.element as HTMLElement).style.display = 'none';
      }
      run.lease?.reveal();
      if (run.pendingHeight && run.lists.size === 0) {
        applyHeight(run, run.pendingHeight.height, run.pendingHeight.parts);
        run.pendingHeight = null;
      }
    });
    if (first && run.stale) listChanged(run);
  };

  const mountRun = (run: Run): void => {
    if (run.dead || run.lease || run.slots.some((slot) => slot.messageId === null)) return;
    const anchor = run.slots[0]!;
    const lease = pool.lend(
      anchor.placeholder,
      run.slots.map((slot) => slot.messageId!),
      // The frame starts at the size the first row's placeholder has.
      heights.get(anchor.cacheKey) ?? PLACEHOLDER_HEIGHT,
      {
        onReady: (version) => onShown(run, version),
        onResize: (height, parts) => {
          // Until the rows it measured are folded away, the frame keeps the first row's size.
          // (A lent frame may still report its last run's size: the frame reports again once
          // it shows this run's list.)
          if (!run.ready || run.lists.size > 0) run.pendingHeight = { height, parts };
          // The same height again (a message's badge changed, a list re-sent): nothing moves.
          else if (height === run.lease?.height) applyHeight(run, height, parts);
          else changeView(() => applyHeight(run, height, parts));
        },
      },
      run.controller.signal,
    );
    if (!lease) return;
    run.lease = lease;
    run.lists.set(lease.version, [...run.slots]);
  };

  /**
   * Puts rows that are not in a run into runs: a row directly below the last row of a run of
   * its direction (with room) joins it, otherwise a new run starts. New runs' frames mount
   * once their first row is near the viewport.
   */
  const group = (slots: Slot[]): void => {
    const free = slots.filter(
      (slot) => !slot.signal.aborted && slot.run === null && slot.messageId !== null,
    );
    if (free.length === 0) return;
    const order = [...root.querySelectorAll(X_SELECTORS.messageRow)];
    const index = new Map(order.map((element, i) => [element, i]));
    free.sort((a, b) => (index.get(a.element) ?? 0) - (index.get(b.element) ?? 0));
    const started: Run[] = [];
    /** The row below a row that just took its place may follow it now (in this pass). */
    const releaseBelow = (at: number, i: number): void => {
      const below = slotOf.get(order[at + 1]!);
      if (below && held.has(below) && !free.includes(below, i + 1)) free.splice(i + 1, 0, below);
    };
    for (let i = 0; i < free.length; i++) {
      const slot = free[i]!;
      held.delete(slot);
      const at = index.get(slot.element);
      if (at === undefined) continue;
      const before = at > 0 ? slotOf.get(order[at - 1]!) : undefined;
      if (waiting(before)) {
        held.add(slot);
        continue;
      }
      const run = before?.run;
      if (
        run &&
        !run.dead &&
        run.slots.at(-1) === before &&
        before.row.direction === slot.row.direction &&
        run.slots.length < ROWS_PER_FRAME
      ) {
        // A loaded frame hears of the row once the vault has stored its message, so that it
        // finds it at the first ask (`onAnswer` brings the row back here).
        if (run.lease && !answered.has(slot.cacheKey)) {
          held.add(slot);
          continue;
        }
        run.slots.push(slot);
        slot.run = run;
        listChanged(run);
        // A run still waiting to come near waits on this row too.
        const mount = run.lease ? undefined : nearViewport.get(run.slots[0]!.element);
        if (mount) {
          nearViewport.set(slot.element, mount);
          visibility.observe(slot.element);
        }
        releaseBelow(at, i);
        continue;
      }
      const fresh: Run = {
        slots: [slot],
        lease: null,
        controller: new AbortController(),
        lists: new Map(),
        ready: false,
        stale: false,
        pendingHeight: null,
        dead: false,
      };
      slot.run = fresh;
      started.push(fresh);
      releaseBelow(at, i);
    }
    // Nearest runs first: what the user looks at.
    const byAnchor = new Map(started.map((run) => [run.slots[0]!.element, run]));
    for (const { row, distance } of byDistanceFromView([...byAnchor.keys()])) {
      const run = byAnchor.get(row)!;
      if (distance <= MOUNT_MARGIN_PX) enqueueMount(() => mountRun(run));
      else mountWhenNear(run);
    }
  };

  /**
   * Mounts a run's frame once any of its rows comes into view. Not only its first row: X's
   * scroller clips rows, and the observer's margin does not reach past that clip, so scrolling
   * up shows a run's last rows while its first is still hidden (they showed placeholders until
   * it scrolled into view, in the benchmark up to 7 visible rows for several steps).
   */
  const mountWhenNear = (run: Run): void => {
    const mount = (): void => {
      for (const slot of run.slots) forgetNear(slot.element);
      enqueueMount(() => mountRun(run));
    };
    for (const slot of run.slots) {
      nearViewport.set(slot.element, mount);
      visibility.observe(slot.element);
    }
  };

  /** A row shows a note of its own (or its text, if it is no envelope): out of any run. */
  const leaveRun = (slot: Slot): void => {
    if (slot.run) dissolve(slot.run, slot);
    slotOf.delete(slot.element);
    regroup.delete(slot);
    releaseHeld(slot);
  };

  /**
   * A waiting row (held, or not yet grouped) is gone or shows a note: the rows held behind it
   * need not wait any more.
   */
  const releaseHeld = (slot: Slot): void => {
    const wasHeld = held.delete(slot);
    if (!ungrouped.delete(slot) && !wasHeld) return;
    for (const behind of held) regroup.add(behind);
    settleSoon();
  };

  /** What the vault said about a row that shows something other than a message. */
  const showNote = (row: MessageRow, placeholder: HTMLElement, result: RowAnswer): void => {
    if (result.kind === 'not-sotto') {
      placeholder.remove();
      row.textElement.style.display = '';
      return;
    }
    if (!placeholder.isConnected) row.textElement.after(placeholder);
    if (result.kind === 'message') {
      placeholder.dataset.sotto = 'duplicate';
      placeholder.style.minHeight = '0';
      placeholder.textContent = t('xRowDuplicate');
      return;
    }
    // Never fall back to showing the envelope: say what is wrong instead.
    placeholder.textContent =
      result.kind === 'unavailable' ? t(UNAVAILABLE_TEXT[result.reason]) : t('xRowWaitingParts');
  };

  /** Whether a row may show `result` in a reader (a message not already shown by another row). */
  const claim = (rowElement: Element, result: RowAnswer, rowSignal: AbortSignal): boolean => {
    if (result.kind !== 'message') return false;
    const owner = shownBy.get(result.messageId);
    if (owner && owner !== rowElement && owner.isConnected) return false;
    shownBy.set(result.messageId, rowElement);
    rowSignal.addEventListener('abort', () => {
      if (shownBy.get(result.messageId) === rowElement) shownBy.delete(result.messageId);
    });
    return true;
  };

  const onAnswer = (slot: Slot, answer: RowAnswer): void => {
    if (slot.signal.aborted) return;
    if (!claim(slot.element, answer, slot.signal) || answer.kind !== 'message') {
      leaveRun(slot);
      keepInView(root, () => showNote(slot.row, slot.placeholder, answer));
      return;
    }
    // Another id than foreseen (own invites, split messages): the reader shows that one.
    const changed = slot.messageId !== answer.messageId;
    slot.messageId = answer.messageId;
    if (slot.run) {
      if (changed) listChanged(slot.run);
      return;
    }
    // Its batch is grouped soon, in order.
    if (ungrouped.has(slot)) return;
    // Not in a run yet (or waiting to join a loaded one): now it can be.
    regroup.add(slot);
    settleSoon();
  };

  const onRowGone = (slot: Slot): void => {
    slotOf.delete(slot.element);
    regroup.delete(slot);
    forgetNear(slot.element);
    releaseHeld(slot);
    const run = slot.run;
    if (!run || run.dead) return;
    if (run.slots[0] === slot) dissolve(run, slot);
    else {
      run.slots.splice(run.slots.indexOf(slot), 1);
      listChanged(run);
    }
  };

  /** Hides a row's ciphertext at once behind a sized placeholder; null if it is no envelope. */
  const setUpRow = (
    rowElement: Element,
    rowSignal: AbortSignal,
    conversation: ConversationInfo | null,
  ): { slot: Slot; ask: IngestAsk | null } | null => {
    const row = readMessageRow(rowElement);
    if (!row || !looksLikeEnvelope(row.text)) return null;
    if (!conversation?.partner || conversation.kind !== 'direct') return null;
    const cacheKey = `${row.rowId}\n${row.text}`;

    // Hide the ciphertext at once and hold the row's place: no flash of envelope text.
    const placeholder = document.createElement('div');
    placeholder.dataset.sotto = 'placeholder';
    placeholder.style.minHeight = `${heights.get(cacheKey) ?? PLACEHOLDER_HEIGHT}px`;
    row.textElement.style.display = 'none';
    row.textElement.after(placeholder);

    const result = answered.get(cacheKey) ?? null;
    if (result && !claim(rowElement, result, rowSignal)) {
      showNote(row, placeholder, result);
      return null;
    }
    const slot: Slot = {
      element: rowElement,
      row,
      cacheKey,
      signal: rowSignal,
      placeholder,
      messageId: result?.kind === 'message' ? result.messageId : null,
      run: null,
      shown: false,
    };
    slotOf.set(rowElement, slot);
    rowSignal.addEventListener('abort', () => onRowGone(slot));
    if (result) return { slot, ask: null };
    const ingestRow = { rowId: row.rowId, direction: row.direction, text: row.text };
    return { slot, ask: { cacheKey, row: ingestRow, placeholder, signal: rowSignal } };
  };

  // A burst of new rows (opening a conversation) is ingested nearest the viewport first, and
  // grouped into runs once the ids their readers will show are known.
  let batch: [Element, AbortSignal][] = [];
  const flush = (): void => {
    const rows = batch;
    batch = [];
    const signals = new Map(rows);
    const slots: Slot[] = [];
    const asks: (IngestAsk & { inView: boolean; slot: Slot })[] = [];
    // One conversation for the whole batch (X re-creates dozens of rows per scroll).
    const conversation = readConversation(root);
    keepInView(root, () => {
      for (const { row, distance } of byDistanceFromView(rows.map(([row]) => row))) {
        const rowSignal = signals.get(row)!;
        if (rowSignal.aborted) continue;
        const set = setUpRow(row, rowSignal, conversation);
        if (!set) continue;
        slots.push(set.slot);
        ungrouped.add(set.slot);
        if (set.ask) asks.push({ ...set.ask, inView: distance === 0, slot: set.slot });
      }
    });
    if (asks.length > 0 && conversation?.partner) {
      const ref = { conversationId: conversation.conversationId, partner: conversation.partner };
      for (const [i, answer] of ingest(ref, asks).entries()) {
        void answer.then((result) => onAnswer(asks[i]!.slot, result));
      }
    }
    const predicted = slots.map(async (slot) => {
      if (slot.messageId === null) {
        const id = await foresee(slot.row.text);
        // The vault may have answered meanwhile: its id wins.
        slot.messageId ??= id;
      }
    });
    void Promise.all(predicted).then(() => {
      for (const slot of slots) {
        if (!ungrouped.delete(slot)) continue;
        regroup.add(slot);
      }
      settleSoon();
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
    // Sotto's own placeholders and frames coming and going are no new rows.
    (node) => node instanceof HTMLElement && node.dataset.sotto !== undefined,
  );
}
