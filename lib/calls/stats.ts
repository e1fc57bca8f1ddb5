/**
 * What the call window's quality line says, read from one `RTCPeerConnection.getStats()`
 * report. Pure: the report is taken as the plain stat objects it holds.
 */

export type Quality = 'good' | 'fair' | 'poor';
export type Route = 'direct' | 'relay';

/** The fields of the stats this reads; browsers add many more. */
export interface StatLike {
  id: string;
  type: string;
  // inbound-rtp
  bytesReceived?: number;
  framesDecoded?: number;
  packetsLost?: number;
  packetsReceived?: number;
  // transport
  selectedCandidatePairId?: string;
  // candidate-pair
  state?: string;
  nominated?: boolean;
  /** Firefox only. */
  selected?: boolean;
  localCandidateId?: string;
  currentRoundTripTime?: number;
  // local-candidate
  candidateType?: string;
}

export interface CallStats {
  /** Received so far, over all inbound streams. */
  bytes: number;
  frames: number;
  /** Lost / (lost + received) packets so far, 0 when nothing arrived. */
  lossRate: number;
  /** Seconds, of the pair media takes; null when not known. */
  rtt: number | null;
  /** Whether media goes through a TURN relay; null until a pair is in use. */
  route: Route | null;
}

/**
 * The candidate pair media takes. The transport names it (the standard way; Chromium);
 * Firefox marks it `selected`; a nominated pair that succeeded is the last resort — on its own
 * it once found no pair, in an e2e run here, on a relayed Chromium call whose media flowed.
 */
function pairInUse(stats: readonly StatLike[], byId: Map<string, StatLike>): StatLike | null {
  for (const stat of stats) {
    if (stat.type !== 'transport' || !stat.selectedCandidatePairId) continue;
    const pair = byId.get(stat.selectedCandidatePairId);
    if (pair?.type === 'candidate-pair') return pair;
  }
  const succeeded = stats.filter((s) => s.type === 'candidate-pair' && s.state === 'succeeded');
  return (
    succeeded.find((pair) => pair.selected) ?? succeeded.find((pair) => pair.nominated) ?? null
  );
}

export function readCallStats(stats: readonly StatLike[]): CallStats {
  let bytes = 0;
  let frames = 0;
  let lost = 0;
  let received = 0;
  for (const stat of stats) {
    if (stat.type !== 'inbound-rtp') continue;
    bytes += stat.bytesReceived ?? 0;
    frames += stat.framesDecoded ?? 0;
    lost += stat.packetsLost ?? 0;
    received += stat.packetsReceived ?? 0;
  }
  const byId = new Map(stats.map((stat) => [stat.id, stat]));
  const pair = pairInUse(stats, byId);
  const type = pair?.localCandidateId ? byId.get(pair.localCandidateId)?.candidateType : undefined;
  return {
    bytes,
    frames,
    lossRate: received + lost > 0 ? lost / (received + lost) : 0,
    rtt: pair?.currentRoundTripTime ?? null,
    route: type === undefined ? null : type === 'relay' ? 'relay' : 'direct',
  };
}

/** Poor when nothing arrived since the last sample, or on heavy loss or a long round trip. */
export function callQuality(stats: CallStats, bytesBefore: number): Quality {
  const rtt = stats.rtt ?? 0;
  if (stats.bytes === bytesBefore || stats.lossRate > 0.1 || rtt > 0.6) return 'poor';
  if (stats.lossRate > 0.02 || rtt > 0.25) return 'fair';
  return 'good';
}
