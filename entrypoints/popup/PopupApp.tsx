import { browser } from 'wxt/browser';
import { useVaultRequest } from '@/components/useVault';
import VaultStatusLine from '@/components/VaultStatusLine';

/** The toolbar popup: Sotto's state at a glance. */
export default function PopupApp() {
  const status = useVaultRequest('status', {});
  return (
    <main class="popup">
      <h1>{browser.i18n.getMessage('extName') || 'Sotto'}</h1>
      <VaultStatusLine status={status} />
      <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
        Settings
      </button>
    </main>
  );
}
