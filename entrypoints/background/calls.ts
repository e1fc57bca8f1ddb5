/**
 * The background's part in calls: signing for call windows, deciding on rings (verify, busy,
 * do-not-disturb), ringing (notification + ringing window), the call log, presence status.
 * Media and PeerJS live in the call windows and the presence listener, never here (an MV3
 * service worker has no WebRTC).
 */
import { browser } from 'wxt/browser';
import type { CallSettings } from '@/lib/config/settings';
import type { PresenceStatus, RingAnswer } from '@/lib/rpc/protocol';
import type { Handlers } from '@/lib/rpc/router';
import type { Vault } from '@/lib/vault';
import type { IncomingRing } from '@/lib/vault/calls';
import { callInProgress, cancelRingingWindow, openRingingWindow } from './call-window';

type CallRequest =
  | 'call.prepare'
  | 'call.bind'
  | 'call.ring'
  | 'call.cancel'
  | 'call.incoming'
  | 'call.record'
  | 'calls.log'
  | 'presence.config'
  | 'presence.status';

export interface CallHandlerDeps {
  /** Runs work on the opened vault, with its errors turned into RPC refusals. */
  use<T>(work: (vault: Vault) => Promise<T>): Promise<T>;
  /** The call settings in effect. */
  settings(): Promise<CallSettings>;
  /** The presence listener's state (offscreen document or this background page). */
  presenceStatus(): Promise<Omit<PresenceStatus, 'droppedRings'>>;
}

const RING_KEY = (callId: string) => `sotto.ring.${callId}`;
const DROPPED_RINGS_KEY = 'sotto.droppedRings';

/**
 * The ring a ringing window left unanswered (it closed before it could say so), taken out of
 * the ringing state; null if it was answered or is unknown. The call log keeps it as missed.
 */
export async function takeAbandonedRing(callId: string): Promise<IncomingRing | null> {
  const stored = (await browser.storage.session.get(RING_KEY(callId)))[RING_KEY(callId)];
  if (!stored) return null;
  await browser.storage.session.remove(RING_KEY(callId));
  return stored as IncomingRing;
}

export function createCallHandlers(deps: CallHandlerDeps): Pick<Handlers, CallRequest> {
  // Counted since the browser started (storage.session outlives Chrome's worker restarts);
  // the popup shows it next to presence. One chain, so rings arriving together all count.
  let droppedRings: Promise<number> = browser.storage.session
    .get(DROPPED_RINGS_KEY)
    .then((stored) => Number(stored[DROPPED_RINGS_KEY]) || 0)
    .catch(() => 0);
  const countDroppedRing = () => {
    droppedRings = droppedRings.then(async (count) => {
      await browser.storage.session.set({ [DROPPED_RINGS_KEY]: count + 1 }).catch(() => {});
      return count + 1;
    });
  };

  const ring = async (text: string): Promise<RingAnswer> =>
    deps.use(async (vault) => {
      const checked = await vault.receiveRing(text);
      if (!checked.ok) {
        countDroppedRing();
        return 'refused';
      }
      const incoming = checked.value;
      // Logged as missed by receiveRing; do-not-disturb and busy leave it that way.
      if ((await deps.settings()).doNotDisturb) return 'unavailable';
      if (callInProgress()) return 'busy';
      // storage.session: the ringing window may outlive this worker.
      await browser.storage.session.set({ [RING_KEY(incoming.callId)]: incoming });
      await openRingingWindow(incoming);
      return 'ringing';
    });

  return {
    'call.prepare': ({ handle, media, peerId }) =>
      deps.use((vault) => vault.prepareCall(handle, media, peerId)),
    'call.bind': ({ callId, own, peer }) =>
      deps.use(async (vault) => ({
        signature: await vault.signCallBinding({ callId, own, peer }),
      })),
    'call.ring': async ({ ring: text }) => ({ answer: await ring(text) }),
    // The caller took its ring back. A window still loading finds its ring gone; one ringing
    // ends as missed (as logged when the ring arrived); an answered one ignores it.
    'call.cancel': async ({ callId }) => {
      if (!cancelRingingWindow(callId)) await browser.storage.session.remove(RING_KEY(callId));
      return {};
    },
    'call.incoming': async ({ callId }) => {
      const stored = (await browser.storage.session.get(RING_KEY(callId)))[RING_KEY(callId)];
      return (stored as IncomingRing | undefined) ?? null;
    },
    'call.record': (entry) =>
      deps.use(async (vault) => {
        await vault.recordCall(entry);
        if (entry.direction === 'in') await browser.storage.session.remove(RING_KEY(entry.id));
        return {};
      }),
    'calls.log': ({ limit }) => deps.use((vault) => vault.callLog(limit)),
    'presence.config': () =>
      deps.use(async (vault) => {
        const settings = await deps.settings();
        return {
          address: await vault.presenceAddress(),
          signalingUrl: settings.signalingUrl,
          iceServers: settings.iceServers,
        };
      }),
    'presence.status': async () => ({
      ...(await deps.presenceStatus()),
      droppedRings: await droppedRings,
    }),
  };
}
