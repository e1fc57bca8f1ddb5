import type { VaultStatus } from '@/lib/rpc/protocol';
import type { VaultState } from './useVault';

export interface VaultStatusLineProps {
  status: VaultState<VaultStatus>;
}

/** One line saying whether the vault answered, for every extension surface. */
export default function VaultStatusLine({ status }: VaultStatusLineProps) {
  if (status.phase === 'loading') {
    return (
      <p class="status" data-sotto="vault-status" data-sotto-state="loading" aria-live="polite">
        Connecting to Sotto…
      </p>
    );
  }
  if (status.phase === 'failed') {
    return (
      <p class="status error" data-sotto="vault-status" data-sotto-state="error" role="alert">
        {status.error.message}
      </p>
    );
  }
  return (
    <p
      class="status"
      data-sotto="vault-status"
      data-sotto-state={status.value.state}
      aria-live="polite"
    >
      Sotto {status.value.version} is running.
    </p>
  );
}
