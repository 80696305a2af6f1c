/**
 * How much work a run does. A full run (the default) takes about ten minutes on two shared
 * cores and is what RESULTS.md records; `BENCH_QUICK=1` is a one-minute smoke run whose figures
 * are too short to cite and go to RESULTS.quick.md instead.
 */
import type { OverheadOptions } from './overhead.js';
import type { ServerOptions } from './server.js';
import type { SteadyOptions } from './steady.js';
import type { StormOptions } from './storm.js';

export const benchmarkNames = ['overhead', 'storm', 'steady', 'server'] as const;
export type BenchmarkName = (typeof benchmarkNames)[number];

export interface Settings {
  readonly quick: boolean;
  readonly overhead: OverheadOptions;
  readonly storm: StormOptions;
  readonly steady: SteadyOptions;
  readonly server: ServerOptions;
}

export function settingsFor(env: NodeJS.ProcessEnv = process.env): Settings {
  const quick = env.BENCH_QUICK === '1';
  const databaseUrl = env.DATABASE_URL || undefined;
  return {
    quick,
    overhead: quick
      ? { runs: 3, seconds: 0.5, concurrency: 16, hotPathMs: 100, profileSeconds: 1 }
      : { runs: 7, seconds: 2.5, concurrency: 16, hotPathMs: 500, profileSeconds: 4 },
    storm: {
      runs: quick ? 1 : 5,
      // Grace 0 stops at N = 100: past it the rows only repeat that duplicates are reuse, and
      // N = 1000 of the refresh-per-401 contenders is the longest part of the whole run.
      plans: quick
        ? [{ graceMs: 10_000, sizes: [10, 100, 1000] }]
        : [
            { graceMs: 10_000, sizes: [10, 100, 1000] },
            { graceMs: 0, sizes: [10, 100] },
          ],
    },
    steady: { runs: quick ? 2 : 5, requests: 10_000, hours: 2, accessTtlMinutes: 15 },
    server: quick
      ? { runs: 2, seconds: 0.3, concurrency: 16, databaseUrl }
      : { runs: 5, seconds: 1.5, concurrency: 16, databaseUrl },
  };
}
