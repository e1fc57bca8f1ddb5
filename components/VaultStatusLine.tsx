import { t, translate } from '@/lib/i18n';
import type { VaultStatus } from '@/lib/rpc/protocol';
import type { VaultState } from './useVault';

export interface VaultStatusLineProps {
  status: VaultState<VaultStatus>;
}

/** One line saying whether the vault answered and whether it is locked, for every page. */
export default function VaultStatusLine({ status }: VaultStatusLineProps) {
  if (status.phase === 'loading') {
    return (
      <p class="status" data-sotto="vault-status" data-sotto-state="loading" aria-live="polite">
        {t('statusConnecting')}
      </p>
    );
  }
  if (status.phase === 'failed') {
    return (
      <p class="status error" data-sotto="vault-status" data-sotto-state="error" role="alert">
        {translate(status.error.text)}
      </p>
    );
  }
  const locked = status.value.state === 'locked';
  return (
    <p
      class="status"
      data-sotto="vault-status"
      data-sotto-state={status.value.state}
      aria-live="polite"
    >
      <span class={locked ? 'badge locked' : 'badge unlocked'}>
        {locked ? t('statusLockedBadge') : t('statusUnlockedBadge')}
      </span>{' '}
      {t('statusRunning', status.value.version)}
    </p>
  );
}
