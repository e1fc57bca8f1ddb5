import { useEffect, useState } from 'preact/hooks';
import { useFrameLayout } from '@/components/useFrameLayout';
import { type MessageKey, t, translate } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import type { MessageErrorReason, MessageView } from '@/lib/rpc/protocol';

export interface ReaderAppProps {
  hostOrigin: string;
  /** The vault's id for the message this frame shows (the envelope's hash). */
  messageId: string | null;
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
 * The content script mounts a reader while the vault is still storing its message (the two
 * run side by side, to show it sooner): until the vault has it, ask again after these waits,
 * then say there is no record. About 8 s in all: an ingest takes well under a second, and a
 * reader for an id the vault never stores (a forged frame URL) should not spin for long.
 */
const ASK_AGAIN_MS = [30, 60, 120, 250, 500, 1000, 2000, 4000];

/** The reader frame: a decrypted message, shown as text, in place of X's ciphertext. */
export default function ReaderApp({ hostOrigin, messageId }: ReaderAppProps) {
  const [loaded, setLoaded] = useState<Loaded>({ phase: 'loading' });
  const [accepting, setAccepting] = useState<'idle' | 'busy' | RpcError>('idle');
  useFrameLayout(hostOrigin, loaded.phase !== 'loading');

  useEffect(() => {
    if (!messageId || !MESSAGE_ID.test(messageId)) {
      setLoaded({ phase: 'failed', error: null });
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (attempt: number): Promise<void> => {
      const result = await callVault('message.get', { messageId });
      if (stopped) return;
      if (result.ok && result.value) {
        setLoaded({ phase: 'ready', message: result.value });
        return;
      }
      const wait = ASK_AGAIN_MS[attempt];
      if (result.ok && wait !== undefined) {
        timer = setTimeout(() => void load(attempt + 1), wait);
        return;
      }
      setLoaded({ phase: 'failed', error: result.ok ? null : result.error });
    };
    void load(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [messageId]);

  const accept = async (message: MessageView) => {
    setAccepting('busy');
    const result = await callVault('invite.accept', { messageId: message.id });
    if (!result.ok) {
      setAccepting(result.error);
      return;
    }
    setAccepting('idle');
    setLoaded({ phase: 'ready', message: { ...message, state: 'accepted' } });
  };

  if (loaded.phase === 'loading') return <main class="reader" aria-busy="true" />;
  if (loaded.phase === 'failed') {
    return (
      <main class="reader">
        <p class="message error" data-sotto="message" data-sotto-state="error" role="alert">
          {loaded.error ? translate(loaded.error.text) : t('errorUnknownMessage')}
        </p>
      </main>
    );
  }
  const { message } = loaded;
  return (
    <main class="reader">
      <article
        class={`message ${message.direction}`}
        data-sotto="message"
        data-sotto-state={message.state}
        data-sotto-direction={message.direction}
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
          </time>
        </footer>
      </article>
    </main>
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
