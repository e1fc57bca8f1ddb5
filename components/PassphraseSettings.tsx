import { useState } from 'preact/hooks';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import { longEnoughPassphrase, MIN_PASSPHRASE_LENGTH } from '@/lib/store/passphrase-policy';
import ConfirmAction from './ConfirmAction';
import ErrorText from './ErrorText';

export interface PassphraseSettingsProps {
  hasPassphrase: boolean;
  /** Called after a change, so the page can ask for the vault's status again. */
  onChanged: () => Promise<void>;
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  autocomplete: 'new-password' | 'current-password';
  name: string;
  /** The id of the text that explains the field (the length rule for a new passphrase). */
  describedBy?: string;
}

function PassphraseField({
  id,
  label,
  value,
  onInput,
  autocomplete,
  name,
  describedBy,
}: FieldProps) {
  return (
    <>
      <label for={id}>{label}</label>
      <input
        id={id}
        type="password"
        autocomplete={autocomplete}
        aria-describedby={describedBy}
        data-sotto={name}
        value={value}
        onInput={(event) => onInput(event.currentTarget.value)}
      />
    </>
  );
}

/** Set a passphrase, or change or remove the one that is set. */
export default function PassphraseSettings({ hasPassphrase, onChanged }: PassphraseSettingsProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RpcError | string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const run = async (work: () => ReturnType<typeof callVault>, success: string) => {
    setBusy(true);
    setDone(null);
    setError(null);
    const result = await work();
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setCurrent('');
    setNext('');
    setConfirm('');
    setDone(success);
    await onChanged();
  };

  const submitNew = (event: Event) => {
    event.preventDefault();
    if (next === '') return setError(t('passphraseEmpty'));
    // The store refuses it too (PASSPHRASE_TOO_SHORT); saying so here spares a round trip.
    if (!longEnoughPassphrase(next)) return setError(t('errorPassphraseTooShort'));
    if (next !== confirm) return setError(t('passphraseMismatch'));
    if (hasPassphrase) {
      void run(
        () => callVault('vault.changePassphrase', { current, next }),
        t('passphraseChanged'),
      );
    } else {
      void run(() => callVault('vault.setPassphrase', { passphrase: next }), t('passphraseSet'));
    }
  };

  return (
    <div class="stack" data-sotto="passphrase-settings">
      <p class="status">{hasPassphrase ? t('passphraseIsSet') : t('passphraseNotSet')}</p>
      <form class="stack" onSubmit={submitNew} data-sotto="passphrase-form">
        {hasPassphrase ? (
          <PassphraseField
            id="current-passphrase"
            label={t('passphraseCurrent')}
            value={current}
            onInput={setCurrent}
            autocomplete="current-password"
            name="current-passphrase"
          />
        ) : null}
        <PassphraseField
          id="new-passphrase"
          label={t('passphraseNew')}
          value={next}
          onInput={setNext}
          autocomplete="new-password"
          name="new-passphrase"
          describedBy="passphrase-hint"
        />
        <PassphraseField
          id="confirm-passphrase"
          label={t('passphraseConfirm')}
          value={confirm}
          onInput={setConfirm}
          autocomplete="new-password"
          name="confirm-passphrase"
        />
        <p class="status" id="passphrase-hint" data-sotto="passphrase-hint">
          {t('passphraseHint', String(MIN_PASSPHRASE_LENGTH))}
        </p>
        <div class="row start">
          <button type="submit" data-sotto="save-passphrase" disabled={busy}>
            {hasPassphrase ? t('passphraseChangeButton') : t('passphraseSetButton')}
          </button>
          {hasPassphrase ? (
            <ConfirmAction
              label={t('passphraseRemoveButton')}
              question={t('passphraseRemoveQuestion')}
              confirmLabel={t('passphraseRemoveConfirm')}
              name="remove-passphrase"
              confirmName="confirm-remove-passphrase"
              disabled={busy || current === ''}
              onConfirm={() =>
                run(() => callVault('vault.removePassphrase', { current }), t('passphraseRemoved'))
              }
            />
          ) : null}
        </div>
        {hasPassphrase ? <p class="status">{t('passphraseRemoveHint')}</p> : null}
      </form>
      {busy ? (
        <p class="status" role="status">
          <progress aria-label={t('passphraseWorking')} /> {t('passphraseWorking')}
        </p>
      ) : null}
      {done ? (
        <p class="status ok" role="status" data-sotto="passphrase-done">
          {done}
        </p>
      ) : null}
      <ErrorText error={error} name="passphrase-error" />
    </div>
  );
}
