import { useEffect, useRef, useState } from 'preact/hooks';
import ErrorText from '@/components/ErrorText';
import SafetyNumber from '@/components/SafetyNumber';
import SecurityMark, { useSecurityMark } from '@/components/SecurityMark';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import type { DecisionChoice, DecisionView } from '@/lib/rpc/protocol';

export interface DecisionAppProps {
  /** The background's id for the decision this window was opened for. */
  id: string;
}

/**
 * The buttons that change trust stay disabled this long after the window is shown: a click
 * meant for the page below (a double click, or one the page timed to land here) must not
 * decide anything. "Keep the old key" and closing the window change no trust and work at once.
 */
export const ARM_DELAY_MS = 600;

type Phase =
  | { phase: 'loading' }
  | { phase: 'gone' }
  | { phase: 'ready'; view: DecisionView }
  | { phase: 'working'; view: DecisionView }
  | { phase: 'done'; view: DecisionView; choice: DecisionChoice; delivered: boolean };

/**
 * The decision window: an extension window x.com cannot embed, restyle or click into. Every
 * choice that changes whom Sotto trusts (accepting an invitation, a contact's new key) is taken
 * here, with the handle, the pinned key and the key on offer in front of the user.
 */
export default function DecisionApp({ id }: DecisionAppProps) {
  const [state, setState] = useState<Phase>({ phase: 'loading' });
  const [error, setError] = useState<RpcError | null>(null);
  const [armed, setArmed] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  const mark = useSecurityMark();
  const markCorner = <SecurityMark mark={mark} class="mark-corner" />;

  useEffect(() => {
    void callVault('decision.get', { id }).then((result) => {
      if (!result.ok) setError(result.error);
      setState(
        result.ok && result.value ? { phase: 'ready', view: result.value } : { phase: 'gone' },
      );
    });
  }, [id]);

  useEffect(() => {
    if (state.phase !== 'ready') return;
    keep.current?.focus();
    const timer = setTimeout(() => setArmed(true), ARM_DELAY_MS);
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') window.close();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('keydown', onKey);
    };
  }, [state.phase]);

  const take = async (view: DecisionView, choice: DecisionChoice) => {
    setState({ phase: 'working', view });
    setError(null);
    const result = await callVault('decision.take', { id, choice });
    if (!result.ok) {
      setError(result.error);
      setState({ phase: 'ready', view });
      return;
    }
    setState({ phase: 'done', view, choice, delivered: result.value.delivery !== 'failed' });
  };

  if (state.phase === 'loading') {
    return (
      <main class="page decision" data-sotto="decision" data-sotto-state="loading">
        {markCorner}
        <p class="status">{t('loading')}</p>
      </main>
    );
  }
  if (state.phase === 'gone') {
    return (
      <main class="page decision" data-sotto="decision" data-sotto-state="gone">
        {markCorner}
        <h1>{t('decisionGoneTitle')}</h1>
        <ErrorText error={error} />
        <p>{t('decisionGone')}</p>
        <button type="button" data-sotto="cancel" onClick={() => window.close()}>
          {t('decisionClose')}
        </button>
      </main>
    );
  }

  const { view } = state;
  if (view.done && state.phase === 'ready') {
    // Decided meanwhile (in another window, or the invitation was accepted): say so plainly.
    return (
      <main class="page decision" data-sotto="decision" data-sotto-state="settled">
        {markCorner}
        <h1>{t('decisionGoneTitle')}</h1>
        <p>
          {view.kind === 'accept-invite'
            ? t('decisionInviteSettled', view.handle)
            : t('decisionKeySettled', view.handle)}
        </p>
        {view.contact ? (
          <p class="fingerprint" data-sotto="pinned-fingerprint">
            {view.contact.fingerprint}
          </p>
        ) : null}
        <button type="button" data-sotto="cancel" onClick={() => window.close()}>
          {t('decisionClose')}
        </button>
      </main>
    );
  }
  const working = state.phase === 'working';
  const invite = view.kind === 'accept-invite';
  const pinned = view.contact;
  // A key on offer that is not the pinned one: accepting would trust a new key.
  const newKey =
    view.offered !== null && pinned !== null && view.offered.fingerprint !== pinned.fingerprint;

  if (state.phase === 'done') {
    return (
      <main class="page decision" data-sotto="decision" data-sotto-state="done">
        {markCorner}
        <h1>{t('decisionDoneTitle')}</h1>
        <p role="status" data-sotto="decision-result" data-sotto-state={state.choice}>
          {doneText(view, state.choice, state.delivered)}
        </p>
        <button type="button" onClick={() => window.close()}>
          {t('decisionClose')}
        </button>
      </main>
    );
  }

  return (
    <main
      class="page decision"
      data-sotto="decision"
      data-sotto-state="ready"
      data-sotto-kind={view.kind}
      aria-busy={working ? 'true' : undefined}
    >
      {markCorner}
      <h1>{invite ? t('decisionInviteTitle', view.handle) : t('decisionKeyTitle', view.handle)}</h1>
      {newKey || (!invite && view.offered) ? (
        <p class="status warning" role="alert">
          {t('decisionNewKeyWarning', view.handle)}
        </p>
      ) : null}
      {view.contact?.blocked ? (
        <p class="status warning">{t('decisionBlocked', view.handle)}</p>
      ) : null}
      <dl class="facts">
        {pinned ? (
          <>
            <dt>{t('decisionPinnedKey')}</dt>
            <dd class="fingerprint" data-sotto="pinned-fingerprint">
              {pinned.fingerprint}
            </dd>
            <dt>{t('decisionPinnedState')}</dt>
            <dd>{pinned.verified ? t('contactVerified') : t('decisionNotVerified')}</dd>
          </>
        ) : null}
        {view.offered ? (
          <>
            <dt>{pinned ? t('decisionNewKey') : t('decisionTheirKey')}</dt>
            <dd class="fingerprint" data-sotto="offered-fingerprint">
              {view.offered.fingerprint}
            </dd>
          </>
        ) : null}
      </dl>
      {view.offered?.safetyNumber ? (
        <SafetyNumber handle={view.handle} digits={view.offered.safetyNumber} />
      ) : null}
      <p>{explanation(view, newKey)}</p>
      <ErrorText error={error} name="decision-error" />
      <div class="row">
        <button
          type="button"
          data-sotto="confirm"
          disabled={!armed || working}
          onClick={() => void take(view, 'confirm')}
        >
          {invite
            ? newKey
              ? t('decisionTrustAndAccept')
              : t('decisionAccept')
            : t('decisionTrustNewKey')}
        </button>
        <button
          type="button"
          class="secondary"
          ref={keep}
          data-sotto="cancel"
          disabled={working}
          onClick={() => (invite ? window.close() : void take(view, 'keep'))}
        >
          {invite ? t('decisionNotNow') : t('decisionKeepOldKey')}
        </button>
        {!invite || newKey ? (
          <button
            type="button"
            class="danger"
            data-sotto="block"
            disabled={!armed || working}
            onClick={() => void take(view, 'block')}
          >
            {t('decisionBlock')}
          </button>
        ) : null}
      </div>
    </main>
  );
}

function explanation(view: DecisionView, newKey: boolean): string {
  if (view.kind === 'accept-invite') {
    if (newKey) return t('decisionInviteNewKeyExplained', view.handle);
    return view.contact
      ? t('decisionInviteKnownExplained', view.handle)
      : t('decisionInviteFirstExplained', view.handle);
  }
  return view.offered
    ? t('decisionKeyExplained', view.handle)
    : t('decisionBlockedExplained', view.handle);
}

function doneText(view: DecisionView, choice: DecisionChoice, delivered: boolean): string {
  if (view.kind === 'accept-invite') {
    if (choice === 'block') return t('decisionDoneBlocked', view.handle);
    return delivered ? t('decisionDoneAccepted', view.handle) : t('decisionDoneAcceptFailed');
  }
  if (choice === 'confirm') return t('decisionDoneTrusted', view.handle);
  if (choice === 'block') return t('decisionDoneBlocked', view.handle);
  return t('decisionDoneKept', view.handle);
}
