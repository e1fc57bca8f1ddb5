import { useState } from 'preact/hooks';
import { formatDate, t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import type { ContactView } from '@/lib/rpc/protocol';
import ConfirmAction from './ConfirmAction';
import { contactState } from './ContactCard';
import ErrorText from './ErrorText';
import SafetyNumber from './SafetyNumber';

export interface ContactEntryProps {
  contact: ContactView;
  /** Called after any change, so the page can ask the vault again. */
  onChanged: () => Promise<void>;
}

const STATE_TEXT = {
  verified: 'contactStateVerified',
  unverified: 'contactStateUnverified',
  'key-changed': 'contactStateKeyChanged',
} as const;

/** Everything the contacts page shows and does for one contact. */
export default function ContactEntry({ contact, onChanged }: ContactEntryProps) {
  const [error, setError] = useState<RpcError | null>(null);
  const [busy, setBusy] = useState(false);
  const state = contactState(contact);
  const headingId = `contact-${contact.handle}`;

  const act = async (work: () => ReturnType<typeof callVault>) => {
    setBusy(true);
    const result = await work();
    setBusy(false);
    setError(result.ok ? null : result.error);
    await onChanged();
  };

  return (
    <article
      class="card"
      data-sotto="contact-entry"
      data-sotto-handle={contact.handle}
      data-sotto-state={state}
      aria-labelledby={headingId}
    >
      <h2 id={headingId}>@{contact.handle}</h2>
      <dl class="facts">
        <dt>{t('contactStatus')}</dt>
        <dd data-sotto="contact-state" class={state === 'key-changed' ? 'error' : undefined}>
          {t(STATE_TEXT[state])}
        </dd>
        <dt>{t('contactFingerprint')}</dt>
        <dd class="fingerprint" data-sotto="contact-fingerprint">
          {contact.fingerprint}
        </dd>
        <dt>{t('contactFirstSeen')}</dt>
        <dd data-sotto="first-seen">{formatDate(contact.firstSeen)}</dd>
      </dl>
      <SafetyNumber handle={contact.handle} digits={contact.safetyNumber} qr />
      <h3>{t('contactKeyHistory')}</h3>
      {contact.keyHistory.length === 0 ? (
        <p class="status" data-sotto="key-history" data-sotto-count="0">
          {t('contactKeyHistoryNone')}
        </p>
      ) : (
        <ol data-sotto="key-history" data-sotto-count={contact.keyHistory.length}>
          {contact.keyHistory.map((key) => (
            <li key={key.fingerprint + key.seen}>
              <span class="fingerprint">{key.fingerprint}</span>{' '}
              <span class="status">{t('contactKeySeen', formatDate(key.seen))}</span>
            </li>
          ))}
        </ol>
      )}
      <div class="row start">
        {contact.keyChanged || contact.blocked ? (
          <button
            type="button"
            data-sotto="approve-key"
            disabled={busy}
            onClick={() =>
              // The choice (keep, trust, block) is the decision window's, as everywhere.
              void act(() =>
                callVault('decision.open', {
                  kind: 'key',
                  handle: contact.handle,
                  conversationId: null,
                }),
              )
            }
          >
            {t('contactApproveKey')}
          </button>
        ) : null}
        <button
          type="button"
          data-sotto={contact.verified ? 'unverify' : 'verify'}
          disabled={busy}
          onClick={() =>
            void act(() =>
              callVault('contact.verify', { handle: contact.handle, verified: !contact.verified }),
            )
          }
        >
          {contact.verified ? t('contactUnverify') : t('contactMarkVerified')}
        </button>
        <ConfirmAction
          label={t('contactRemove')}
          question={t('contactRemoveQuestion', contact.handle)}
          confirmLabel={t('contactRemoveConfirm')}
          name="remove-contact"
          confirmName="confirm-remove"
          disabled={busy}
          onConfirm={() => act(() => callVault('contact.remove', { handle: contact.handle }))}
        />
      </div>
      <ErrorText error={error} name="contact-error" />
    </article>
  );
}
