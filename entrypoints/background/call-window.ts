import { browser } from 'wxt/browser';

export type CallMedia = 'audio' | 'video';

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
    type: 'popup',
    // @ts-expect-error until entrypoints/call/ exists (then this line must go: tsc says so)
    url: browser.runtime.getURL(`/call.html?${params}`),
    width: 480,
    height: 640,
  });
}
