import { describe, expect, test } from 'vitest';
import { callQuality, readCallStats, type StatLike } from '@/lib/calls/stats';

const inbound = (id: string, bytes: number, frames: number, lost = 0, packets = 100): StatLike => ({
  id,
  type: 'inbound-rtp',
  bytesReceived: bytes,
  framesDecoded: frames,
  packetsLost: lost,
  packetsReceived: packets,
});
const candidate = (id: string, candidateType: string): StatLike => ({
  id,
  type: 'local-candidate',
  candidateType,
});
const pair = (id: string, local: string, extra: Partial<StatLike> = {}): StatLike => ({
  id,
  type: 'candidate-pair',
  state: 'succeeded',
  localCandidateId: local,
  ...extra,
});

describe('readCallStats', () => {
  test('adds up every inbound stream', () => {
    const stats = readCallStats([inbound('v', 1000, 30, 2, 98), inbound('a', 500, 0, 0, 100)]);
    expect(stats).toMatchObject({ bytes: 1500, frames: 30, lossRate: 0.01 });
  });

  test("the transport's selected pair decides the route, nominated or not (Chromium)", () => {
    const stats = readCallStats([
      candidate('host', 'host'),
      candidate('turn', 'relay'),
      // A pair that once succeeded and was nominated, no longer in use…
      pair('p1', 'host', { nominated: true, currentRoundTripTime: 0.001 }),
      // …and the one the transport uses, which Chromium may not mark nominated.
      pair('p2', 'turn', { currentRoundTripTime: 0.02 }),
      { id: 't', type: 'transport', selectedCandidatePairId: 'p2' },
    ]);
    expect(stats).toMatchObject({ route: 'relay', rtt: 0.02 });
  });

  test("Firefox's `selected` pair wins over a merely nominated one", () => {
    const stats = readCallStats([
      candidate('host', 'host'),
      candidate('srflx', 'srflx'),
      pair('p1', 'srflx', { nominated: true }),
      pair('p2', 'host', { nominated: true, selected: true, currentRoundTripTime: 0.003 }),
    ]);
    expect(stats).toMatchObject({ route: 'direct', rtt: 0.003 });
  });

  test('a nominated, succeeded pair is the last resort; failed pairs never count', () => {
    expect(
      readCallStats([
        candidate('turn', 'relay'),
        pair('p1', 'turn', { nominated: true, state: 'failed' }),
      ]).route,
    ).toBeNull();
    expect(
      readCallStats([candidate('turn', 'relay'), pair('p1', 'turn', { nominated: true })]).route,
    ).toBe('relay');
  });

  test('before any pair is in use: no route, no round trip, no loss', () => {
    expect(readCallStats([])).toEqual({ bytes: 0, frames: 0, lossRate: 0, rtt: null, route: null });
  });
});

describe('callQuality', () => {
  const base = { bytes: 2000, frames: 60, lossRate: 0, rtt: 0.05, route: 'direct' as const };
  test('good when media arrives with little loss and a short round trip', () => {
    expect(callQuality(base, 1000)).toBe('good');
  });
  test('poor when nothing arrived since the last sample', () => {
    expect(callQuality(base, 2000)).toBe('poor');
  });
  test('fair, then poor, as loss and round trip grow', () => {
    expect(callQuality({ ...base, lossRate: 0.05 }, 1000)).toBe('fair');
    expect(callQuality({ ...base, rtt: 0.3 }, 1000)).toBe('fair');
    expect(callQuality({ ...base, lossRate: 0.2 }, 1000)).toBe('poor');
    expect(callQuality({ ...base, rtt: 0.7 }, 1000)).toBe('poor');
  });
});
