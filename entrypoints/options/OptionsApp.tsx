import { useEffect, useState } from 'preact/hooks';
import BackupExport from '@/components/BackupExport';
import BackupRestore from '@/components/BackupRestore';
import ConfirmAction from '@/components/ConfirmAction';
import ErrorText from '@/components/ErrorText';
import PassphraseSettings from '@/components/PassphraseSettings';
import SecurityMarkPicker from '@/components/SecurityMarkPicker';
import UnlockForm from '@/components/UnlockForm';
import { useVaultQuery } from '@/components/useVault';
import VaultStatusLine from '@/components/VaultStatusLine';
import type { SettingsView } from '@/lib/config/settings';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import CallSettings from './CallSettings';

interface SectionProps {
  id: string;
  title: string;
  children: preact.ComponentChildren;
}

function Section({ id, title, children }: SectionProps) {
  return (
    <section class="card" id={id} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

/** Incoming calls decline without ringing while this is on; saved as soon as it changes. */
function DoNotDisturb({
  settings,
  onSaved,
}: {
  settings: SettingsView;
  onSaved: (s: SettingsView) => void;
}) {
  const [error, setError] = useState<RpcError | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div class="stack">
      <label class="check">
        <input
          type="checkbox"
          data-sotto="dnd"
          checked={settings.doNotDisturb}
          disabled={busy}
          aria-describedby="dnd-hint"
          onChange={async (event) => {
            const doNotDisturb = event.currentTarget.checked;
            setBusy(true);
            const result = await callVault('settings.set', { doNotDisturb });
            setBusy(false);
            setError(result.ok ? null : result.error);
            if (result.ok) onSaved(result.value);
          }}
        />
        {t('dndLabel')}
      </label>
      <p
        class="status"
        id="dnd-hint"
        data-sotto="dnd-state"
        data-sotto-state={settings.doNotDisturb ? 'on' : 'off'}
      >
        {settings.doNotDisturb ? t('dndOn') : t('dndOff')}
      </p>
      <ErrorText error={error} name="dnd-error" />
    </div>
  );
}

/** Erase everything, behind a confirmation; works while locked (a forgotten passphrase). */
function ResetEverything({ onReset }: { onReset: () => Promise<void> }) {
  const [error, setError] = useState<RpcError | null>(null);
  const [done, setDone] = useState(false);
  return (
    <div class="stack">
      <p class="status">{t('resetIntro')}</p>
      <div class="row start">
        <ConfirmAction
          label={t('resetButton')}
          question={t('resetQuestion')}
          confirmLabel={t('resetConfirm')}
          name="reset-all"
          confirmName="confirm-reset"
          onConfirm={async () => {
            setDone(false);
            const result = await callVault('vault.reset', {});
            setError(result.ok ? null : result.error);
            if (result.ok) {
              setDone(true);
              await onReset();
            }
          }}
        />
      </div>
      {done ? (
        <p class="status ok" role="status" data-sotto="reset-done">
          {t('resetDone')}
        </p>
      ) : null}
      <ErrorText error={error} name="reset-error" />
    </div>
  );
}

/** The settings page: security mark, calls, do-not-disturb, passphrase, backups, reset. */
export default function OptionsApp() {
  const [status, reloadStatus] = useVaultQuery('status', {});
  const [loaded, reloadSettings] = useVaultQuery('settings.get', {});
  const [settings, setSettings] = useState<SettingsView | null>(null);
  // A form keyed on this remounts with the vault's values after a reset or restore.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (loaded.phase === 'ready') setSettings(loaded.value);
  }, [loaded]);

  const reload = async () => {
    await reloadStatus();
    await reloadSettings();
    setGeneration((n) => n + 1);
  };

  const locked = status.phase === 'ready' && status.value.state === 'locked';
  return (
    <main class="page">
      <h1>{t('optionsTitle')}</h1>
      <VaultStatusLine status={status} />
      {locked ? (
        <Section id="unlock" title={t('unlockToContinue')}>
          <p class="status">{t('optionsLockedHint')}</p>
          <UnlockForm onUnlocked={reload} autoFocus />
        </Section>
      ) : null}
      {!locked && status.phase === 'ready' ? (
        <Section id="mark" title={t('markHeading')}>
          <p class="status">{t('markIntro')}</p>
          <SecurityMarkPicker key={generation} />
        </Section>
      ) : null}
      {!locked ? (
        <Section id="calls" title={t('callsHeading')}>
          {settings ? (
            <CallSettings key={generation} settings={settings} onSaved={setSettings} />
          ) : loaded.phase === 'failed' ? (
            <ErrorText error={loaded.error} name="settings-error" />
          ) : (
            <p class="status" role="status">
              {t('loading')}
            </p>
          )}
        </Section>
      ) : null}
      {!locked && settings ? (
        <Section id="dnd" title={t('dndHeading')}>
          <DoNotDisturb settings={settings} onSaved={setSettings} />
        </Section>
      ) : null}
      {!locked && status.phase === 'ready' ? (
        <Section id="passphrase" title={t('passphraseHeading')}>
          <PassphraseSettings
            key={generation}
            hasPassphrase={status.value.hasPassphrase}
            onChanged={reloadStatus}
          />
        </Section>
      ) : null}
      {!locked ? (
        <Section id="backup" title={t('backupHeading')}>
          <h3>{t('backupExportHeading')}</h3>
          <BackupExport key={generation} />
          <h3>{t('restoreHeading')}</h3>
          <BackupRestore onRestored={reload} />
        </Section>
      ) : null}
      <Section id="reset" title={t('resetHeading')}>
        <ResetEverything onReset={reload} />
      </Section>
    </main>
  );
}
