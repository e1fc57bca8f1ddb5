import { useFrameLayout } from '@/components/useFrameLayout';
import { useVaultRequest } from '@/components/useVault';
import VaultStatusLine from '@/components/VaultStatusLine';

export interface ReaderAppProps {
  hostOrigin: string;
}

/** The reader frame: shows decrypted messages in place of X's ciphertext rows. */
export default function ReaderApp({ hostOrigin }: ReaderAppProps) {
  const status = useVaultRequest('status', {});
  useFrameLayout(hostOrigin, status.phase === 'ready');
  return (
    <main class="reader">
      <VaultStatusLine status={status} />
    </main>
  );
}
