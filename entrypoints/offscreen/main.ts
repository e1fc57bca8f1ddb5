/**
 * Chrome's presence listener: an offscreen document (reason WEB_RTC) that keeps a PeerJS
 * peer under this installation's presence address and hands rings to the vault.
 */
import Peer from 'peerjs';
import { browser } from 'wxt/browser';
import { type ConfigAnswer, Presence } from '@/lib/calls/presence';
import { callVault } from '@/lib/rpc/client';
import { type InternalSenderInfo, isInternalSender } from '@/lib/rpc/internal-sender';

const presence = new Presence({
  async config(): Promise<ConfigAnswer> {
    const reply = await callVault('presence.config', {});
    if (reply.ok) return { ok: true, config: reply.value };
    return reply.error.code === 'LOCKED'
      ? { ok: false, state: 'locked', detail: reply.error.text }
      : { ok: false, state: 'offline', detail: reply.error.text };
  },
  async ring(ring) {
    const reply = await callVault('call.ring', { ring });
    return reply.ok ? reply.value.answer : 'unavailable';
  },
  cancel(callId) {
    void callVault('call.cancel', { callId });
  },
  createPeer: (id, options) => new Peer(id, options),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

const extension = { id: browser.runtime.id, baseUrl: browser.runtime.getURL('/') };

browser.runtime.onMessage.addListener((message: unknown, sender: InternalSenderInfo) => {
  // Only the background (and Sotto's own top-level pages) may restart or decline: never a
  // content script, nor an extension frame inside a web page.
  if (!isInternalSender(sender, extension)) return;
  const query = message as {
    sottoPresence?: unknown;
    callerPeerId?: unknown;
    callId?: unknown;
  } | null;
  if (query?.sottoPresence === 'status') return Promise.resolve(presence.status);
  if (query?.sottoPresence === 'restart') {
    presence.restart();
    return Promise.resolve(presence.status);
  }
  if (
    query?.sottoPresence === 'decline' &&
    typeof query.callerPeerId === 'string' &&
    typeof query.callId === 'string'
  ) {
    presence.declineRing(query.callerPeerId, query.callId);
    return Promise.resolve(true);
  }
  return;
});

presence.start();
