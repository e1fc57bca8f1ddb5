/**
 * Build-time defaults for calls: where the PeerJS signaling server is and which ICE servers
 * to use. Read once from the environment when the extension is built (SOTTO_SIGNALING_URL,
 * SOTTO_ICE_SERVERS) and baked into the bundle; users override them in the options page.
 *
 * Pure: no browser or Node API, so the build (Node) and the extension (browser) share it. A
 * refusal says why as a message key: the options page shows it in the user's language, the
 * build in English.
 */
import { type UserText, userText } from '../i18n/user-text';

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface CallDefaults {
  /** A PeerServer URL with its path, e.g. `http://127.0.0.1:9000/peerjs`. */
  signalingUrl: string;
  iceServers: IceServer[];
}

/** What ships when the builder sets nothing: the public PeerJS server and a public STUN server. */
export const SHIPPED_CALL_DEFAULTS: CallDefaults = {
  signalingUrl: 'https://0.peerjs.com/',
  iceServers: [{ urls: 'stun:stun.l.google.com:19302' }],
};

export type ConfigResult<T> = { ok: true; value: T } | { ok: false; error: UserText };

const ICE_SCHEMES = ['stun:', 'stuns:', 'turn:', 'turns:'];

export function parseSignalingUrl(raw: string): ConfigResult<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, error: userText('configNotAUrl', raw) };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, error: userText('configUrlScheme', raw) };
  }
  if (url.username || url.password || url.search || url.hash) {
    return { ok: false, error: userText('configUrlExtras', raw) };
  }
  return { ok: true, value: url.href };
}

function isIceUrl(value: unknown): value is string {
  return typeof value === 'string' && ICE_SCHEMES.some((scheme) => value.startsWith(scheme));
}

export function parseIceServers(raw: string): ConfigResult<IceServer[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, error: userText('configIceNotJson') };
  }
  if (!Array.isArray(parsed)) {
    return { ok: false, error: userText('configIceNotArray') };
  }
  const servers: IceServer[] = [];
  for (const [index, entry] of parsed.entries()) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      return { ok: false, error: userText('configIceEntryNotObject', index) };
    }
    const { urls, username, credential, ...rest } = entry as Record<string, unknown>;
    const unknownKeys = Object.keys(rest);
    if (unknownKeys.length > 0) {
      return {
        ok: false,
        error: userText('configIceEntryUnknownFields', index, unknownKeys.join(', ')),
      };
    }
    const urlList = Array.isArray(urls) ? urls : [urls];
    if (urlList.length === 0 || !urlList.every(isIceUrl)) {
      return { ok: false, error: userText('configIceEntryUrls', index, ICE_SCHEMES.join(' ')) };
    }
    if (username !== undefined && typeof username !== 'string') {
      return { ok: false, error: userText('configIceEntryUsername', index) };
    }
    if (credential !== undefined && typeof credential !== 'string') {
      return { ok: false, error: userText('configIceEntryCredential', index) };
    }
    const isTurn = urlList.some((url) => url.startsWith('turn'));
    if (isTurn && (username === undefined || credential === undefined)) {
      return { ok: false, error: userText('configIceEntryTurnLogin', index) };
    }
    servers.push({
      urls: urls as string | string[],
      ...(username === undefined ? {} : { username }),
      ...(credential === undefined ? {} : { credential }),
    });
  }
  return { ok: true, value: servers };
}

/** The build's defaults, or which variable is invalid and why. */
export type EnvResult =
  | { ok: true; value: CallDefaults }
  | { ok: false; variable: 'SOTTO_SIGNALING_URL' | 'SOTTO_ICE_SERVERS'; error: UserText };

/**
 * Reads SOTTO_SIGNALING_URL and SOTTO_ICE_SERVERS from an environment. Unset or empty
 * variables fall back to the shipped defaults; a set but invalid one is an error naming it.
 */
export function callDefaultsFromEnv(env: Record<string, string | undefined>): EnvResult {
  const result: CallDefaults = { ...SHIPPED_CALL_DEFAULTS };
  const signaling = env.SOTTO_SIGNALING_URL?.trim();
  if (signaling) {
    const parsed = parseSignalingUrl(signaling);
    if (!parsed.ok) return { ok: false, variable: 'SOTTO_SIGNALING_URL', error: parsed.error };
    result.signalingUrl = parsed.value;
  }
  const ice = env.SOTTO_ICE_SERVERS?.trim();
  if (ice) {
    const parsed = parseIceServers(ice);
    if (!parsed.ok) return { ok: false, variable: 'SOTTO_ICE_SERVERS', error: parsed.error };
    result.iceServers = parsed.value;
  }
  return { ok: true, value: result };
}
