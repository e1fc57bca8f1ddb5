import { browser } from 'wxt/browser';
import { type RpcResult, rpcError } from './errors';
import {
  type RequestInput,
  type RequestOutput,
  type RequestType,
  RPC_VERSION,
  type RpcRequest,
} from './protocol';

/**
 * Sends one request to the vault and returns its typed result. Never throws: a missing or
 * restarting background becomes `UNAVAILABLE`.
 */
export async function callVault<K extends RequestType>(
  type: K,
  input: RequestInput<K>,
): Promise<RpcResult<RequestOutput<K>>> {
  const request: RpcRequest<K> = { sotto: RPC_VERSION, type, input };
  try {
    const reply = (await browser.runtime.sendMessage(request)) as
      | RpcResult<RequestOutput<K>>
      | undefined;
    if (!reply || typeof reply !== 'object' || typeof reply.ok !== 'boolean') {
      return { ok: false, error: rpcError('UNAVAILABLE') };
    }
    return reply;
  } catch {
    return { ok: false, error: rpcError('UNAVAILABLE') };
  }
}
