import { useEffect, useState } from 'preact/hooks';
import ErrorText from '@/components/ErrorText';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import type { CallMedia, CallTargetView } from '@/lib/rpc/protocol';

export interface CallActionsProps {
  handle: string;
}

/** Quick actions for the current conversation's contact: an audio or a video call. */
export default function CallActions({ handle }: CallActionsProps) {
  const [target, setTarget] = useState<CallTargetView | null>(null);
  const [error, setError] = useState<RpcError | null>(null);

  useEffect(() => {
    void callVault('call.target', { handle }).then((result) => {
      if (result.ok) setTarget(result.value);
      else setError(result.error);
    });
  }, [handle]);

  const start = async (media: CallMedia) => {
    const result = await callVault('call.start', { handle, media });
    if (!result.ok) return setError(result.error);
    window.close();
  };

  const ready = target?.state === 'ready';
  return (
    <section aria-labelledby="call-heading" data-sotto="call-actions">
      <h2 id="call-heading">{t('popupCallHeading', handle)}</h2>
      <div class="row start">
        <button
          type="button"
          data-sotto="popup-call"
          data-sotto-media="audio"
          disabled={!ready}
          onClick={() => void start('audio')}
        >
          {t('popupAudioCall')}
        </button>
        <button
          type="button"
          data-sotto="popup-call"
          data-sotto-media="video"
          disabled={!ready}
          onClick={() => void start('video')}
        >
          {t('popupVideoCall')}
        </button>
      </div>
      {target && !ready ? (
        <p class="status" data-sotto="call-unavailable">
          {target.state === 'key-changed-blocked'
            ? t('popupCallKeyChanged')
            : t('popupCallNoSession')}
        </p>
      ) : null}
      <ErrorText error={error} name="call-error" />
    </section>
  );
}
