import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import SecurityMark, { useSecurityMark } from '@/components/SecurityMark';
import { useFrameLayout } from '@/components/useFrameLayout';
import { LOCKED_NOTICE, useVaultLock } from '@/components/useVaultLock';
import type { SecurityMark as Mark } from '@/lib/config/security-mark';
import { type MessageKey, t, translate } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import { onVaultChange } from '@/lib/rpc/events';
import { listenToHost } from '@/lib/rpc/frame';
import type { MessageErrorReason, MessageView } from '@/lib/rpc/protocol';

export interface ReaderAppProps {
  hostOrigin: string;
  /** The vault's ids for the messages this frame shows (envelope hashes), in the list's order. */
  messageIds: string[];
}

type Loaded =
  | { phase: 'loading' }
  | { phase: 'ready'; message: MessageView }
  | { phase: 'failed'; error: RpcError | null };

const ERROR_TEXT: Record<MessageErrorReason, MessageKey> = {
  unverifiable: 'readerErrorUnverifiable',
  'other-conversation': 'readerErrorOtherConversation',
  'key-changed': 'readerErrorKeyChanged',
  'too-many-skipped': 'readerErrorTooManySkipped',
  'version-too-new': 'readerErrorVersionTooNew',
  replay: 'readerErrorReplay',
};

const MESSAGE_ID = /^[0-9a-f]{64}$/;

/**
 * The content script names a message while the vault is still storing it (the two run side
 * by side, to show it sooner): until the vault has it, ask again after these waits, then say
 * there is no record. About 8 s in all: an ingest takes well under a second, and a reader for
 * an id the vault never stores (a forged frame URL) should not spin for long.
 */
const ASK_AGAIN_MS = [30, 60, 120, 250, 500, 1000, 2000, 4000];

/**
 * The reader frame: the decrypted messages of one or more consecutive rows, shown as text, in
 * place of X's ciphertext. The content script can add rows to the list later (a new message
 * below the last one) without reloading the frame; each time every message of a list is
 * shown, the frame says so with that list's version.
 */
export default function ReaderApp({ hostOrigin, messageIds }: ReaderAppProps) {
  const [list, setList] = useState({ ids: messageIds, version: 0 });
  const [loaded, setLoaded] = useState<ReadonlyMap<string, Loaded>>(new Map());
  // Locking drops every decrypted text from this frame; on its next focus it asks again.
  const [epoch, setEpoch] = useState(0);
  const lock = useVaultLock(() => setLoaded(new Map()));
  // The user's mark, asked for once per frame (frames are re-used for other rows).
  const mark = useSecurityMark(!lock.locked);
  useEffect(() => {
    if (!lock.locked) return;
    const retry = () => {
      lock.clear();
      setEpoch((n) => n + 1);
    };
    window.addEventListener('focus', retry);
    return () => window.removeEventListener('focus', retry);
  }, [lock.locked, lock.clear]);
  const allShown = list.ids.every((id) => (loaded.get(id)?.phase ?? 'loading') !== 'loading');
  // The newest list whose every message was shown (a later list may still be loading).
  const shownVersion = useRef<number | null>(null);
  if (allShown) shownVersion.current = list.version;
  useFrameLayout(hostOrigin, shownVersion.current !== null, shownVersion.current ?? 0);

  useEffect(
    () =>
      listenToHost(hostOrigin, (message) => {
        if (message.type === 'messages') setList({ ids: message.ids, version: message.version });
      }),
    [hostOrigin],
  );

  const onLoaded = useCallback((id: string, result: Loaded) => {
    setLoaded((before) => new Map(before).set(id, result));
  }, []);

  if (lock.locked) {
    return (
      <main class="reader">
        <p class="status" role="status" data-sotto="locked">
          {translate(LOCKED_NOTICE)}
        </p>
      </main>
    );
  }
  return (
    <main class="reader" aria-busy={allShown ? undefined : 'true'}>
      {[...new Set(list.ids)].map((id) => (
        <MessageEntry
          key={`${epoch}:${id}`}
          messageId={id}
          loaded={loaded.get(id) ?? { phase: 'loading' }}
          onLoaded={onLoaded}
          mark={mark}
        />
      ))}
    </main>
  );
}

/** Asks the vault for one message until it has it (or gives up). */
function useMessage(
  messageId: string,
  loading: boolean,
  onLoaded: (id: string, result: Loaded) => void,
): void {
  const stillLoading = useRef(loading);
  stillLoading.current = loading;
  useEffect(() => {
    if (!stillLoading.current) return;
    if (!MESSAGE_ID.test(messageId)) {
      onLoaded(messageId, { phase: 'failed', error: null });
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (attempt: number): Promise<void> => {
      const result = await callVault('message.get', { messageId });
      if (stopped) return;
      if (result.ok && result.value) {
        onLoaded(messageId, { phase: 'ready', message: result.value });
        return;
      }
      const wait = ASK_AGAIN_MS[attempt];
      if (result.ok && wait !== undefined) {
        timer = setTimeout(() => void load(attempt + 1), wait);
        return;
      }
      onLoaded(messageId, { phase: 'failed', error: result.ok ? null : result.error });
    };
    void load(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [messageId, onLoaded]);
}

function MessageEntry({
  messageId,
  loaded,
  onLoaded,
  mark,
}: {
  messageId: string;
  loaded: Loaded;
  onLoaded: (id: string, result: Loaded) => void;
  mark: Mark | null;
}) {
  useMessage(messageId, loaded.phase === 'loading', onLoaded);
  const [accepting, setAccepting] = useState<'idle' | 'busy' | 'asked' | RpcError>('idle');
  const openInvite =
    loaded.phase === 'ready' &&
    loaded.message.state === 'invite' &&
    loaded.message.direction === 'in'
      ? loaded.message
      : null;

  // Accepting happens in the decision window; this frame learns the outcome from the vault.
  useEffect(() => {
    if (!openInvite) return;
    return onVaultChange((changed) => {
      if (changed !== openInvite.conversationId) return;
      void callVault('message.get', { messageId: openInvite.id }).then((result) => {
        if (result.ok && result.value)
          onLoaded(messageId, { phase: 'ready', message: result.value });
      });
    });
  }, [openInvite, messageId, onLoaded]);

  /**
   * Accept only opens the decision window: this frame sits in a page that can restyle it and
   * place it under the cursor, so the choice is taken where the page cannot reach.
   */
  const accept = async (message: MessageView) => {
    setAccepting('busy');
    const result = await callVault('decision.open', {
      kind: 'accept-invite',
      messageId: message.id,
    });
    setAccepting(result.ok ? 'asked' : result.error);
  };

  // Nothing yet: the content script keeps this row's place meanwhile.
  if (loaded.phase === 'loading') return null;
  if (loaded.phase === 'failed') {
    return (
      <p
        class="message error"
        data-sotto="message"
        data-sotto-state="error"
        data-sotto-entry=""
        role="alert"
      >
        {loaded.error ? translate(loaded.error.text) : t('errorUnknownMessage')}
      </p>
    );
  }
  const { message } = loaded;
  return (
    <article
      class={`message ${message.direction}`}
      data-sotto="message"
      data-sotto-state={message.state}
      data-sotto-direction={message.direction}
      data-sotto-entry=""
      aria-label={t('readerLabel', message.sender)}
    >
      <Body message={message} />
      {message.state === 'invite' && message.direction === 'in' ? (
        <div class="row">
          <button
            type="button"
            data-sotto="accept"
            disabled={accepting === 'busy'}
            onClick={() => void accept(message)}
          >
            {t('readerAccept')}
          </button>
          {typeof accepting === 'object' ? (
            <span class="status error" role="alert">
              {translate(accepting.text)}
            </span>
          ) : accepting === 'asked' ? (
            <span class="status" role="status">
              {t('readerDecideInWindow')}
            </span>
          ) : null}
        </div>
      ) : null}
      <footer class="meta">
        <span class="badge" data-sotto="badge">
          {badge(message)}
        </span>{' '}
        <time dateTime={new Date(message.createdAt).toISOString()}>
          {new Date(message.createdAt).toLocaleTimeString([], {
            hour: '2-digit',
            minute: '2-digit',
          })}
        </time>{' '}
        <SecurityMark mark={mark} />
      </footer>
    </article>
  );
}

function Body({ message }: { message: MessageView }) {
  switch (message.state) {
    case 'invite':
      return message.direction === 'in' ? (
        <p class="text">
          {t('readerInviteIn', message.inviteFrom?.handle ?? message.sender)}{' '}
          <code>{message.inviteFrom?.fingerprint ?? '—'}</code>
        </p>
      ) : (
        <p class="text">
          {message.sender === 'me'
            ? t('readerInviteOutUnnamed')
            : t('readerInviteOut', message.sender)}
        </p>
      );
    case 'accepted':
      return <p class="text">{t('readerAccepted')}</p>;
    case 'error':
      return (
        <p class="text" role="alert">
          {t(ERROR_TEXT[message.error ?? 'unverifiable'])}
        </p>
      );
    default:
      // Text, never HTML: decrypted content cannot become markup here (isolation rule 5).
      return <p class="text">{message.text ?? ''}</p>;
  }
}

function badge(message: MessageView): string {
  if (message.state === 'error') return t('readerBadgeUnverified');
  if (message.direction === 'out') {
    return message.delivery === 'failed' ? t('readerBadgeNotSent') : t('readerBadgeSent');
  }
  return t('readerBadgeReceived');
}
