import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import ContactCard from '@/components/ContactCard';
import type { VaultState } from '@/components/useVault';
import VaultStatusLine from '@/components/VaultStatusLine';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import {
  RPC_VERSION,
  type TabRequest,
  type TabRequests,
  type VaultStatus,
} from '@/lib/rpc/protocol';
import { HOST_MATCHES } from '@/lib/sites/hosts';

/**
 * The person in the X conversation the user was just looking at: the most recently used X tab
 * (the popup opens over it), asked through its content script.
 */
async function currentPartner(): Promise<string | null> {
  const tabs = await browser.tabs.query({ url: HOST_MATCHES });
  const [recent] = tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  if (recent?.id === undefined) return null;
  const request: TabRequest<'conversation.current'> = {
    sottoTab: RPC_VERSION,
    type: 'conversation.current',
    input: {},
  };
  try {
    const reply = (await browser.tabs.sendMessage(recent.id, request, { frameId: 0 })) as
      | TabRequests['conversation.current']['output']
      | undefined;
    return reply?.kind === 'direct' ? reply.partner : null;
  } catch {
    return null;
  }
}

/** The toolbar popup: Sotto's state at a glance, unlock, and your key's fingerprint. */
export default function PopupApp() {
  const [status, setStatus] = useState<VaultState<VaultStatus>>({ phase: 'loading' });
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const [partner, setPartner] = useState<string | null>(null);

  const refresh = async () => {
    const result = await callVault('status', {});
    setStatus(
      result.ok
        ? { phase: 'ready', value: result.value }
        : { phase: 'failed', error: result.error },
    );
    if (result.ok && result.value.state === 'ready') {
      const identity = await callVault('identity.get', {});
      setFingerprint(identity.ok ? identity.value.fingerprint : null);
      setPartner(await currentPartner());
    } else {
      setFingerprint(null);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: once on open.
  useEffect(() => {
    void refresh();
  }, []);

  const locked = status.phase === 'ready' && status.value.state === 'locked';
  return (
    <main class="popup">
      <h1>{browser.i18n.getMessage('extName') || 'Sotto'}</h1>
      <VaultStatusLine status={status} />
      {locked ? <UnlockForm onUnlocked={refresh} /> : null}
      {fingerprint ? (
        <section aria-labelledby="fingerprint-heading">
          <h2 id="fingerprint-heading">Your key</h2>
          <p class="fingerprint" data-sotto="fingerprint">
            {fingerprint}
          </p>
        </section>
      ) : null}
      {partner ? <ContactCard handle={partner} /> : null}
      <div class="row">
        {status.phase === 'ready' && status.value.hasPassphrase && !locked ? (
          <button
            type="button"
            data-sotto="lock"
            onClick={async () => {
              await callVault('vault.lock', {});
              await refresh();
            }}
          >
            Lock
          </button>
        ) : null}
        <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
          Settings
        </button>
      </div>
    </main>
  );
}

interface UnlockFormProps {
  onUnlocked: () => Promise<void>;
}

/** Passphrase entry; a wrong passphrase says so and changes nothing. */
function UnlockForm({ onUnlocked }: UnlockFormProps) {
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RpcError | null>(null);
  return (
    <form
      data-sotto="unlock-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        const result = await callVault('vault.unlock', { passphrase });
        setBusy(false);
        if (result.ok) {
          setPassphrase('');
          setError(null);
          await onUnlocked();
        } else {
          setError(result.error);
        }
      }}
    >
      <label for="passphrase">Passphrase</label>
      <input
        id="passphrase"
        type="password"
        autocomplete="current-password"
        data-sotto="passphrase"
        value={passphrase}
        onInput={(event) => setPassphrase(event.currentTarget.value)}
        // biome-ignore lint/a11y/noAutofocus: the popup opens to unlock; focus belongs here.
        autoFocus
      />
      <button type="submit" data-sotto="unlock" disabled={busy || passphrase === ''}>
        {busy ? 'Unlocking…' : 'Unlock'}
      </button>
      {error ? (
        <p class="status error" role="alert" data-sotto="unlock-error">
          {error.message}
        </p>
      ) : null}
    </form>
  );
}
