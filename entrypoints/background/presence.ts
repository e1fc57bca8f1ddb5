/**
 * Where the presence listener runs. Chrome: an offscreen document (reason WEB_RTC; the MV3
 * worker has no WebRTC and is stopped when idle, the document has no lifetime limit), made
 * again whenever the worker starts. Firefox: right here, in the persistent background page.
 */
import Peer from 'peerjs';
import { browser } from 'wxt/browser';
import { type ConfigAnswer, Presence, STARTING } from '@/lib/calls/presence';
import { rpcError } from '@/lib/rpc/errors';
import type { PresenceConfig, PresenceStatus, RingAnswer } from '@/lib/rpc/protocol';
import { VaultRefusal } from '@/lib/rpc/router';

type Status = Omit<PresenceStatus, 'droppedRings'>;

export interface PresenceHost {
  status(): Promise<Status>;
  /** Connect afresh now: the call settings changed or the vault was unlocked. */
  restart(): void;
  /** Tells the caller of an abandoned ring that it was declined (see Presence.declineRing). */
  declineRing(callerPeerId: string, callId: string): void;
}

/** Asks the offscreen document for its status (it answers `sottoPresence: 'status'`). */
export const PRESENCE_STATUS_QUERY = { sottoPresence: 'status' } as const;
const PRESENCE_RESTART = { sottoPresence: 'restart' } as const;
/** Asks the offscreen document to decline a ring for a ringing window that closed. */
export interface PresenceDeclineRequest {
  sottoPresence: 'decline';
  callerPeerId: string;
  callId: string;
}

const OFFSCREEN_PAGE = '/offscreen.html';

interface OffscreenApi {
  createDocument(options: { url: string; reasons: string[]; justification: string }): Promise<void>;
  hasDocument?(): Promise<boolean>;
}

async function ensureOffscreenDocument(offscreen: OffscreenApi): Promise<void> {
  if (await offscreen.hasDocument?.()) return;
  await offscreen
    .createDocument({
      url: browser.runtime.getURL(OFFSCREEN_PAGE),
      reasons: ['WEB_RTC'],
      justification: 'Listens for incoming calls from your contacts while the browser runs.',
    })
    // Two wake-ups racing: the second finds the document made ("only one offscreen document").
    .catch(() => {});
}

/** Turns a configuration request's failure into what the listener shows. */
export function configFailure(error: unknown): ConfigAnswer {
  if (error instanceof VaultRefusal && error.error.code === 'LOCKED') {
    return { ok: false, state: 'locked', detail: rpcError('LOCKED').text };
  }
  return { ok: false, state: 'offline', detail: STARTING };
}

export function startPresenceHost(local: {
  config(): Promise<PresenceConfig>;
  ring(ring: string): Promise<RingAnswer>;
  cancel(callId: string): void;
}): PresenceHost {
  const offscreen = (globalThis as unknown as { chrome?: { offscreen?: OffscreenApi } }).chrome
    ?.offscreen;
  if (offscreen) {
    void ensureOffscreenDocument(offscreen);
    return {
      async status() {
        await ensureOffscreenDocument(offscreen);
        const reply = (await browser.runtime
          .sendMessage(PRESENCE_STATUS_QUERY)
          .catch(() => null)) as Status | null;
        return reply ?? { state: 'starting', detail: null };
      },
      restart() {
        void ensureOffscreenDocument(offscreen).then(() =>
          browser.runtime.sendMessage(PRESENCE_RESTART).catch(() => {}),
        );
      },
      declineRing(callerPeerId, callId) {
        const request: PresenceDeclineRequest = { sottoPresence: 'decline', callerPeerId, callId };
        void browser.runtime.sendMessage(request).catch(() => {});
      },
    };
  }
  const presence = new Presence({
    config: () =>
      local.config().then(
        (config): ConfigAnswer => ({ ok: true, config }),
        (error: unknown) => configFailure(error),
      ),
    ring: local.ring,
    cancel: local.cancel,
    createPeer: (id, options) => new Peer(id, options),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  });
  presence.start();
  return {
    status: async () => presence.status,
    restart: () => presence.restart(),
    declineRing: (callerPeerId, callId) => presence.declineRing(callerPeerId, callId),
  };
}
