/**
 * "Test connection" for the options page: can calls work with these settings? Three checks,
 * run side by side, each reported as soon as it is known:
 * - signaling: the PeerServer gives us an id (PeerJS `open`);
 * - stun: a STUN server told us our public address (a server-reflexive candidate);
 * - turn: a TURN server gave us a relay (a relay candidate; with `iceTransportPolicy: relay`).
 *
 * Uses the real PeerJS and RTCPeerConnection (an extension page has both); the factories are
 * parameters so unit tests can drive the outcomes.
 */
import { Peer, type PeerOptions } from 'peerjs';
import type { CallDefaults, IceServer } from '../config/build-defaults';
import { peerJsOptions } from './peer-options';

export type ConnectionCheck = 'signaling' | 'stun' | 'turn';

export type CheckFailure =
  /** The signaling server refused or could not be reached; `detail` has PeerJS's error type. */
  | 'unreachable'
  /** No answer within the time allowed. */
  | 'timeout'
  /** ICE gathering finished without the candidate this server should have given. */
  | 'no-candidate'
  /** The browser refused to use this server at all (e.g. a port it blocks). */
  | 'refused';

export type CheckResult =
  | { check: ConnectionCheck; outcome: 'ok' }
  /** No server of this kind is configured. */
  | { check: ConnectionCheck; outcome: 'skipped' }
  | { check: ConnectionCheck; outcome: 'failed'; reason: CheckFailure; detail?: string };

/** How long each check may take before it counts as failed. */
export const CHECK_TIMEOUT_MS = 10_000;

interface PeerLike {
  on(event: 'open', listener: (id: string) => void): unknown;
  on(event: 'error', listener: (error: { type?: string }) => void): unknown;
  destroy(): void;
}

export interface ConnectionTestDeps {
  createPeer: (options: Partial<PeerOptions>) => PeerLike;
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  timeoutMs: number;
}

const DEFAULT_DEPS: ConnectionTestDeps = {
  createPeer: (options) => new Peer(options),
  createPeerConnection: (config) => new RTCPeerConnection(config),
  timeoutMs: CHECK_TIMEOUT_MS,
};

/** The ICE servers reduced to the URLs of one kind (credentials kept with their URLs). */
export function serversOfKind(servers: IceServer[], kind: 'stun' | 'turn'): IceServer[] {
  const out: IceServer[] = [];
  for (const server of servers) {
    const urls = (Array.isArray(server.urls) ? server.urls : [server.urls]).filter((url) =>
      url.startsWith(kind),
    );
    if (urls.length > 0) out.push({ ...server, urls });
  }
  return out;
}

function checkSignaling(settings: CallDefaults, deps: ConnectionTestDeps): Promise<CheckResult> {
  // The same options a call uses (lib/calls/peer-options): what works here works there.
  const options = peerJsOptions(settings);
  let peer: PeerLike;
  try {
    if (!options) throw new Error('bad-url');
    peer = deps.createPeer(options);
  } catch {
    return Promise.resolve({ check: 'signaling', outcome: 'failed', reason: 'unreachable' });
  }
  return new Promise<CheckResult>((resolve) => {
    const timer = setTimeout(
      () => resolve({ check: 'signaling', outcome: 'failed', reason: 'timeout' }),
      deps.timeoutMs,
    );
    peer.on('open', () => {
      clearTimeout(timer);
      resolve({ check: 'signaling', outcome: 'ok' });
    });
    peer.on('error', (error) => {
      clearTimeout(timer);
      resolve({
        check: 'signaling',
        outcome: 'failed',
        reason: 'unreachable',
        ...(error?.type ? { detail: error.type } : {}),
      });
    });
  }).finally(() => peer.destroy());
}

/** The candidate's type (`host`, `srflx`, `relay`…), from the field or the SDP line. */
function candidateType(candidate: RTCIceCandidate): string | null {
  return candidate.type ?? / typ ([a-z]+)/.exec(candidate.candidate)?.[1] ?? null;
}

async function checkIce(
  kind: 'stun' | 'turn',
  settings: CallDefaults,
  deps: ConnectionTestDeps,
): Promise<CheckResult> {
  const servers = serversOfKind(settings.iceServers, kind);
  if (servers.length === 0) return { check: kind, outcome: 'skipped' };
  const wanted = kind === 'stun' ? 'srflx' : 'relay';
  let pc: RTCPeerConnection;
  try {
    pc = deps.createPeerConnection({
      iceServers: servers,
      // Relay only: a TURN check must not pass on a direct candidate.
      ...(kind === 'turn' ? { iceTransportPolicy: 'relay' as const } : {}),
    });
  } catch (error) {
    // The browser refused the configuration itself (Firefox: a blocked port, a bad URL).
    return { check: kind, outcome: 'failed', reason: 'refused', detail: String(error) };
  }
  try {
    const found = new Promise<CheckResult>((resolve) => {
      const timer = setTimeout(
        () => resolve({ check: kind, outcome: 'failed', reason: 'timeout' }),
        deps.timeoutMs,
      );
      const finish = (result: CheckResult) => {
        clearTimeout(timer);
        resolve(result);
      };
      pc.addEventListener('icecandidate', (event) => {
        if (event.candidate === null) {
          finish({ check: kind, outcome: 'failed', reason: 'no-candidate' });
        } else if (event.candidate.candidate && candidateType(event.candidate) === wanted) {
          finish({ check: kind, outcome: 'ok' });
        }
      });
    });
    pc.createDataChannel('sotto-connection-test');
    await pc.setLocalDescription(await pc.createOffer());
    return await found;
  } catch {
    return { check: kind, outcome: 'failed', reason: 'no-candidate' };
  } finally {
    pc.close();
  }
}

/**
 * Runs the three checks against `settings` (not necessarily saved ones); `onResult` hears each
 * as it completes. Never throws: every failure is a result.
 */
export async function testConnection(
  settings: CallDefaults,
  onResult: (result: CheckResult) => void = () => {},
  deps: Partial<ConnectionTestDeps> = {},
): Promise<CheckResult[]> {
  const use = { ...DEFAULT_DEPS, ...deps };
  const report = async (check: ConnectionCheck, work: () => Promise<CheckResult>) => {
    const result = await work().catch(
      (error): CheckResult => ({
        check,
        outcome: 'failed',
        reason: 'refused',
        detail: String(error),
      }),
    );
    onResult(result);
    return result;
  };
  return Promise.all([
    report('signaling', () => checkSignaling(settings, use)),
    report('stun', () => checkIce('stun', settings, use)),
    report('turn', () => checkIce('turn', settings, use)),
  ]);
}
