import { describe, expect, test } from 'vitest';
import { ingestRequests } from '../../../entrypoints/x.content/ingest-requests';

const ask = (n: number, inView = false) => ({ cacheKey: `row-${n}`, inView });
const keys = (requests: { cacheKey: string }[][]) =>
  requests.map((request) => request.map((a) => a.cacheKey));

describe('ingestRequests', () => {
  test('the rows in view go first, in a request of their own, in the order given', () => {
    const asks = [ask(3, true), ask(4, true), ask(1), ask(5), ask(2, true)];
    expect(keys(ingestRequests(asks, () => false, 50))).toEqual([
      ['row-3', 'row-4', 'row-2'],
      ['row-1', 'row-5'],
    ]);
  });

  test('no request holds more than the most the vault takes', () => {
    const asks = [...Array.from({ length: 7 }, (_, i) => ask(i, true)), ask(7), ask(8), ask(9)];
    expect(keys(ingestRequests(asks, () => false, 3)).map((r) => r.length)).toEqual([3, 3, 1, 3]);
  });

  test('rows already asked about, or listed twice, are not asked about again', () => {
    const asks = [ask(1, true), ask(2), ask(1, true), ask(3)];
    expect(keys(ingestRequests(asks, (key) => key === 'row-2', 50))).toEqual([
      ['row-1'],
      ['row-3'],
    ]);
  });

  test('nothing to ask, no request', () => {
    expect(ingestRequests([ask(1)], () => true, 50)).toEqual([]);
    expect(ingestRequests([], () => false, 50)).toEqual([]);
  });
});
