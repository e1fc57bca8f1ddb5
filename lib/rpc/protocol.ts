/**
 * Every request an extension context may send to the vault (the background), in one place.
 *
 * Each entry says who may ask (`callers`) and what goes in and out. Two kinds of caller:
 * - `content`: the x.com content script. It handles ciphertext and opaque ids only, so no
 *   request it may make returns plaintext or key material (isolation rule 2).
 * - `page`: an extension page (popup, options, compose/reader frames, call window).
 */

import type { CallDefaults } from '../config/build-defaults';

/** Bumped when a request changes shape; a vault drops messages of another version. */
export const RPC_VERSION = 1;

export type Caller = 'content' | 'page';

export interface VaultStatus {
  /** Extension version from the manifest. */
  version: string;
  /** Whether the vault holds an identity yet (filled by the vault issue). */
  state: 'ready';
}

export interface VaultRequests {
  /** Liveness and coarse state; safe for anyone. */
  status: { callers: 'content' | 'page'; input: Record<string, never>; output: VaultStatus };
  /** The content script announces itself for a tab; the vault learns which tabs carry X. */
  'content.hello': {
    callers: 'content';
    input: { site: 'x' };
    output: { tabId: number };
  };
  /** Call defaults and user settings (extension pages only). */
  'settings.get': { callers: 'page'; input: Record<string, never>; output: CallDefaults };
}

export type RequestType = keyof VaultRequests;
export type RequestInput<K extends RequestType> = VaultRequests[K]['input'];
export type RequestOutput<K extends RequestType> = VaultRequests[K]['output'];

/** Which callers may send each request: the one table the router enforces. */
export const ALLOWED_CALLERS: { [K in RequestType]: readonly Caller[] } = {
  status: ['content', 'page'],
  'content.hello': ['content'],
  'settings.get': ['page'],
};

/** The wire shape of a request. */
export interface RpcRequest<K extends RequestType = RequestType> {
  sotto: typeof RPC_VERSION;
  type: K;
  input: RequestInput<K>;
}

export function isRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && Object.hasOwn(ALLOWED_CALLERS, value);
}
