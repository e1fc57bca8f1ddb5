import { type RpcError, type RpcResult, rpcError } from './errors';
import {
  ALLOWED_CALLERS,
  type Caller,
  isRequestType,
  type RequestInput,
  type RequestOutput,
  type RequestType,
  RPC_VERSION,
} from './protocol';
import { classifySender, type Extension, type SenderInfo } from './sender';
import { INPUT_GUARDS } from './validate';

export interface CallContext {
  caller: Caller;
  /** The tab the request came from, when it came from one. */
  tabId: number | undefined;
  /** That tab's URL as the browser reports it (x.com's, for the content script and frames). */
  tabUrl: string | undefined;
  frameId: number | undefined;
  url: string;
}

export type Handlers = {
  [K in RequestType]: (
    input: RequestInput<K>,
    context: CallContext,
  ) => Promise<RequestOutput<K>> | RequestOutput<K>;
};

/** What the router refused, counted so tests and the popup can show it. */
export interface RouterStats {
  dropped: number;
  refused: number;
}

/** Thrown by a handler to answer with a specific code instead of INTERNAL. */
export class VaultRefusal extends Error {
  constructor(readonly error: RpcError) {
    super(error.text.key);
  }
}

/**
 * Builds the vault's `runtime.onMessage` listener. Messages that are not Sotto requests are
 * ignored (`undefined`, so other listeners may answer); malformed ones are dropped and
 * counted; requests from a caller not allowed to make them are refused and logged.
 */
export function createRouter(
  handlers: Handlers,
  extension: Extension,
  log: (line: string) => void = console.warn,
) {
  const stats: RouterStats = { dropped: 0, refused: 0 };

  function listener(message: unknown, sender: SenderInfo): Promise<RpcResult<unknown>> | undefined {
    if (typeof message !== 'object' || message === null || !('sotto' in message)) return;
    const { sotto, type, input } = message as { sotto: unknown; type: unknown; input: unknown };
    if (sotto !== RPC_VERSION || !isRequestType(type)) {
      stats.dropped++;
      return Promise.resolve({ ok: false, error: rpcError('UNKNOWN_REQUEST') });
    }
    const caller = classifySender(sender, extension);
    if (caller === null || !ALLOWED_CALLERS[type].includes(caller)) {
      stats.refused++;
      log(`Sotto refused "${type}" from ${caller ?? 'an unknown sender'} (${sender.url ?? '?'})`);
      return Promise.resolve({ ok: false, error: rpcError('FORBIDDEN') });
    }
    if (!INPUT_GUARDS[type](input)) {
      stats.dropped++;
      return Promise.resolve({ ok: false, error: rpcError('BAD_REQUEST') });
    }
    const context: CallContext = {
      caller,
      tabId: sender.tab?.id,
      tabUrl: sender.tab?.url,
      frameId: sender.frameId,
      url: sender.url ?? '',
    };
    const handler = handlers[type] as (
      input: unknown,
      context: CallContext,
    ) => Promise<unknown> | unknown;
    return (async (): Promise<RpcResult<unknown>> => {
      try {
        return { ok: true, value: await handler(input, context) };
      } catch (error) {
        if (error instanceof VaultRefusal) return { ok: false, error: error.error };
        log(`Sotto: "${type}" failed: ${error instanceof Error ? error.name : 'error'}`);
        return { ok: false, error: rpcError('INTERNAL') };
      }
    })();
  }

  return { listener, stats };
}
