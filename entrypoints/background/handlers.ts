import { browser } from 'wxt/browser';
import { BUILD_CALL_DEFAULTS } from '@/lib/config';
import {
  parseSecurityMark,
  randomSecurityMark,
  SECURITY_MARK_RECORD_NAME,
} from '@/lib/config/security-mark';
import {
  applySettingsChange,
  effectiveSettings,
  readStoredSettings,
  SETTINGS_RECORD_NAME,
  type SettingsField,
} from '@/lib/config/settings';
import { systemRandom } from '@/lib/crypto/random';
import { type MessageKey, type UserText, userText } from '@/lib/i18n';
import { rpcError } from '@/lib/rpc/errors';
import { announceVaultChange } from '@/lib/rpc/events';
import { mayConcern } from '@/lib/rpc/frame-binding';
import type { DecisionView, IngestRowAnswer, MessageState, SendOutcome } from '@/lib/rpc/protocol';
import { type CallContext, type Handlers, VaultRefusal } from '@/lib/rpc/router';
import { base64ToBytes, bytesToBase64 } from '@/lib/rpc/transfer';
import { type Vault, VaultError } from '@/lib/vault';
import { openCallWindow } from './call-window';
import { type CallHandlerDeps, createCallHandlers } from './calls';
import { forgetDecision, openDecisionWindow, readDecision, rememberShown } from './decisions';
import { forgetUnlockedKey, rememberUnlockedKey } from './key-cache';
import { sendThroughTab } from './tab-sender';

const COMPOSE_CHANGING: ReadonlySet<MessageState> = new Set(['invite', 'accepted', 'error']);

/** A refused settings change reads as the options page words its own check of that field. */
const SETTINGS_REFUSAL: Record<SettingsField, MessageKey> = {
  signalingUrl: 'callsBadSignaling',
  iceServers: 'callsBadIce',
  doNotDisturb: 'callsBadDoNotDisturb',
};

/**
 * Runs a vault call, turning its typed errors into RPC refusals the UI can show. The vault's
 * texts are fixed sentences (never built from data), so they pass through; INTERNAL keeps
 * the RPC layer's generic sentence.
 */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof VaultError && error.code !== 'INTERNAL') {
      throw new VaultRefusal(rpcError(error.code, error.text));
    }
    throw error;
  }
}

/**
 * `conversationId`, if the caller may concern itself with it (a frame: only its tab's own
 * conversation, lib/rpc/frame-binding.ts); otherwise the request is refused.
 */
function bound(context: CallContext, conversationId: string): string {
  if (!mayConcern(context, conversationId)) throw new VaultRefusal(rpcError('WRONG_CONVERSATION'));
  return conversationId;
}

/** The vault's answers to every RPC request; `vault` resolves once IndexedDB is open. */
export function createHandlers(
  vaultReady: Promise<Vault>,
  calls: Pick<CallHandlerDeps, 'presenceStatus'>,
): Handlers {
  const version = browser.runtime.getManifest().version;
  const use = async <T>(work: (vault: Vault) => Promise<T>): Promise<T> => {
    const vault = await vaultReady;
    return guarded(() => work(vault));
  };

  /** Envelopes go out through the tab that asked; the vault records how that went. */
  const deliver = async (
    vault: Vault,
    tabId: number | undefined,
    conversationId: string,
    sealed: { messageId: string; parts: string[] },
  ): Promise<SendOutcome> => {
    const result = await sendThroughTab(tabId, conversationId, sealed.parts);
    const delivery = result.sent ? 'sent' : 'failed';
    await vault.reportDelivery(sealed.messageId, delivery);
    if (!result.sent && result.reason === 'wrong-conversation') {
      throw new VaultRefusal(rpcError('WRONG_CONVERSATION'));
    }
    return { messageId: sealed.messageId, delivery };
  };

  return {
    status: async () => {
      const { locked, hasPassphrase } = (await vaultReady).status();
      return { version, state: locked ? 'locked' : 'ready', hasPassphrase };
    },
    'content.hello': (_input, context) => ({ tabId: context.tabId ?? -1 }),
    'message.ingestRows': ({ conversationId, partner, rows }) =>
      use(async (vault) => {
        const answers: IngestRowAnswer[] = [];
        let composeChanged = false;
        for (const row of rows) {
          try {
            const value = await vault.ingest({ conversationId, partner, ...row });
            if (value.kind === 'message' && COMPOSE_CHANGING.has(value.state))
              composeChanged = true;
            answers.push({ ok: true, value });
          } catch (error) {
            // A locked vault answers for the whole request; one bad row does not spoil the rest.
            if (!(error instanceof VaultError) || error.code === 'LOCKED') throw error;
            answers.push({ ok: false, code: error.code });
          }
        }
        // Only what can change the compose frame's offer (an invitation arrived or was accepted,
        // a key changed); X re-rendering rows re-ingests constantly and must not fan out.
        if (composeChanged) announceVaultChange(conversationId);
        return answers;
      }),
    'compose.target': ({ conversationId, partner }, context) =>
      use((vault) => {
        bound(context, conversationId);
        return vault.composeTarget(conversationId, partner);
      }),
    'call.target': async ({ handle }) => {
      const vault = await vaultReady;
      if (vault.status().locked) return { state: 'locked' };
      return guarded(() => vault.callTarget(handle));
    },
    'call.start': ({ handle, media }) =>
      use(async (vault) => {
        // The call window needs the pinned key; a button that raced a change gets a clear no.
        const target = await vault.callTarget(handle);
        if (target.state === 'key-changed-blocked')
          throw new VaultRefusal(rpcError('KEY_CHANGED_BLOCKED'));
        if (target.state !== 'ready') throw new VaultRefusal(rpcError('NO_SESSION'));
        await openCallWindow({ handle, media });
        return {};
      }),
    'compose.send': ({ conversationId, partner, text }, context) =>
      use(async (vault) =>
        deliver(
          vault,
          context.tabId,
          bound(context, conversationId),
          await vault.encrypt(conversationId, partner, text),
        ),
      ),
    'compose.invite': ({ conversationId, partner }, context) =>
      use(async (vault) =>
        deliver(
          vault,
          context.tabId,
          bound(context, conversationId),
          await vault.createInvite(conversationId, partner),
        ),
      ),
    'draft.get': ({ conversationId }, context) =>
      use(async (vault) => ({ text: await vault.getDraft(bound(context, conversationId)) })),
    'draft.save': ({ conversationId, text }, context) =>
      use(async (vault) => {
        await vault.saveDraft(bound(context, conversationId), text);
        return {};
      }),
    // A frame gets only its own conversation's messages: the page chooses the ids it is shown.
    'message.get': ({ messageId }, context) =>
      use(async (vault) => {
        const message = await vault.getMessage(messageId);
        if (message) bound(context, message.conversationId);
        return message;
      }),
    'conversation.messages': ({ conversationId, limit }, context) =>
      use((vault) => vault.listMessages(bound(context, conversationId), { limit })),
    'invite.accept': ({ messageId }, context) =>
      use(async (vault) => {
        const invite = await vault.getMessage(messageId);
        if (!invite) throw new VaultRefusal(rpcError('UNKNOWN_MESSAGE'));
        return deliver(
          vault,
          context.tabId,
          invite.conversationId,
          await vault.acceptInvite(messageId),
        );
      }),
    'decision.open': (request, context) =>
      use(async (vault) => {
        // Refuse at once what the window could not show, so the frame can say why.
        if (request.kind === 'accept-invite') {
          const invite = await vault.getMessage(request.messageId);
          if (invite?.kind !== 'invite' || invite.direction !== 'in') {
            throw new VaultRefusal(rpcError('NOT_AN_INVITE'));
          }
          bound(context, invite.conversationId);
        } else {
          if (request.conversationId !== null) bound(context, request.conversationId);
          if (!(await vault.contact(request.handle)))
            throw new VaultRefusal(rpcError('NO_SESSION'));
        }
        await openDecisionWindow(request, context.tabId);
        return {};
      }),
    'decision.get': ({ id }) =>
      use(async (vault): Promise<DecisionView | null> => {
        const pending = await readDecision(id);
        if (!pending) return null;
        const { request } = pending;
        if (request.kind === 'key') {
          const contact = await vault.contact(request.handle);
          if (!contact) return null;
          await rememberShown(id, contact.pendingKey?.fingerprint ?? null);
          return {
            kind: 'key',
            handle: request.handle,
            contact,
            offered: contact.pendingKey,
            done: !contact.keyChanged && !contact.blocked,
          };
        }
        const invite = await vault.getMessage(request.messageId);
        if (!invite?.inviteFrom) return null;
        const { handle, fingerprint } = invite.inviteFrom;
        const contact = await vault.contact(handle);
        const safetyNumber =
          contact?.pendingKey?.fingerprint === fingerprint
            ? contact.pendingKey.safetyNumber
            : contact?.fingerprint === fingerprint
              ? contact.safetyNumber
              : null;
        return {
          kind: 'accept-invite',
          handle,
          contact,
          offered: { fingerprint, safetyNumber },
          done: invite.state === 'accepted',
        };
      }),
    'decision.take': ({ id, choice }) =>
      use(async (vault) => {
        const pending = await readDecision(id);
        if (!pending) throw new VaultRefusal(rpcError('UNKNOWN_MESSAGE'));
        const { request } = pending;
        let delivery: SendOutcome['delivery'] | null = null;
        if (request.kind === 'key') {
          // The host may have shown yet another key while the window was open: the user
          // decides about the key they saw, or about nothing.
          const now = (await vault.contact(request.handle))?.pendingKey?.fingerprint ?? null;
          if (pending.shown === undefined || now !== pending.shown) {
            throw new VaultRefusal(rpcError('KEY_CHANGED_BLOCKED', userText('decisionKeyMoved')));
          }
          const concerned = await vault.decideKey(
            request.handle,
            choice === 'confirm' ? 'trust' : choice === 'block' ? 'block' : 'keep',
          );
          // Every conversation with them, not only the one the window was opened from.
          for (const conversationId of concerned) announceVaultChange(conversationId);
        } else {
          const invite = await vault.getMessage(request.messageId);
          if (!invite?.inviteFrom) throw new VaultRefusal(rpcError('UNKNOWN_MESSAGE'));
          const { handle, fingerprint } = invite.inviteFrom;
          const contact = await vault.contact(handle);
          const fromPendingKey = contact?.pendingKey?.fingerprint === fingerprint;
          if (choice === 'block' && fromPendingKey) await vault.decideKey(handle, 'block');
          if (choice === 'confirm') {
            // Accepting an invitation from the key on offer trusts that key: the window said so.
            if (fromPendingKey) await vault.decideKey(handle, 'trust');
            const sealed = await vault.acceptInvite(request.messageId);
            delivery = (
              await deliver(vault, pending.tabId ?? undefined, invite.conversationId, sealed)
            ).delivery;
          }
          announceVaultChange(invite.conversationId);
        }
        await forgetDecision(id);
        return { delivery };
      }),
    'identity.get': () => use((vault) => vault.identity()),
    'contact.get': ({ handle }) => use((vault) => vault.contact(handle)),
    'contact.verify': ({ handle, verified }) =>
      use(async (vault) => {
        await vault.setVerified(handle, verified);
        return {};
      }),
    'contact.approveKeyChange': ({ handle }) =>
      use(async (vault) => {
        await vault.approveKeyChange(handle);
        return {};
      }),
    'contact.list': () => use((vault) => vault.contacts()),
    'contact.remove': ({ handle }) =>
      use(async (vault) => {
        await vault.removeContact(handle);
        return {};
      }),
    'vault.unlock': ({ passphrase }) =>
      use(async (vault) => {
        await vault.unlock(passphrase);
        await rememberUnlockedKey(vault);
        return {};
      }),
    'vault.lock': () =>
      use(async (vault) => {
        vault.lock();
        // Open pages drop the plaintext they show: `announceVaultLocked` of lib/rpc/events.ts,
        // written out so this handler stays the only line changed here (a test ties the two).
        browser.runtime.sendMessage({ sottoEvent: 'vault.locked' }).catch(() => {});
        await forgetUnlockedKey();
        return {};
      }),
    'vault.setPassphrase': ({ passphrase }) =>
      use(async (vault) => {
        await vault.setPassphrase(passphrase);
        await rememberUnlockedKey(vault);
        return {};
      }),
    'vault.changePassphrase': ({ current, next }) =>
      use(async (vault) => {
        await vault.changePassphrase(current, next);
        await rememberUnlockedKey(vault);
        return {};
      }),
    'vault.removePassphrase': ({ current }) =>
      use(async (vault) => {
        await vault.removePassphrase(current);
        await forgetUnlockedKey();
        return {};
      }),
    'vault.reset': () =>
      use(async (vault) => {
        await forgetUnlockedKey();
        await vault.reset();
        return {};
      }),
    ...createCallHandlers({
      use,
      settings: () =>
        use(async (vault) =>
          effectiveSettings(
            BUILD_CALL_DEFAULTS,
            readStoredSettings(await vault.readSetting(SETTINGS_RECORD_NAME)),
          ),
        ),
      presenceStatus: calls.presenceStatus,
    }),
    'settings.get': () =>
      use(async (vault) =>
        effectiveSettings(
          BUILD_CALL_DEFAULTS,
          readStoredSettings(await vault.readSetting(SETTINGS_RECORD_NAME)),
        ),
      ),
    'settings.set': (change) =>
      use(async (vault) => {
        let refused: UserText | null = null;
        const saved = await vault.updateSetting(SETTINGS_RECORD_NAME, (current) => {
          const next = applySettingsChange(readStoredSettings(current), change);
          if (next.ok) return next.value;
          refused = userText(SETTINGS_REFUSAL[next.field], next.error);
          return current;
        });
        if (refused !== null) throw new VaultRefusal(rpcError('BAD_INPUT', refused));
        return effectiveSettings(BUILD_CALL_DEFAULTS, readStoredSettings(saved));
      }),
    'mark.get': () =>
      use(async (vault) => {
        const stored = parseSecurityMark(await vault.readSetting(SECURITY_MARK_RECORD_NAME));
        if (stored) return stored;
        // No mark yet (or an unreadable one): a random one, so every user has one from the
        // start; two first asks at once keep whichever was written first.
        const made = await vault.updateSetting(
          SECURITY_MARK_RECORD_NAME,
          (current) => parseSecurityMark(current) ?? randomSecurityMark(systemRandom),
        );
        return parseSecurityMark(made) ?? randomSecurityMark(systemRandom);
      }),
    'mark.set': (mark) =>
      use(async (vault) => {
        const parsed = parseSecurityMark(mark);
        if (!parsed) throw new VaultRefusal(rpcError('BAD_INPUT'));
        await vault.writeSetting(SECURITY_MARK_RECORD_NAME, parsed);
        return parsed;
      }),
    'backup.export': ({ history }) =>
      use(async (vault) => {
        const { file, recoveryKey } = await vault.exportBackup({ history });
        return { file: bytesToBase64(file), recoveryKey };
      }),
    'backup.import': ({ file, recoveryKey }) =>
      use(async (vault) => {
        const bytes = base64ToBytes(file);
        if (!bytes)
          throw new VaultRefusal(rpcError('BACKUP_FAILED', userText('errorNotABackupFile')));
        await vault.importBackup(bytes, recoveryKey);
        return {};
      }),
  };
}
