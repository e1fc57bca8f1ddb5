/**
 * PeerJS options from Sotto's settings. PeerJS's own defaults are wrong for us: `secure`
 * follows `location.protocol` (never `https:` in an extension page) and its ICE servers are
 * public ones we did not choose. Pure.
 */
import type { IceServer } from '../config/build-defaults';

export interface PeerSettings {
  signalingUrl: string;
  iceServers: IceServer[];
  /** `relay`: only TURN candidates (hides both addresses from the other side). */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

export interface PeerJsOptions {
  host: string;
  port: number;
  path: string;
  secure: boolean;
  key: string;
  debug: 0;
  /** Seconds between heartbeats to the PeerServer: PeerJS's own 5 s. */
  pingInterval: number;
  config: { iceServers: IceServer[]; iceTransportPolicy: RTCIceTransportPolicy };
}

/**
 * Only TURN servers configured means "relay everything": the other side then never learns
 * this browser's addresses (docs/SELF-HOSTING.md). With any STUN server, direct paths are
 * tried first and TURN is the fallback.
 */
export function transportPolicyFor(iceServers: IceServer[]): RTCIceTransportPolicy {
  const urls = iceServers.flatMap((server) =>
    Array.isArray(server.urls) ? server.urls : [server.urls],
  );
  return urls.length > 0 && urls.every((url) => url.startsWith('turn')) ? 'relay' : 'all';
}

export function peerJsOptions(settings: PeerSettings): PeerJsOptions | null {
  let url: URL;
  try {
    url = new URL(settings.signalingUrl);
  } catch {
    return null;
  }
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') return null;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    path: url.pathname || '/',
    secure,
    key: 'peerjs',
    debug: 0,
    pingInterval: 5000,
    config: {
      iceServers: settings.iceServers.map((server) => ({ ...server })),
      iceTransportPolicy: settings.iceTransportPolicy ?? transportPolicyFor(settings.iceServers),
    },
  };
}

/** Delay before reconnect attempt `n` (0-based): 1 s doubling to 60 s, plus up to 25 % jitter. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
  return Math.round(base * (1 + 0.25 * random()));
}
