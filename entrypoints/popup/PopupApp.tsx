import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import ContactCard from '@/components/ContactCard';
import ErrorText from '@/components/ErrorText';
import SecurityMark, { useSecurityMark } from '@/components/SecurityMark';
import UnlockForm from '@/components/UnlockForm';
import type { VaultState } from '@/components/useVault';
import VaultStatusLine from '@/components/VaultStatusLine';
import { t } from '@/lib/i18n';
import { callVault } from '@/lib/rpc/client';
import {
  RPC_VERSION,
  type TabRequest,
  type TabRequests,
  type VaultStatus,
} from '@/lib/rpc/protocol';
import { HOST_MATCHES } from '@/lib/sites/hosts';
import CallActions from './CallActions';
import CallsStatus from './CallsStatus';

/** The X tab the popup opened over, and who its conversation is with. */
interface CurrentConversation {
  tabId: number;
  windowId: number | undefined;
  partner: string;
}

/**
 * The person in the X conversation the user was just looking at: the most recently used X tab
 * (the popup opens over it), asked through its content script.
 */
async function currentConversation(): Promise<CurrentConversation | null> {
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
    if (reply?.kind !== 'direct' || !reply.partner) return null;
    return { tabId: recent.id, windowId: recent.windowId, partner: reply.partner };
  } catch {
    return null;
  }
}

/** Pauses before asking the X tab again to open its compose frame. */
const COMPOSE_RETRY_MS = [250, 500];

/** Opens the compose frame in that tab and shows the tab; false if the tab could not. */
async function openCompose(conversation: CurrentConversation): Promise<boolean> {
  const request: TabRequest<'compose.open'> = {
    sottoTab: RPC_VERSION,
    type: 'compose.open',
    input: { partner: conversation.partner },
  };
  try {
    let reply: TabRequests['compose.open']['output'] | undefined;
    // X re-renders its composer at will, and Sotto's listener for it goes and comes with it:
    // a tab that did not answer is asked again a moment later before this counts as failed.
    for (let attempt = 0; ; attempt++) {
      reply = (await browser.tabs
        .sendMessage(conversation.tabId, request, { frameId: 0 })
        .catch(() => undefined)) as TabRequests['compose.open']['output'] | undefined;
      const wait = COMPOSE_RETRY_MS[attempt];
      if (reply?.opened || wait === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (!reply?.opened) return false;
    await browser.tabs.update(conversation.tabId, { active: true });
    if (conversation.windowId !== undefined) {
      await browser.windows.update(conversation.windowId, { focused: true });
    }
    return true;
  } catch {
    return false;
  }
}

/** Opens one of Sotto's own pages in a tab and closes the popup. */
async function openPage(path: '/contacts.html' | '/options.html'): Promise<void> {
  await browser.tabs.create({ url: browser.runtime.getURL(path) });
  window.close();
}

/** The toolbar popup: Sotto's state at a glance, unlock, your key, the current contact. */
export default function PopupApp() {
  const [status, setStatus] = useState<VaultState<VaultStatus>>({ phase: 'loading' });
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const [conversation, setConversation] = useState<CurrentConversation | null>(null);
  const [composeFailed, setComposeFailed] = useState(false);
  const partner = conversation?.partner ?? null;

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
      setConversation(await currentConversation());
    } else {
      setFingerprint(null);
      setConversation(null);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: once on open.
  useEffect(() => {
    void refresh();
  }, []);

  const locked = status.phase === 'ready' && status.value.state === 'locked';
  const mark = useSecurityMark(status.phase === 'ready' && status.value.state === 'ready');
  return (
    <main class="popup">
      <SecurityMark mark={mark} class="mark-corner" />
      <h1>{t('popupTitle')}</h1>
      <VaultStatusLine status={status} />
      {locked ? <UnlockForm onUnlocked={refresh} autoFocus /> : null}
      {fingerprint ? (
        <section aria-labelledby="fingerprint-heading">
          <h2 id="fingerprint-heading">{t('yourKeyHeading')}</h2>
          <p class="fingerprint" data-sotto="fingerprint">
            {fingerprint}
          </p>
        </section>
      ) : null}
      {partner ? <ContactCard handle={partner} /> : null}
      {conversation ? (
        <div class="row start">
          <button
            type="button"
            data-sotto="popup-compose"
            onClick={async () => {
              const opened = await openCompose(conversation);
              setComposeFailed(!opened);
              if (opened) window.close();
            }}
          >
            {t('popupCompose', conversation.partner)}
          </button>
        </div>
      ) : null}
      <ErrorText error={composeFailed ? t('popupComposeFailed') : null} name="compose-error" />
      {partner ? <CallActions handle={partner} /> : null}
      {status.phase === 'ready' && !locked ? <CallsStatus /> : null}
      {status.phase === 'ready' && !locked && !partner ? (
        <p class="status" data-sotto="no-conversation">
          {t('popupNoConversation')}
        </p>
      ) : null}
      <nav class="row start" aria-label={t('popupActionsLabel')}>
        {status.phase === 'ready' && status.value.hasPassphrase && !locked ? (
          <button
            type="button"
            class="secondary"
            data-sotto="lock"
            onClick={async () => {
              await callVault('vault.lock', {});
              await refresh();
            }}
          >
            {t('lockButton')}
          </button>
        ) : null}
        <button
          type="button"
          class="secondary"
          data-sotto="open-contacts"
          onClick={() => void openPage('/contacts.html')}
        >
          {t('contactsButton')}
        </button>
        <button
          type="button"
          class="secondary"
          data-sotto="open-options"
          onClick={() => void openPage('/options.html')}
        >
          {t('settingsButton')}
        </button>
      </nav>
    </main>
  );
}
