import type { RefObject } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import SecurityMark, { useSecurityMark } from '@/components/SecurityMark';
import { useFrameLayout } from '@/components/useFrameLayout';
import { useVaultLock } from '@/components/useVaultLock';
import { type VisibilityGuard, watchVisibility } from '@/components/visibility-guard';
import { t, translate, userText } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import { type RpcError, rpcError } from '@/lib/rpc/errors';
import { onVaultChange } from '@/lib/rpc/events';
import { postToHost } from '@/lib/rpc/frame';
import type { ComposeTarget } from '@/lib/rpc/protocol';

export interface ComposeAppProps {
  /** The x.com origin that embeds this frame (already checked against our host list). */
  hostOrigin: string;
  conversationId: string;
  partner: string;
  kind: string;
  /** Opened from a call button to start a session: offer the invitation first. */
  intent: 'write' | 'invite';
}

type Sending =
  | { phase: 'idle' }
  | { phase: 'sending' }
  | { phase: 'sent' }
  | { phase: 'failed'; error: RpcError | null };

const DRAFT_SAVE_DELAY_MS = 400;

/** The secure compose frame: the user types here, where the host page cannot read. */
export default function ComposeApp({
  hostOrigin,
  conversationId,
  partner,
  kind,
  intent,
}: ComposeAppProps) {
  const supported = kind === 'direct' && partner !== '';
  const [target, setTarget] = useState<ComposeTarget | null>(null);
  const [targetError, setTargetError] = useState<RpcError | null>(null);
  const [text, setText] = useState('');
  const [sending, setSending] = useState<Sending>({ phase: 'idle' });
  const input = useRef<HTMLTextAreaElement>(null);
  const inviteButton = useRef<HTMLButtonElement>(null);
  // Until the invitation is sent, focus (on load and whenever the frame gets it) goes to it.
  const offerInvite = useRef(false);
  // While sending waits for a key decision, focus goes to the button that opens it.
  const reviewButton = useRef<HTMLButtonElement>(null);
  const reviewNeeded = useRef(false);
  /** Where focus belongs: the invitation to send, the key decision to take, or the text box. */
  const focusDefault = useCallback(
    () =>
      (offerInvite.current
        ? inviteButton.current
        : reviewNeeded.current
          ? reviewButton.current
          : input.current
      )?.focus(),
    [],
  );
  const draftTimer = useRef<ReturnType<typeof setTimeout>>();
  const [draftLoaded, setDraftLoaded] = useState(false);
  const actions = useRef<HTMLDivElement>(null);
  const visibility = useRef<VisibilityGuard | null>(null);
  // Locking takes the typed text off the screen (the draft is sealed in the vault); the next
  // focus asks the vault again.
  const lock = useVaultLock(() => {
    clearTimeout(draftTimer.current);
    setText('');
    setTargetError(rpcError('LOCKED'));
  });
  // The user's mark, asked for once: it tells this frame from one the page drew.
  const mark = useSecurityMark(!lock.locked);

  // What may change the frame's height: its state, a send's outcome and whether the user's
  // security mark has arrived; never the text typed.
  const layoutKey = `${supported}|${target?.state ?? ''}|${targetError?.code ?? ''}|${sending.phase}|${mark !== null}`;
  // Ready once the user would see the real state and their draft, so nothing typed or pressed
  // right away lands in an empty box.
  useFrameLayout(
    hostOrigin,
    !supported || ((target !== null || targetError !== null) && draftLoaded),
    undefined,
    layoutKey,
  );

  const refresh = useCallback(async (): Promise<ComposeTarget | null> => {
    if (!supported) return null;
    const result = await callVault('compose.target', { conversationId, partner });
    if (result.ok) {
      setTarget(result.value);
      setTargetError(null);
      return result.value;
    }
    setTargetError(result.error);
    return null;
  }, [conversationId, partner, supported]);

  useEffect(() => {
    if (!lock.locked) return;
    const retry = async () => {
      if (!(await refresh())) return;
      lock.clear();
      const draft = await callVault('draft.get', { conversationId });
      if (draft.ok && draft.value.text) setText((current) => current || draft.value.text);
    };
    window.addEventListener('focus', retry);
    return () => window.removeEventListener('focus', retry);
  }, [lock.locked, lock.clear, refresh, conversationId]);

  useEffect(() => {
    if (!supported) return;
    void refresh();
    void callVault('draft.get', { conversationId }).then((draft) => {
      if (draft.ok && draft.value.text) setText((current) => current || draft.value.text);
      setDraftLoaded(true);
    });
    return onVaultChange((changed) => {
      if (changed === conversationId) void refresh();
    });
  }, [conversationId, refresh, supported]);

  // The frame opens with focus in the text box; once the vault's answer shows that sending
  // waits for a key decision, focus moves (once) to the button that opens it.
  const loaded = target !== null;
  useEffect(() => {
    if (loaded && reviewNeeded.current && document.hasFocus()) focusDefault();
  }, [loaded, focusDefault]);

  useEffect(() => {
    const focusInput = () => focusDefault();
    focusInput();
    window.addEventListener('focus', focusInput);
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') postToHost({ type: 'close' }, hostOrigin);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('focus', focusInput);
      window.removeEventListener('keydown', onKey);
    };
  }, [hostOrigin, focusDefault]);

  useEffect(() => {
    if (!actions.current) return;
    const guard = watchVisibility(actions.current);
    visibility.current = guard;
    return () => guard.stop();
  }, []);

  /**
   * Send and Send invitation act only while the user can see them (where the browser can tell):
   * the page may have made this frame transparent and put it under the cursor.
   */
  const seenByUser = async (): Promise<boolean> => {
    if (await (visibility.current?.visible() ?? Promise.resolve(true))) return true;
    setSending({ phase: 'failed', error: rpcError('FORBIDDEN', userText('composeHidden')) });
    return false;
  };

  const saveDraft = (value: string) => {
    clearTimeout(draftTimer.current);
    draftTimer.current = setTimeout(() => {
      void callVault('draft.save', { conversationId, text: value });
    }, DRAFT_SAVE_DELAY_MS);
  };

  const send = async () => {
    const message = text;
    // Several messages may be on their way at once; the content script sends them in order.
    if (!message.trim()) return;
    // The state may have changed without us hearing (an accepted invite): ask before refusing.
    if (target?.state !== 'ready' && (await refresh())?.state !== 'ready') return;
    if (!(await seenByUser())) return;
    setSending({ phase: 'sending' });
    // Cleared at once so the user can write on; put back if the message does not go out.
    setText('');
    clearTimeout(draftTimer.current);
    await callVault('draft.save', { conversationId, text: message });
    const result = await callVault('compose.send', { conversationId, partner, text: message });
    if (
      (result.ok && result.value.delivery === 'sent') ||
      (!result.ok && (await sentAnyway(result.error)))
    ) {
      setSending({ phase: 'sent' });
    } else {
      setSending({ phase: 'failed', error: result.ok ? null : result.error });
      setText((typedSince) => (typedSince ? `${message}\n${typedSince}` : message));
    }
    input.current?.focus();
  };

  /**
   * The worker can be stopped after the envelope left but before its answer reached us. The
   * vault clears the draft once X shows the sent message: an empty draft means it went out.
   */
  const sentAnyway = async (error: RpcError): Promise<boolean> => {
    if (error.code !== 'UNAVAILABLE') return false;
    for (const delay of [300, 1500]) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const draft = await callVault('draft.get', { conversationId });
      if (draft.ok) return draft.value.text === '';
    }
    return false;
  };

  const invite = async () => {
    if (!(await seenByUser())) return;
    setSending({ phase: 'sending' });
    const result = await callVault('compose.invite', { conversationId, partner });
    setSending(
      result.ok && result.value.delivery === 'sent'
        ? { phase: 'idle' }
        : { phase: 'failed', error: result.ok ? null : result.error },
    );
    await refresh();
    // Back to writing: what the user types next is the draft for when they accept.
    input.current?.focus();
  };

  // A decision taken in the decision window removes the Review button that had focus: what the
  // user types next belongs in the text box.
  const ready = target?.state === 'ready';
  useEffect(() => {
    if (ready && (document.activeElement === document.body || !document.activeElement)) {
      input.current?.focus();
    }
  }, [ready]);

  const inviteOffered = intent === 'invite' && target?.state === 'no-session';
  useEffect(() => {
    if (inviteOffered) inviteButton.current?.focus();
  }, [inviteOffered]);

  /** Key decisions are taken in the decision window, where the page cannot click for the user. */
  const reviewKey = async () => {
    const result = await callVault('decision.open', {
      kind: 'key',
      handle: partner,
      conversationId,
    });
    setTargetError(result.ok ? null : result.error);
  };

  if (!supported) {
    return (
      <main class="compose" data-sotto="compose" data-sotto-state="unsupported">
        <p role="status">{t('composeUnsupported')}</p>
        <SecurityMark mark={mark} />
      </main>
    );
  }

  const state = targetError?.code === 'LOCKED' ? 'locked' : (target?.state ?? 'loading');
  const canSend = state === 'ready';
  offerInvite.current = intent === 'invite' && state === 'no-session';
  reviewNeeded.current = state === 'key-changed-blocked' || state === 'blocked';

  return (
    <main class="compose" data-sotto="compose" data-sotto-state={state}>
      <Notice state={state} partner={partner} onReview={reviewKey} reviewButton={reviewButton} />
      {targetError && targetError.code !== 'LOCKED' ? (
        <p class="status error" role="alert">
          {translate(targetError.text)}
        </p>
      ) : null}
      <label for="plaintext" class="visually-hidden">
        {t('composeLabel', partner)}
      </label>
      <textarea
        id="plaintext"
        ref={input}
        data-sotto="plaintext"
        rows={3}
        value={text}
        placeholder={t('composeLabel', partner)}
        onInput={(event) => {
          const value = event.currentTarget.value;
          setText(value);
          saveDraft(value);
          if (sending.phase !== 'sending') setSending({ phase: 'idle' });
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            void send();
          }
        }}
      />
      <div class="row" ref={actions}>
        <SendStatus sending={sending} canSend={canSend} hasText={text.trim() !== ''} />
        <div class="actions">
          <SecurityMark mark={mark} />
          {state === 'no-session' ? (
            <button
              type="button"
              ref={inviteButton}
              data-sotto="invite"
              onClick={() => void invite()}
              disabled={sending.phase === 'sending'}
            >
              {t('composeSendInvite')}
            </button>
          ) : (
            <button
              type="button"
              data-sotto="send"
              onClick={() => void send()}
              disabled={!canSend || !text.trim() || sending.phase === 'sending'}
            >
              {sending.phase === 'failed' ? t('composeRetry') : t('composeSend')}
            </button>
          )}
        </div>
      </div>
    </main>
  );
}

interface NoticeProps {
  state: string;
  partner: string;
  onReview: () => void;
  reviewButton: RefObject<HTMLButtonElement>;
}

/** What the user needs to know before typing, by the conversation's state. */
function Notice({ state, partner, onReview, reviewButton }: NoticeProps) {
  switch (state) {
    case 'no-session':
      return <p class="notice">{t('composeNoSession', partner)}</p>;
    case 'invite-sent':
      return (
        <p class="notice" role="status">
          {t('composeInviteSent', partner)}
        </p>
      );
    case 'invite-received':
      return (
        <p class="notice" role="status">
          {t('composeInviteReceived', partner)}
        </p>
      );
    case 'key-changed-blocked':
    case 'blocked':
      return (
        <div class="notice warning" role="alert">
          <p>{t(state === 'blocked' ? 'composeBlocked' : 'composeKeyChanged', partner)}</p>
          <button type="button" ref={reviewButton} data-sotto="approve-key" onClick={onReview}>
            {t('composeReviewKey')}
          </button>
        </div>
      );
    case 'locked':
      return (
        <p class="notice" role="alert">
          {t('composeLocked')}
        </p>
      );
    case 'loading':
      return <p class="status">{t('statusConnecting')}</p>;
    default:
      return null;
  }
}

interface SendStatusProps {
  sending: Sending;
  canSend: boolean;
  hasText: boolean;
}

function SendStatus({ sending, canSend, hasText }: SendStatusProps) {
  const text =
    sending.phase === 'sending'
      ? t('composeSending')
      : sending.phase === 'sent'
        ? t('composeSent')
        : sending.phase === 'failed'
          ? sending.error
            ? translate(sending.error.text)
            : t('composeNotAccepted')
          : canSend && hasText
            ? t('composeKeysHint')
            : '';
  return (
    <p
      class={`status${sending.phase === 'failed' ? ' error' : ''}`}
      data-sotto="send-status"
      data-sotto-state={sending.phase}
      role={sending.phase === 'failed' ? 'alert' : 'status'}
    >
      {text}
    </p>
  );
}
