/**
 * Splits rows to ask the vault about into requests: the rows in view first, in one request
 * (the vault answers a request once it has looked at all of its rows, and these are what the
 * user is waiting for), then the others; each request at most `max` rows. A row already
 * asked about (`asked`), or twice in the list, is left out.
 */
export function ingestRequests<A extends { cacheKey: string; inView: boolean }>(
  asks: readonly A[],
  asked: (cacheKey: string) => boolean,
  max: number,
): A[][] {
  const seen = new Set<string>();
  const fresh = asks.filter((ask) => {
    if (asked(ask.cacheKey) || seen.has(ask.cacheKey)) return false;
    seen.add(ask.cacheKey);
    return true;
  });
  const requests: A[][] = [];
  for (const group of [fresh.filter((ask) => ask.inView), fresh.filter((ask) => !ask.inView)]) {
    for (let i = 0; i < group.length; i += max) requests.push(group.slice(i, i + max));
  }
  return requests;
}
