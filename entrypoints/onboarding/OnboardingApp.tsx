import { useState } from 'preact/hooks';
import BackupExport from '@/components/BackupExport';
import ErrorText from '@/components/ErrorText';
import PassphraseSettings from '@/components/PassphraseSettings';
import SecurityMarkPicker from '@/components/SecurityMarkPicker';
import UnlockForm from '@/components/UnlockForm';
import { useVaultQuery } from '@/components/useVault';
import VaultStatusLine from '@/components/VaultStatusLine';
import { type MessageKey, t } from '@/lib/i18n';

const PROTECTS: MessageKey[] = ['protects1', 'protects2', 'protects3', 'protects4'];
const DOES_NOT: MessageKey[] = ['doesNotProtect1', 'doesNotProtect2', 'doesNotProtect3'];

type MediaState =
  | { phase: 'idle' }
  | { phase: 'asking' }
  | { phase: 'granted' }
  | { phase: 'failed'; reason: 'denied' | 'no-device' | 'other' };

/**
 * Asks for the camera and microphone once, here, so a first call does not stop at a
 * permission prompt. The stream is stopped at once: nothing is recorded.
 */
async function requestMedia(): Promise<MediaState> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) track.stop();
    return { phase: 'granted' };
  } catch (error) {
    const name = (error as { name?: string })?.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      return { phase: 'failed', reason: 'denied' };
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') {
      return { phase: 'failed', reason: 'no-device' };
    }
    return { phase: 'failed', reason: 'other' };
  }
}

const MEDIA_FAILURE: Record<'denied' | 'no-device' | 'other', MessageKey> = {
  denied: 'mediaDenied',
  'no-device': 'mediaNoDevice',
  other: 'mediaFailed',
};

/** Opened on install: what Sotto does, the user's key, passphrase, backup, call permissions. */
export default function OnboardingApp() {
  const [status, reloadStatus] = useVaultQuery('status', {});
  const [identity, reloadIdentity] = useVaultQuery('identity.get', {});
  const [media, setMedia] = useState<MediaState>({ phase: 'idle' });
  const locked = status.phase === 'ready' && status.value.state === 'locked';
  const reload = async () => {
    await reloadStatus();
    await reloadIdentity();
  };

  return (
    <main class="page">
      <h1>{t('onboardingTitle')}</h1>
      <VaultStatusLine status={status} />
      <p>{t('onboardingIntro')}</p>

      <section class="card" aria-labelledby="protects-heading">
        <h2 id="protects-heading">{t('protectsHeading')}</h2>
        <ul>
          {PROTECTS.map((key) => (
            <li key={key}>{t(key)}</li>
          ))}
        </ul>
        <h3>{t('doesNotProtectHeading')}</h3>
        <ul>
          {DOES_NOT.map((key) => (
            <li key={key}>{t(key)}</li>
          ))}
        </ul>
      </section>

      {locked ? (
        <section class="card" aria-labelledby="unlock-heading">
          <h2 id="unlock-heading">{t('unlockToContinue')}</h2>
          <UnlockForm onUnlocked={reload} />
        </section>
      ) : null}

      <section class="card" aria-labelledby="key-heading">
        <h2 id="key-heading">{t('yourKeyHeading')}</h2>
        <p class="status">{t('onboardingKeyIntro')}</p>
        {identity.phase === 'ready' ? (
          <p class="fingerprint" data-sotto="fingerprint">
            {identity.value.fingerprint}
          </p>
        ) : identity.phase === 'failed' ? (
          <ErrorText error={identity.error} />
        ) : (
          <p class="status" role="status">
            {t('loading')}
          </p>
        )}
      </section>

      {status.phase === 'ready' && !locked ? (
        <section class="card" aria-labelledby="mark-heading">
          <h2 id="mark-heading">{t('markHeading')}</h2>
          <p class="status" data-sotto="mark-intro">
            {t('markIntro')}
          </p>
          <SecurityMarkPicker />
        </section>
      ) : null}

      {status.phase === 'ready' && !locked ? (
        <section class="card" aria-labelledby="passphrase-heading">
          <h2 id="passphrase-heading">{t('onboardingPassphraseHeading')}</h2>
          <p class="status">{t('onboardingPassphraseIntro')}</p>
          <PassphraseSettings hasPassphrase={status.value.hasPassphrase} onChanged={reloadStatus} />
        </section>
      ) : null}

      {status.phase === 'ready' && !locked ? (
        <section class="card" aria-labelledby="backup-heading">
          <h2 id="backup-heading">{t('onboardingBackupHeading')}</h2>
          <BackupExport />
        </section>
      ) : null}

      <section class="card" aria-labelledby="media-heading">
        <h2 id="media-heading">{t('mediaHeading')}</h2>
        <p class="status">{t('mediaIntro')}</p>
        <div class="row start">
          <button
            type="button"
            data-sotto="media-permission"
            disabled={media.phase === 'asking' || media.phase === 'granted'}
            onClick={async () => {
              setMedia({ phase: 'asking' });
              setMedia(await requestMedia());
            }}
          >
            {t('mediaButton')}
          </button>
        </div>
        <p
          class={media.phase === 'failed' ? 'status error' : 'status'}
          role={media.phase === 'failed' ? 'alert' : 'status'}
          data-sotto="media-state"
          data-sotto-state={media.phase === 'failed' ? media.reason : media.phase}
        >
          {media.phase === 'asking'
            ? t('mediaAsking')
            : media.phase === 'granted'
              ? t('mediaGranted')
              : media.phase === 'failed'
                ? t(MEDIA_FAILURE[media.reason])
                : ''}
        </p>
      </section>

      <section class="card" aria-labelledby="next-heading">
        <h2 id="next-heading">{t('nextHeading')}</h2>
        <p>{t('nextSteps')}</p>
      </section>
    </main>
  );
}
