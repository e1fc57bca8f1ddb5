import { looksLikeEnvelope } from '@/lib/crypto/marker';
import { observeElements } from '@/lib/dom/observe';
import { callVault } from '@/lib/rpc/client';
import type { IngestResult, RequestInput } from '@/lib/rpc/protocol';
import { readConversation, readMessageRow } from '@/lib/sites/x/adapter';
import { X_SELECTORS } from '@/lib/sites/x/selectors';
import { createExtensionFrame } from './frames';

/** Reader frames load only this close to the viewport; each costs tens of milliseconds. */
const MOUNT_MARGIN = '800px 0px';
/** Height of the placeholder that holds a row's place until its reader has loaded. */
const PLACEHOLDER_HEIGHT = 40;
/** Waits before asking the vault again when it did not answer (e.g. Chrome restarting it). */
const RETRY_DELAYS_MS = [250, 1000, 3000];
const UNAVAILABLE_TEXT = {
  unreachable: "Encrypted message. Sotto can't read it right now; reload the page to try again.",
  locked: 'Encrypted message. Unlock Sotto from the toolbar button to read it.',
};

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
    placeholder.textContent = 'Encrypted message…';
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * Replaces each encrypted message row's ciphertext, in place, with a reader frame showing the
 * plaintext. The vault recognises an envelope it has seen before by its hash, so rows that X
 * re-creates (virtualised list, reloads) are shown again from the store. This script only
 * ever holds envelope text and message ids.
 */
export function initMessageRows(root: ShadowRoot | Element, signal: AbortSignal): void {
  // Ingest answers by row and text: X re-creates rows constantly, the vault need not hear twice.
  const known = new Map<string, Promise<RowAnswer>>();
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

  observeElements(
    root,
    X_SELECTORS.messageRow,
    (rowElement, rowSignal) => {
      const row = readMessageRow(rowElement);
      if (!row || !looksLikeEnvelope(row.text)) return;
      const conversation = readConversation(root);
      if (!conversation?.partner || conversation.kind !== 'direct') return;

      // Hide the ciphertext at once and hold the row's place: no flash of envelope text.
      const placeholder = document.createElement('div');
      placeholder.dataset.sotto = 'placeholder';
      placeholder.style.minHeight = `${PLACEHOLDER_HEIGHT}px`;
      row.textElement.style.display = 'none';
      row.textElement.after(placeholder);
      const restore = () => {
        placeholder.remove();
        row.textElement.style.display = '';
      };
      rowSignal.addEventListener('abort', () => {
        nearViewport.delete(rowElement);
        visibility.unobserve(rowElement);
      });

      const cacheKey = `${row.rowId}\n${row.text}`;
      let answer = known.get(cacheKey);
      if (!answer) {
        answer = ingestWithRetry(
          {
            conversationId: conversation.conversationId,
            partner: conversation.partner,
            rowId: row.rowId,
            direction: row.direction,
            text: row.text,
          },
          placeholder,
          rowSignal,
        );
        known.set(cacheKey, answer);
        // Only answers are remembered; a row that could not be read is asked about again.
        void answer.then((result) => {
          if (result.kind === 'unavailable') known.delete(cacheKey);
        });
      }
      void answer.then((result) => {
        if (rowSignal.aborted) return;
        if (result.kind === 'not-sotto') {
          restore();
          return;
        }
        if (result.kind === 'unavailable') {
          // Never fall back to showing the envelope: say what is wrong instead.
          placeholder.textContent = UNAVAILABLE_TEXT[result.reason];
          return;
        }
        if (result.kind === 'part-pending') {
          placeholder.textContent = 'Encrypted message (waiting for the rest)…';
          return;
        }
        const owner = shownBy.get(result.messageId);
        if (owner && owner !== rowElement && owner.isConnected) {
          placeholder.dataset.sotto = 'duplicate';
          placeholder.style.minHeight = '0';
          placeholder.textContent = 'A copy of an earlier encrypted message (shown once, above).';
          return;
        }
        shownBy.set(result.messageId, rowElement);
        rowSignal.addEventListener('abort', () => {
          if (shownBy.get(result.messageId) === rowElement) shownBy.delete(result.messageId);
        });
        nearViewport.set(rowElement, () => {
          const frame = createExtensionFrame(
            'reader.html',
            'reader',
            { id: result.messageId, own: row.direction === 'out' ? '1' : '0' },
            rowSignal,
            { onReady: () => placeholder.remove() },
            PLACEHOLDER_HEIGHT,
          );
          placeholder.style.minHeight = '0';
          placeholder.before(frame);
        });
        visibility.observe(rowElement);
      });
    },
    signal,
  );
}
