import { useEffect, useState } from 'preact/hooks';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import { base64ToBytes } from '@/lib/rpc/transfer';
import ErrorText from './ErrorText';

interface Exported {
  url: string;
  fileName: string;
  recoveryKey: string;
  size: number;
}

/** Today's date for the file name (local calendar, sortable). */
function fileNameFor(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `sotto-backup-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.sottobak`;
}

/** Make an encrypted backup: the file to save and its recovery key, shown once. */
export default function BackupExport() {
  const [history, setHistory] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RpcError | string | null>(null);
  const [exported, setExported] = useState<Exported | null>(null);

  // The file lives in memory as an object URL until the page goes or a new backup replaces it.
  useEffect(() => () => exported && URL.revokeObjectURL(exported.url), [exported]);

  const run = async () => {
    setBusy(true);
    setError(null);
    setExported(null);
    const result = await callVault('backup.export', { history });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    const bytes = base64ToBytes(result.value.file);
    if (!bytes) return setError(t('backupExportUnreadable'));
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
    setExported({
      url: URL.createObjectURL(blob),
      fileName: fileNameFor(new Date()),
      recoveryKey: result.value.recoveryKey,
      size: bytes.length,
    });
  };

  return (
    <div class="stack" data-sotto="backup-export">
      <p class="status">{t('backupExportIntro')}</p>
      <label class="check">
        <input
          type="checkbox"
          data-sotto="backup-history"
          checked={history}
          onChange={(event) => setHistory(event.currentTarget.checked)}
        />
        {t('backupIncludeHistory')}
      </label>
      <div class="row start">
        <button type="button" data-sotto="export-backup" disabled={busy} onClick={run}>
          {t('backupExportButton')}
        </button>
      </div>
      {busy ? (
        <p class="status" role="status" data-sotto="backup-progress">
          <progress aria-label={t('backupExporting')} /> {t('backupExporting')}
        </p>
      ) : null}
      <ErrorText error={error} name="backup-error" />
      {exported ? (
        <div class="result" role="status" data-sotto="backup-result">
          <p>{t('backupExportDone', String(Math.ceil(exported.size / 1024)))}</p>
          <p>
            <a
              class="button"
              href={exported.url}
              download={exported.fileName}
              data-sotto="backup-download"
            >
              {t('backupSaveFile', exported.fileName)}
            </a>
          </p>
          <p id="recovery-key-label">{t('backupRecoveryKeyLabel')}</p>
          <p
            class="fingerprint recovery"
            data-sotto="recovery-key"
            aria-describedby="recovery-key-label"
          >
            {exported.recoveryKey}
          </p>
          <p class="status warning">{t('backupRecoveryKeyWarning')}</p>
        </div>
      ) : null}
    </div>
  );
}
