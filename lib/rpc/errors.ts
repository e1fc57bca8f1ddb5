/**
 * The closed set of error codes that may leave the vault. They never carry plaintext, key
 * material or stack traces: a code, and a sentence a user can act on.
 */
export type RpcErrorCode =
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'UNKNOWN_REQUEST'
  | 'LOCKED'
  | 'WRONG_PASSPHRASE'
  | 'NO_SESSION'
  | 'KEY_CHANGED_BLOCKED'
  | 'UNKNOWN_MESSAGE'
  | 'NOT_AN_INVITE'
  | 'WRONG_CONVERSATION'
  | 'COMPOSER_MISSING'
  | 'BAD_INPUT'
  | 'BACKUP_FAILED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface RpcError {
  code: RpcErrorCode;
  message: string;
}

const USER_MESSAGES: Record<RpcErrorCode, string> = {
  FORBIDDEN: 'This part of the page is not allowed to make that request.',
  BAD_REQUEST: 'Sotto received a malformed request and ignored it.',
  UNKNOWN_REQUEST: 'Sotto did not recognise that request. Reload the page after an update.',
  LOCKED: 'Sotto is locked. Unlock it from the toolbar button to continue.',
  WRONG_PASSPHRASE: 'That passphrase is not correct. Nothing was changed; try again.',
  NO_SESSION: 'There is no encrypted session with this person yet. Send them an invitation first.',
  KEY_CHANGED_BLOCKED:
    "This contact's security key changed since you verified it. Compare safety numbers, then approve the new key to send again.",
  UNKNOWN_MESSAGE: 'Sotto has no record of this message.',
  NOT_AN_INVITE: 'This message is not an invitation.',
  WRONG_CONVERSATION:
    'The conversation changed before the message went out. Nothing was sent; open the conversation and try again.',
  COMPOSER_MISSING:
    "Sotto can't find X's message box here, so nothing was sent. Reload the page and try again.",
  BAD_INPUT: 'Sotto could not use that request. Nothing was changed.',
  BACKUP_FAILED: 'The backup could not be completed. Nothing was changed.',
  UNAVAILABLE:
    'Sotto is not reachable right now. Reload the page; if it persists, restart the browser.',
  INTERNAL: 'Something went wrong inside Sotto. Your messages and keys are unchanged.',
};

export function rpcError(code: RpcErrorCode, message: string = USER_MESSAGES[code]): RpcError {
  return { code, message };
}

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError };
