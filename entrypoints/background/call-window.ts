import { browser } from 'wxt/browser';
import {
  CALL_WINDOW_PORT,
  type CallWindowCommand,
  CallWindowTracker,
} from '@/lib/calls/window-port';
import { t } from '@/lib/i18n';
import type { IncomingRing } from '@/lib/vault/calls';

export type CallMedia = 'audio' | 'video';

const WINDOW = { type: 'popup' as const, width: 480, height: 640 };
const CALL_PAGE = '/call.html';

/**
 * Opens the call window for an outgoing call to `handle`. The single entry point for placing
 * a call: the content script's call buttons (via the `call.start` request) and the popup
 * come here. The call window owns everything after this (media, PeerJS, ringing).
 */
export async function openCallWindow(request: { handle: string; media: CallMedia }): Promise<void> {
  const params = new URLSearchParams({
    role: 'caller',
    handle: request.handle,
    media: request.media,
  });
  await browser.windows.create({
    ...WINDOW,
    url: browser.runtime.getURL(`${CALL_PAGE}?${params}`),
  });
}

const WINDOW_KEY = (callId: string) => `sotto.ringWindow.${callId}`;

/** Rings: a system notification and the ringing window (which answers or declines). */
export async function openRingingWindow(ring: IncomingRing): Promise<void> {
  const params = new URLSearchParams({ role: 'callee', callId: ring.callId });
  const created = await browser.windows.create({
    ...WINDOW,
    focused: true,
    url: browser.runtime.getURL(`${CALL_PAGE}?${params}`),
  });
  await browser.storage.session.set({ [WINDOW_KEY(ring.callId)]: created?.id });
  try {
    await browser.notifications.create(ring.callId, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      // The background shows this itself, so it translates here (browser.i18n works here too).
      title: t(
        ring.media === 'video' ? 'call_notificationTitleVideo' : 'call_notificationTitleAudio',
      ),
      message: t('call_notificationMessage', ring.handle),
      // Firefox's notifications have no such option (its schema refuses it).
      ...(import.meta.env.FIREFOX ? {} : { requireInteraction: true }),
    });
  } catch {
    // A notification is a courtesy: the ringing window is what rings.
  }
}

/** Clicking the notification brings the ringing window forward. */
export function focusCallOnNotificationClick(): void {
  browser.notifications?.onClicked.addListener(async (callId) => {
    const windowId = (await browser.storage.session.get(WINDOW_KEY(callId)))[WINDOW_KEY(callId)];
    if (typeof windowId === 'number') {
      await browser.windows.update(windowId, { focused: true }).catch(() => {});
    }
  });
}

type Port = ReturnType<typeof browser.runtime.connect>;

/** Live call windows' ports, with what each reported (which call rings there, unanswered). */
const liveCalls = new Map<Port, CallWindowTracker>();

/**
 * Counts live call windows by their open ports; a closed window's port goes with it. A
 * ringing window that goes before answering is handed to `onAbandoned` with its call id.
 */
export function trackCallWindows(onAbandoned: (callId: string) => void): void {
  const page = browser.runtime.getURL(CALL_PAGE);
  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== CALL_WINDOW_PORT) return;
    if (port.sender?.id !== browser.runtime.id || !port.sender.url?.startsWith(page)) {
      port.disconnect();
      return;
    }
    const tracker = new CallWindowTracker();
    liveCalls.set(port, tracker);
    port.onMessage.addListener((message) => tracker.report(message));
    port.onDisconnect.addListener(() => {
      liveCalls.delete(port);
      const callId = tracker.abandoned();
      if (callId) onAbandoned(callId);
    });
  });
}

/**
 * The caller of `callId` gave up: tells its window if it still rings unanswered (it ends as
 * missed). False if no window rings for it (not yet registered, answered, or gone).
 */
export function cancelRingingWindow(callId: string): boolean {
  for (const [port, tracker] of liveCalls) {
    if (tracker.ringing() !== callId) continue;
    const command: CallWindowCommand = { t: 'cancel' };
    try {
      port.postMessage(command);
      return true;
    } catch {
      return false;
    }
  }
  return false;
}

/** Whether a call is live in this browser: then a ring gets "busy". */
export function callInProgress(): boolean {
  return liveCalls.size > 0;
}
