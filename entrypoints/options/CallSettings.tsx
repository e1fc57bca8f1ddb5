import { useState } from 'preact/hooks';
import ErrorText from '@/components/ErrorText';
import {
  type CheckResult,
  type ConnectionCheck,
  testConnection,
} from '@/lib/calls/connection-test';
import type { CallDefaults, IceServer } from '@/lib/config/build-defaults';
import { parseIceServers, parseSignalingUrl } from '@/lib/config/build-defaults';
import type { SettingsChange, SettingsView } from '@/lib/config/settings';
import { type MessageKey, t, translate, type UserText } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';

export interface CallSettingsProps {
  settings: SettingsView;
  onSaved: (settings: SettingsView) => void;
}

const iceText = (servers: IceServer[]) => JSON.stringify(servers, null, 2);
const iceUrls = (servers: IceServer[]) =>
  servers.flatMap((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]));

type Draft =
  | { ok: true; value: CallDefaults }
  | { ok: false; field: 'url' | 'ice'; error: UserText };

/** What the fields say, checked with the same parsers the vault uses. */
function readDraft(url: string, ice: string): Draft {
  const signaling = parseSignalingUrl(url);
  if (!signaling.ok) return { ok: false, field: 'url', error: signaling.error };
  const servers = parseIceServers(ice);
  if (!servers.ok) return { ok: false, field: 'ice', error: servers.error };
  return { ok: true, value: { signalingUrl: signaling.value, iceServers: servers.value } };
}

const CHECKS: { check: ConnectionCheck; label: MessageKey; ok: MessageKey }[] = [
  { check: 'signaling', label: 'checkSignaling', ok: 'checkSignalingOk' },
  { check: 'stun', label: 'checkStun', ok: 'checkStunOk' },
  { check: 'turn', label: 'checkTurn', ok: 'checkTurnOk' },
];

function resultText(check: ConnectionCheck, result: CheckResult | undefined): string {
  if (!result) return t('checkRunning');
  if (result.outcome === 'ok') return t(CHECKS.find((c) => c.check === check)!.ok);
  if (result.outcome === 'skipped') {
    return check === 'stun' ? t('checkStunSkipped') : t('checkTurnSkipped');
  }
  if (check === 'signaling') {
    return result.reason === 'timeout'
      ? t('checkSignalingTimeout')
      : t('checkSignalingFailed', result.detail ?? 'network');
  }
  if (result.reason === 'refused') return t('checkIceRefused', result.detail ?? '');
  return check === 'stun' ? t('checkStunFailed') : t('checkTurnFailed');
}

/** Signaling and ICE servers: edit, save, go back to the defaults, and test before saving. */
export default function CallSettings({ settings, onSaved }: CallSettingsProps) {
  const [url, setUrl] = useState(settings.signalingUrl);
  const [ice, setIce] = useState(iceText(settings.iceServers));
  const [fieldError, setFieldError] = useState<{ field: 'url' | 'ice'; error: UserText } | null>(
    null,
  );
  const [error, setError] = useState<RpcError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [testing, setTesting] = useState(false);
  const [results, setResults] = useState<Partial<Record<ConnectionCheck, CheckResult>> | null>(
    null,
  );
  // Which test the results belong to, so an old result is never read as the new one.
  const [run, setRun] = useState(0);

  const save = async (change: SettingsChange) => {
    setBusy(true);
    setSaved(false);
    setError(null);
    const result = await callVault('settings.set', change);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setUrl(result.value.signalingUrl);
    setIce(iceText(result.value.iceServers));
    setSaved(true);
    onSaved(result.value);
  };

  const checked = (): CallDefaults | null => {
    const draft = readDraft(url, ice);
    if (!draft.ok) {
      setFieldError({ field: draft.field, error: draft.error });
      return null;
    }
    setFieldError(null);
    return draft.value;
  };

  const runTest = async () => {
    const draft = checked();
    if (!draft) return;
    setTesting(true);
    setResults({});
    setRun((n) => n + 1);
    await testConnection(draft, (result) =>
      setResults((previous) => ({ ...previous, [result.check]: result })),
    );
    setTesting(false);
  };

  const urlError = fieldError?.field === 'url' ? fieldError.error : null;
  const iceError = fieldError?.field === 'ice' ? fieldError.error : null;
  return (
    <div class="stack">
      <h3>{t('callsInEffect')}</h3>
      <dl class="facts">
        <dt>{t('callsSignalingInEffect')}</dt>
        <dd data-sotto="signaling-url" class="fingerprint">
          {settings.signalingUrl}
        </dd>
        <dt>{t('callsIceInEffect')}</dt>
        <dd data-sotto="ice-servers" class="fingerprint">
          {iceUrls(settings.iceServers).join(', ')}
        </dd>
      </dl>
      <p class="status" data-sotto="calls-source">
        {settings.custom.signalingUrl || settings.custom.iceServers
          ? t('callsCustom')
          : t('callsDefaults')}
      </p>
      <form
        class="stack"
        data-sotto="calls-form"
        onSubmit={(event) => {
          event.preventDefault();
          const draft = checked();
          if (draft) void save({ signalingUrl: draft.signalingUrl, iceServers: draft.iceServers });
        }}
      >
        <label for="signaling-input">{t('callsSignalingLabel')}</label>
        <input
          id="signaling-input"
          type="url"
          data-sotto="signaling-input"
          value={url}
          spellcheck={false}
          aria-invalid={urlError ? 'true' : undefined}
          aria-describedby={urlError ? 'signaling-error signaling-hint' : 'signaling-hint'}
          onInput={(event) => setUrl(event.currentTarget.value)}
        />
        <p class="status" id="signaling-hint">
          {t('callsSignalingHint')}
        </p>
        <ErrorText
          error={urlError ? t('callsBadSignaling', translate(urlError)) : null}
          id="signaling-error"
        />
        <label for="ice-input">{t('callsIceLabel')}</label>
        <textarea
          id="ice-input"
          rows={6}
          data-sotto="ice-input"
          value={ice}
          spellcheck={false}
          aria-invalid={iceError ? 'true' : undefined}
          aria-describedby={iceError ? 'ice-error ice-hint' : 'ice-hint'}
          onInput={(event) => setIce(event.currentTarget.value)}
        />
        <p class="status" id="ice-hint">
          {t('callsIceHint')}
        </p>
        <ErrorText error={iceError ? t('callsBadIce', translate(iceError)) : null} id="ice-error" />
        <div class="row start">
          <button type="submit" data-sotto="save-calls" disabled={busy}>
            {t('callsSave')}
          </button>
          <button
            type="button"
            class="secondary"
            data-sotto="test-connection"
            disabled={testing}
            onClick={() => void runTest()}
          >
            {testing ? t('callsTesting') : t('callsTest')}
          </button>
          <button
            type="button"
            class="secondary"
            data-sotto="reset-calls"
            disabled={busy || !(settings.custom.signalingUrl || settings.custom.iceServers)}
            onClick={() => void save({ signalingUrl: null, iceServers: null })}
          >
            {t('callsUseDefaults')}
          </button>
        </div>
        {saved ? (
          <p class="status ok" role="status" data-sotto="calls-saved">
            {t('callsSaved')}
          </p>
        ) : null}
        <ErrorText error={error} name="calls-error" />
      </form>
      {results ? (
        <section aria-labelledby="test-heading" aria-busy={testing ? 'true' : 'false'}>
          <h3 id="test-heading">{t('callsTestResults')}</h3>
          {testing ? (
            <p class="status" role="status">
              <progress aria-label={t('callsTesting')} /> {t('callsTesting')}
            </p>
          ) : null}
          <ul class="checks" data-sotto="connection-results" data-sotto-run={run}>
            {CHECKS.map(({ check, label }) => {
              const result = results[check];
              const state = result ? result.outcome : 'running';
              return (
                <li
                  key={check}
                  data-sotto="check"
                  data-sotto-check={check}
                  data-sotto-state={state}
                  class={state === 'failed' ? 'error' : state}
                >
                  <strong>{t(label)}:</strong> {resultText(check, result)}
                </li>
              );
            })}
          </ul>
          {!testing ? (
            <p class="visually-hidden" role="status">
              {t('callsTestDone')}
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
