/**
 * The call window's sentences that depend on the call (its media, the contact, why it ended),
 * from `public/_locales` through `t()` like every other page. Each key is written out in full
 * (never built from a reason) so the i18n tests can see it is used.
 */
import type { CallMedia } from '@/lib/calls';
import { type MessageKey, t } from '@/lib/i18n';

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

/** The message for each reason; a missed call says which kind it was. */
const END: Record<Exclude<EndReason, 'missed'>, MessageKey> = {
  hangup: 'call_end_hangup',
  'remote-hangup': 'call_end_hangup',
  cancelled: 'call_end_cancelled',
  declined: 'call_end_declined',
  'declined-by-me': 'call_end_declinedByMe',
  busy: 'call_end_busy',
  unavailable: 'call_end_unavailable',
  'no-answer': 'call_end_noAnswer',
  gone: 'call_end_gone',
  'connection-lost': 'call_end_connectionLost',
  unreachable: 'call_end_unreachable',
  server: 'call_end_server',
  permission: 'call_end_permission',
  'no-device': 'call_end_noDevice',
  'no-session': 'call_end_noSession',
  'no-address': 'call_end_noAddress',
  'key-changed': 'call_end_keyChanged',
  locked: 'call_end_locked',
  binding: 'call_end_binding',
  internal: 'call_end_internal',
};

export const TEXT = {
  ringingUs: (handle: string, media: CallMedia) =>
    t(media === 'video' ? 'call_ringingUsVideo' : 'call_ringingUsAudio', handle),
  firstUse: (media: CallMedia) =>
    t(media === 'video' ? 'call_firstUseVideo' : 'call_firstUseAudio'),
  end(reason: EndReason, handle: string, media: CallMedia): string {
    if (reason === 'missed') {
      return t(media === 'video' ? 'call_end_missedVideo' : 'call_end_missedAudio', handle);
    }
    // Messages without $HANDLE$ ignore the substitution.
    return t(END[reason], handle);
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
