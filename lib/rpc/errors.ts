/**
 * The closed set of error codes that may leave the vault. They never carry plaintext, key
 * material or stack traces: a code, and a sentence a user can act on, as a message key the
 * receiving page translates (so it reads in that page's language, and the wire carries no
 * prose).
 */
import { type MessageKey, type UserText, userText } from '../i18n/user-text';

export const RPC_ERROR_CODES = [
  'FORBIDDEN',
  'BAD_REQUEST',
  'UNKNOWN_REQUEST',
  'LOCKED',
  'WRONG_PASSPHRASE',
  'NO_SESSION',
  'KEY_CHANGED_BLOCKED',
  'UNKNOWN_MESSAGE',
  'NOT_AN_INVITE',
  'WRONG_CONVERSATION',
  'COMPOSER_MISSING',
  'BAD_INPUT',
  'BACKUP_FAILED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

/** One of {@link RPC_ERROR_CODES}. */
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

export interface RpcError {
  code: RpcErrorCode;
  /** What to tell the user; `translate` it where it is shown. */
  text: UserText;
}

/** What each code tells the user unless a more specific text is given. */
const RPC_ERROR_TEXT: Record<RpcErrorCode, MessageKey> = {
  FORBIDDEN: 'errorForbidden',
  BAD_REQUEST: 'errorBadRequest',
  UNKNOWN_REQUEST: 'errorUnknownRequest',
  LOCKED: 'errorLockedUseToolbar',
  WRONG_PASSPHRASE: 'errorWrongPassphrase',
  NO_SESSION: 'errorNoSessionInviteFirst',
  KEY_CHANGED_BLOCKED: 'errorKeyChanged',
  UNKNOWN_MESSAGE: 'errorUnknownMessage',
  NOT_AN_INVITE: 'errorNotAnInvite',
  WRONG_CONVERSATION: 'errorWrongConversation',
  COMPOSER_MISSING: 'errorComposerMissing',
  BAD_INPUT: 'errorBadInput',
  BACKUP_FAILED: 'errorBackupFailed',
  UNAVAILABLE: 'errorUnavailable',
  INTERNAL: 'errorInternal',
};

export function rpcError(
  code: RpcErrorCode,
  text: UserText = userText(RPC_ERROR_TEXT[code]),
): RpcError {
  return { code, text };
}

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError };
