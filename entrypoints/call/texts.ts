/**
 * Every sentence the call window shows. Kept together so they move into
 * public/_locales/en/messages.json in one step once the call page uses lib/i18n.
 */
import type { CallMedia } from '@/lib/calls';

/** Why a call ended, failed or was declined (also `data-sotto-reason`). */
export type EndReason =
  | 'hangup'
  | 'remote-hangup'
  | 'cancelled'
  | 'declined'
  | 'declined-by-me'
  | 'busy'
  | 'unavailable'
  | 'no-answer'
  | 'missed'
  | 'gone'
  | 'connection-lost'
  | 'unreachable'
  | 'server'
  | 'permission'
  | 'no-device'
  | 'no-session'
  | 'no-address'
  | 'key-changed'
  | 'locked'
  | 'binding'
  | 'internal';

const kind = (media: CallMedia) => (media === 'video' ? 'video call' : 'voice call');

export const TEXT = {
  preparing: 'Getting ready…',
  loadingRing: 'Incoming call…',
  connectingServer: 'Connecting to the call server…',
  ringingThem: (handle: string) => `Ringing @${handle}…`,
  ringingUs: (handle: string, media: CallMedia) => `@${handle} is calling you (${kind(media)})`,
  connecting: 'Connecting securely…',
  connected: 'Connected, end-to-end encrypted',
  firstUse: (media: CallMedia) =>
    media === 'video'
      ? 'Sotto needs your microphone and camera for this call. Your browser asks once; Sotto uses them only while you are in a call.'
      : 'Sotto needs your microphone for this call. Your browser asks once; Sotto uses it only while you are in a call.',
  sasHelp:
    'Read these symbols to each other. If they match, nobody is listening in. If they differ, hang up.',
  end(reason: EndReason, handle: string, media: CallMedia): string {
    switch (reason) {
      case 'hangup':
      case 'remote-hangup':
        return 'Call ended.';
      case 'cancelled':
        return 'You stopped calling.';
      case 'declined':
        return `@${handle} declined the call.`;
      case 'declined-by-me':
        return 'You declined the call.';
      case 'busy':
        return `@${handle} is in another call. Try again later.`;
      case 'unavailable':
        return `@${handle} is not taking calls right now (do not disturb).`;
      case 'no-answer':
        return `No answer from @${handle}.`;
      case 'missed':
        return `Missed ${kind(media)} from @${handle}.`;
      case 'gone':
        return 'This call is no longer ringing.';
      case 'connection-lost':
        return 'The call ended: the connection was lost.';
      case 'unreachable':
        return `Can't reach @${handle}. Their browser must be open with Sotto running (and unlocked) to take calls.`;
      case 'server':
        return "Can't reach the call server. Check your connection, or the call server in Sotto's options, then try again.";
      case 'permission':
        return "Sotto may not use your microphone or camera. Allow them for Sotto in your browser's settings (Chrome: Settings → Privacy and security → Site settings → Microphone and Camera; Firefox: Settings → Privacy & Security → Permissions), then press Try again.";
      case 'no-device':
        return 'No microphone or camera was found. Connect one, then press Try again.';
      case 'no-session':
        return `You have no encrypted conversation with @${handle} yet. Open your chat with them and send a Sotto invitation first.`;
      case 'no-address':
        return `Sotto doesn't know where to reach @${handle} yet. It learns that from their next encrypted message: ask @${handle} to reply in your Sotto conversation, then call again.`;
      case 'key-changed':
        return `@${handle}'s security key changed. Compare safety numbers and approve the new key before calling.`;
      case 'locked':
        return 'Sotto is locked. Unlock it from the toolbar button, then try again.';
      case 'binding':
        return 'Security check failed: someone may be intercepting this call, so Sotto ended it. Do not continue this conversation by call until you have compared safety numbers.';
      case 'internal':
        return 'Something went wrong in Sotto. Try again.';
    }
  },
} as const;

/** Reasons after which trying again can help (the window offers a button). */
export const RETRYABLE: ReadonlySet<EndReason> = new Set([
  'server',
  'permission',
  'no-device',
  'unreachable',
  'locked',
  'internal',
  'connection-lost',
]);
