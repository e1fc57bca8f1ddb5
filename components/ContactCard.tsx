import { useEffect, useState } from 'preact/hooks';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import type { ContactView } from '@/lib/rpc/protocol';
import ErrorText from './ErrorText';
import SafetyNumber from './SafetyNumber';

export interface ContactCardProps {
  handle: string;
}

/** Whether a contact is verified, unverified or has a key change waiting for approval. */
export function contactState(contact: ContactView): 'verified' | 'unverified' | 'key-changed' {
  return contact.keyChanged ? 'key-changed' : contact.verified ? 'verified' : 'unverified';
}

/** The popup's view of the current conversation's contact: safety number and verification. */
export default function ContactCard({ handle }: ContactCardProps) {
  const [contact, setContact] = useState<ContactView | null | 'loading'>('loading');
  const [error, setError] = useState<RpcError | null>(null);

  const load = async () => {
    const result = await callVault('contact.get', { handle });
    if (result.ok) setContact(result.value);
    else setError(result.error);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the handle changes.
  useEffect(() => {
    void load();
  }, [handle]);

  const act = async (work: () => ReturnType<typeof callVault>) => {
    const result = await work();
    setError(result.ok ? null : result.error);
    await load();
  };

  if (contact === 'loading') return <p class="status">{t('contactLoading', handle)}</p>;
  if (contact === null) {
    return (
      <p class="status" data-sotto="contact" data-sotto-state="none">
        {t('contactNone', handle)}
      </p>
    );
  }
  const state = contactState(contact);
  return (
    <section
      class="contact"
      data-sotto="contact"
      data-sotto-state={state}
      aria-labelledby="contact-heading"
    >
      <h2 id="contact-heading">@{contact.handle}</h2>
      {contact.keyChanged ? (
        <p class="status error" role="alert">
          {t('contactKeyChangedWarning', contact.handle)}
        </p>
      ) : null}
      <p class="status">{contact.verified ? t('contactVerified') : t('contactNotVerifiedHint')}</p>
      <SafetyNumber handle={contact.handle} digits={contact.safetyNumber} />
      <div class="row start">
        {contact.keyChanged || contact.blocked ? (
          <button
            type="button"
            data-sotto="approve-key"
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
        ) : (
          <button
            type="button"
            data-sotto="verify"
            onClick={() =>
              void act(() =>
                callVault('contact.verify', {
                  handle: contact.handle,
                  verified: !contact.verified,
                }),
              )
            }
          >
            {contact.verified ? t('contactUnverify') : t('contactMarkVerified')}
          </button>
        )}
      </div>
      <ErrorText error={error} />
    </section>
  );
}
