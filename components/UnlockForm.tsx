import { useState } from 'preact/hooks';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import ErrorText from './ErrorText';

export interface UnlockFormProps {
  onUnlocked: () => void | Promise<void>;
  /** Focus the passphrase on open (the popup opens to unlock). */
  autoFocus?: boolean;
}

/** Passphrase entry; a wrong passphrase says so and changes nothing. */
export default function UnlockForm({ onUnlocked, autoFocus = false }: UnlockFormProps) {
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RpcError | null>(null);
  return (
    <form
      class="stack"
      data-sotto="unlock-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        const result = await callVault('vault.unlock', { passphrase });
        setBusy(false);
        if (result.ok) {
          setPassphrase('');
          setError(null);
          await onUnlocked();
        } else {
          setError(result.error);
        }
      }}
    >
      <label for="unlock-passphrase">{t('unlockPassphraseLabel')}</label>
      <input
        id="unlock-passphrase"
        type="password"
        autocomplete="current-password"
        data-sotto="passphrase"
        value={passphrase}
        aria-describedby={error ? 'unlock-error' : undefined}
        onInput={(event) => setPassphrase(event.currentTarget.value)}
        // biome-ignore lint/a11y/noAutofocus: only where the page opens to unlock.
        autoFocus={autoFocus}
      />
      <div class="row">
        <button type="submit" data-sotto="unlock" disabled={busy || passphrase === ''}>
          {busy ? t('unlockBusy') : t('unlockButton')}
        </button>
      </div>
      {busy ? (
        <p class="status" role="status">
          {t('unlockProgress')}
        </p>
      ) : null}
      <ErrorText error={error} name="unlock-error" id="unlock-error" />
    </form>
  );
}
