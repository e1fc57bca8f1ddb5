import { useVaultRequest } from '@/components/useVault';
import { formatDate, type MessageKey, t, translate } from '@/lib/i18n';
import type { PresenceStatus } from '@/lib/rpc/protocol';

const PRESENCE_TEXT: Record<PresenceStatus['state'], MessageKey> = {
  starting: 'presenceConnecting',
  connecting: 'presenceConnecting',
  connected: 'presenceConnected',
  offline: 'presenceOffline',
  locked: 'presenceLocked',
};

const OUTCOME_TEXT = {
  answered: 'callOutcomeAnswered',
  missed: 'callOutcomeMissed',
  declined: 'callOutcomeDeclined',
  failed: 'callOutcomeFailed',
  'sas-mismatch': 'callOutcomeSasMismatch',
} as const satisfies Record<string, MessageKey>;

/** Whether incoming calls can reach this browser, and the last few calls. */
export default function CallsStatus() {
  const presence = useVaultRequest('presence.status', {});
  const log = useVaultRequest('calls.log', { limit: 5 });
  return (
    <section aria-labelledby="calls-status-heading">
      <h2 id="calls-status-heading">{t('popupCallsHeading')}</h2>
      {presence.phase === 'ready' ? (
        <p
          class={presence.value.state === 'offline' ? 'status error' : 'status'}
          data-sotto="presence"
          data-sotto-state={presence.value.state}
        >
          {t(PRESENCE_TEXT[presence.value.state])}
          {presence.value.state === 'offline' && presence.value.detail
            ? ` ${translate(presence.value.detail)}`
            : ''}
          {presence.value.droppedRings > 0
            ? ` ${t('presenceDroppedRings', presence.value.droppedRings)}`
            : ''}
        </p>
      ) : presence.phase === 'failed' ? (
        <p class="status error" data-sotto="presence" data-sotto-state="error">
          {translate(presence.error.text)}
        </p>
      ) : null}
      {log.phase === 'ready' ? (
        log.value.length === 0 ? (
          <p class="status" data-sotto="recent-calls" data-sotto-count="0">
            {t('recentCallsNone')}
          </p>
        ) : (
          <ul class="calls" data-sotto="recent-calls" data-sotto-count={log.value.length}>
            {log.value.map((call) => (
              <li key={call.id}>
                {t(
                  call.direction === 'out' ? 'recentCallOut' : 'recentCallIn',
                  call.handle,
                  call.media === 'video' ? t('popupVideoCall') : t('popupAudioCall'),
                  t(OUTCOME_TEXT[call.outcome]),
                  formatDate(call.startedAt),
                )}
              </li>
            ))}
          </ul>
        )
      ) : log.phase === 'failed' ? (
        <p class="status error">{translate(log.error.text)}</p>
      ) : null}
    </section>
  );
}
