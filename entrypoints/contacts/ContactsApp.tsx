import ContactEntry from '@/components/ContactEntry';
import UnlockForm from '@/components/UnlockForm';
import { useVaultQuery } from '@/components/useVault';
import VaultStatusLine from '@/components/VaultStatusLine';
import { t, translate } from '@/lib/i18n';

/** Every contact: keys, safety numbers (digits and QR), verification, history, removal. */
export default function ContactsApp() {
  const [status, reloadStatus] = useVaultQuery('status', {});
  const [contacts, reloadContacts] = useVaultQuery('contact.list', {});
  const reload = async () => {
    await reloadStatus();
    await reloadContacts();
  };
  const locked = status.phase === 'ready' && status.value.state === 'locked';
  return (
    <main class="page">
      <h1>{t('contactsTitle')}</h1>
      <VaultStatusLine status={status} />
      <p class="status">{t('contactsIntro')}</p>
      {locked ? (
        <section aria-labelledby="unlock-heading">
          <h2 id="unlock-heading">{t('unlockToContinue')}</h2>
          <UnlockForm onUnlocked={reload} autoFocus />
        </section>
      ) : contacts.phase === 'loading' ? (
        <p class="status" role="status">
          {t('contactsLoading')}
        </p>
      ) : contacts.phase === 'failed' ? (
        <p class="status error" role="alert" data-sotto="contacts-error">
          {translate(contacts.error.text)}
        </p>
      ) : contacts.value.length === 0 ? (
        <p class="status" data-sotto="contacts-empty">
          {t('contactsEmpty')}
        </p>
      ) : (
        <ul class="cards" data-sotto="contact-list" aria-label={t('contactsTitle')}>
          {contacts.value.map((contact) => (
            <li key={contact.handle}>
              <ContactEntry contact={contact} onChanged={reloadContacts} />
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
