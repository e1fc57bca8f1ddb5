import { useEffect, useState } from 'preact/hooks';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import type { ContactView } from '@/lib/rpc/protocol';

export interface ContactCardProps {
  handle: string;
}

/** Groups of five digits, as Signal shows safety numbers: easier to read aloud and compare. */
function formatSafetyNumber(digits: string): string {
  return (digits.match(/\d{1,5}/g) ?? []).join(' ');
}

/** A contact's key, safety number and verification, with the controls to change it. */
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
    if (!result.ok) setError(result.error);
    await load();
  };

  if (contact === 'loading') return <p class="status">Loading @{handle}…</p>;
  if (contact === null) {
    return (
      <p class="status" data-sotto="contact" data-sotto-state="none">
        No encrypted conversation with @{handle} yet. Open the lock in the message box to invite
        them.
      </p>
    );
  }
  const state = contact.keyChanged ? 'key-changed' : contact.verified ? 'verified' : 'unverified';
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
          @{contact.handle}'s key changed. Compare safety numbers again before you trust new
          messages.
        </p>
      ) : null}
      <p class="status">
        {contact.verified
          ? '✓ Verified'
          : 'Not verified yet: compare this number with theirs, in person or on a call.'}
      </p>
      <p class="status" id="safety-number-label">
        Safety number
      </p>
      <p class="fingerprint" data-sotto="safety-number" aria-describedby="safety-number-label">
        {formatSafetyNumber(contact.safetyNumber)}
      </p>
      <div class="row">
        {contact.keyChanged ? (
          <button
            type="button"
            data-sotto="approve-key"
            onClick={() =>
              void act(() => callVault('contact.approveKeyChange', { handle: contact.handle }))
            }
          >
            Approve new key
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
            {contact.verified ? 'Mark as not verified' : 'Mark verified'}
          </button>
        )}
      </div>
      {error ? (
        <p class="status error" role="alert">
          {error.message}
        </p>
      ) : null}
    </section>
  );
}
