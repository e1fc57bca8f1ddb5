import { useState } from 'preact/hooks';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import { bytesToBase64 } from '@/lib/rpc/transfer';
import { MAX_BACKUP_BASE64_LENGTH } from '@/lib/rpc/validate';
import ErrorText from './ErrorText';

export interface BackupRestoreProps {
  /** Called after a successful restore (identity and contacts changed). */
  onRestored: () => Promise<void>;
}

type Phase = 'idle' | 'reading' | 'restoring';

/** Restore a backup file with its recovery key; all or nothing, with a clear result. */
export default function BackupRestore({ onRestored }: BackupRestoreProps) {
  const [file, setFile] = useState<File | null>(null);
  const [recoveryKey, setRecoveryKey] = useState('');
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<RpcError | string | null>(null);
  const [done, setDone] = useState(false);

  const restore = async (event: Event) => {
    event.preventDefault();
    if (!file) return setError(t('restoreNoFile'));
    if (recoveryKey.trim() === '') return setError(t('restoreNoKey'));
    setError(null);
    setDone(false);
    setPhase('reading');
    let encoded: string;
    try {
      encoded = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
    } catch {
      setPhase('idle');
      return setError(t('restoreUnreadableFile'));
    }
    if (encoded.length > MAX_BACKUP_BASE64_LENGTH) {
      setPhase('idle');
      return setError(t('restoreTooLarge'));
    }
    setPhase('restoring');
    const result = await callVault('backup.import', { file: encoded, recoveryKey });
    setPhase('idle');
    if (!result.ok) return setError(result.error);
    setRecoveryKey('');
    setDone(true);
    await onRestored();
  };

  const busy = phase !== 'idle';
  return (
    <form class="stack" data-sotto="backup-restore" onSubmit={restore}>
      <p class="status">{t('restoreIntro')}</p>
      <label for="backup-file">{t('restoreFileLabel')}</label>
      <input
        id="backup-file"
        type="file"
        data-sotto="backup-file"
        onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
      />
      <label for="recovery-key-input">{t('restoreKeyLabel')}</label>
      <input
        id="recovery-key-input"
        type="text"
        autocomplete="off"
        spellcheck={false}
        data-sotto="recovery-key-input"
        value={recoveryKey}
        onInput={(event) => setRecoveryKey(event.currentTarget.value)}
      />
      <div class="row start">
        <button type="submit" data-sotto="restore-backup" disabled={busy}>
          {t('restoreButton')}
        </button>
      </div>
      {busy ? (
        <p class="status" role="status" data-sotto="restore-progress">
          <progress aria-label={t('restoreProgress')} />{' '}
          {phase === 'reading' ? t('restoreReading') : t('restoreProgress')}
        </p>
      ) : null}
      <ErrorText error={error} name="restore-error" />
      {done ? (
        <p class="status ok" role="status" data-sotto="restore-done">
          {t('restoreDone')}
        </p>
      ) : null}
    </form>
  );
}
