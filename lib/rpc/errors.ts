/**
 * The closed set of error codes that may leave the vault. They never carry plaintext, key
 * material or stack traces: a code, and a sentence a user can act on.
 */
export type RpcErrorCode =
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'UNKNOWN_REQUEST'
  | 'LOCKED'
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
  UNAVAILABLE:
    'Sotto is not reachable right now. Reload the page; if it persists, restart the browser.',
  INTERNAL: 'Something went wrong inside Sotto. Your messages and keys are unchanged.',
};

export function rpcError(code: RpcErrorCode, message: string = USER_MESSAGES[code]): RpcError {
  return { code, message };
}

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError };
