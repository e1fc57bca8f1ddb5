import { useVaultRequest } from '@/components/useVault';
import VaultStatusLine from '@/components/VaultStatusLine';

/** The settings page. */
export default function OptionsApp() {
  const status = useVaultRequest('status', {});
  const settings = useVaultRequest('settings.get', {});
  return (
    <main class="options">
      <h1>Sotto settings</h1>
      <VaultStatusLine status={status} />
      <section aria-labelledby="calls-heading">
        <h2 id="calls-heading">Calls</h2>
        {settings.phase === 'ready' ? (
          <dl>
            <dt>Signaling server</dt>
            <dd data-sotto="signaling-url">{settings.value.signalingUrl}</dd>
            <dt>ICE servers</dt>
            <dd data-sotto="ice-servers">
              {settings.value.iceServers
                .flatMap((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]))
                .join(', ')}
            </dd>
          </dl>
        ) : settings.phase === 'failed' ? (
          <p class="status error" role="alert">
            {settings.error.message}
          </p>
        ) : (
          <p class="status">Loading…</p>
        )}
      </section>
    </main>
  );
}
