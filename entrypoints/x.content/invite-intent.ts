/**
 * A call button without a session hands over to the compose button: "open the conversation
 * with this person, compose frame open, invitation ready". The two live in different parts of
 * the page (profile vs chat), and the conversation may take a moment to render, so the wish
 * is kept here briefly until a compose button for that person picks it up.
 */

/** How long a wish to invite waits for its conversation to appear. */
const INTENT_TTL_MS = 30_000;

let pending: { handle: string; until: number } | null = null;
const events = new EventTarget();

/** Ask the compose button of `handle`'s conversation to open with the invitation offered. */
export function requestInvite(handle: string): void {
  pending = { handle: handle.toLowerCase(), until: Date.now() + INTENT_TTL_MS };
  events.dispatchEvent(new Event('request'));
}

/** True once for the conversation with `handle` if an invitation was asked for it. */
export function takeInviteRequest(handle: string | null): boolean {
  if (!pending || handle === null) return false;
  if (Date.now() > pending.until) {
    pending = null;
    return false;
  }
  if (pending.handle !== handle.toLowerCase()) return false;
  pending = null;
  return true;
}

/** Runs `listener` whenever a new invitation request is made. */
export function onInviteRequest(listener: () => void, signal: AbortSignal): void {
  events.addEventListener('request', listener, { signal });
}
