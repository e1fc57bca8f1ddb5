import { useEffect, useState } from 'preact/hooks';
import { callVault } from '@/lib/rpc/client';
import type { RpcError } from '@/lib/rpc/errors';
import type { RequestInput, RequestOutput, RequestType } from '@/lib/rpc/protocol';

export type VaultState<T> =
  | { phase: 'loading' }
  | { phase: 'ready'; value: T }
  | { phase: 'failed'; error: RpcError };

/** Asks the vault once when the component mounts; the answer or a user-facing error. */
export function useVaultRequest<K extends RequestType>(
  type: K,
  input: RequestInput<K>,
): VaultState<RequestOutput<K>> {
  const [state, setState] = useState<VaultState<RequestOutput<K>>>({ phase: 'loading' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked once per mount, by design.
  useEffect(() => {
    let live = true;
    void callVault(type, input).then((result) => {
      if (!live) return;
      setState(
        result.ok
          ? { phase: 'ready', value: result.value }
          : { phase: 'failed', error: result.error },
      );
    });
    return () => {
      live = false;
    };
  }, [type]);
  return state;
}

/** Like `useVaultRequest`, with a `reload` for pages whose actions change the answer. */
export function useVaultQuery<K extends RequestType>(
  type: K,
  input: RequestInput<K>,
): [VaultState<RequestOutput<K>>, () => Promise<void>] {
  const [state, setState] = useState<VaultState<RequestOutput<K>>>({ phase: 'loading' });
  const reload = async () => {
    const result = await callVault(type, input);
    setState(
      result.ok
        ? { phase: 'ready', value: result.value }
        : { phase: 'failed', error: result.error },
    );
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked once per mount; reload after.
  useEffect(() => {
    void reload();
  }, [type]);
  return [state, reload];
}
