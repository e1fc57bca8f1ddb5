/**
 * `npm run bench`: every benchmark suite, each measured against its own baseline in the same
 * run, reported as medians and ratios. Timings on shared machines are noisy; ratios to a
 * baseline measured a moment earlier are what we compare, never absolute numbers.
 */
export interface BenchRow {
  name: string;
  medianMs: number;
  /** Median divided by the suite's baseline median (the baseline itself is 1); null where no baseline applies. */
  ratio: number | null;
  /** Where a budget applies: the ratio or value it must stay under. */
  budget?: number;
}

type Suite = { name: string; run: () => Promise<BenchRow[]> };

const suites: Suite[] = [
  { name: 'crypto', run: async () => (await import('./crypto.bench')).runCryptoBench() },
  { name: 'store', run: async () => (await import('./store.bench')).runStoreBench() },
  { name: 'vault', run: async () => (await import('./vault.bench')).runVaultBench() },
  // Real Chromium with the production build against the fixture (~2 minutes).
  { name: 'dm', run: async () => (await import('./dm.bench')).runDmBench() },
  // Real Chromium: Sotto's call set-up beside a bare PeerJS call (~1 minute).
  { name: 'calls', run: async () => (await import('./calls.bench')).runCallsBench() },
];

function withinBudget(row: BenchRow): boolean {
  return row.budget === undefined || (row.ratio !== null && row.ratio <= row.budget);
}

const only = process.argv[2];
let overBudget = 0;
for (const suite of suites) {
  if (only && suite.name !== only) continue;
  console.log(`\n## ${suite.name}`);
  const rows = await suite.run();
  console.table(
    rows.map((row) => ({
      benchmark: row.name,
      'median ms': Number(row.medianMs.toFixed(4)),
      ratio: row.ratio === null ? '' : Number(row.ratio.toFixed(2)),
      budget: row.budget ?? '',
      ok: row.budget === undefined ? '' : withinBudget(row) ? 'yes' : 'OVER',
    })),
  );
  overBudget += rows.filter((row) => row.budget !== undefined && !withinBudget(row)).length;
}
if (overBudget > 0) console.log(`\n${overBudget} benchmark(s) over budget.`);
// Every suite has closed what it opened, but a closed http server or PeerServer can keep idle
// keep-alive sockets (the browsers') open for minutes; the run is over, so end it.
process.exit(overBudget > 0 ? 1 : 0);
