/**
 * Overhead: what tokenkeeper costs a request that needs no refresh. Throughput through
 * `createFetch` against raw fetch, and through `attachAxios` against bare axios, to the same
 * keep-alive loopback server at the same concurrency (the server and the client each in a
 * process of their own); and `getAccessToken()` in ns per call against `Promise.resolve(token)`.
 */
import { forkModule } from './child.js';
import type { OverheadRunMessage, ThroughputMessage } from './overhead-child.js';
import type { MicroMessage } from './overhead-micro.js';
import type { ProfileMessage, ProfileShare } from './overhead-profile.js';

export interface OverheadOptions {
  readonly runs: number;
  /** Length of each throughput measurement. */
  readonly seconds: number;
  /** Requests in flight at once (closed loop). */
  readonly concurrency: number;
  /** tinybench time per hot-path task per run. */
  readonly hotPathMs: number;
  /** Seconds each tokenkeeper client runs under the sampling profiler (once, not per run). */
  readonly profileSeconds: number;
}

/** One pair in one run: requests per second, and the client's CPU µs per request. */
export interface Throughput {
  readonly name: string;
  readonly baseline: number;
  readonly tokenkeeper: number;
  readonly baselineCpu: number;
  readonly tokenkeeperCpu: number;
}

export interface OverheadRun {
  /** Whether the baselines ran before tokenkeeper in this run (alternates). */
  readonly baselineFirst: boolean;
  readonly throughput: Throughput[];
  /** ns per call. */
  readonly hotPath: { tokenkeeper: number; baseline: number };
  /**
   * ns per call of each step the adapters take, and of the adapters without the network
   * (see overhead-clients.ts).
   */
  readonly steps: { fetch: Record<string, number>; axios: Record<string, number> };
}

export interface OverheadResult {
  readonly kind: 'overhead';
  readonly options: OverheadOptions;
  readonly runs: OverheadRun[];
  /** Where each tokenkeeper client's CPU goes under load, by pair name (one profile each). */
  readonly profiles: Record<string, ProfileShare>;
}

async function inChild<T extends { type: string }>(
  module: string,
  message: OverheadRunMessage,
  answer: T['type'],
  budgetMs: number,
): Promise<T> {
  const child = forkModule(module);
  try {
    await child.next('ready');
    child.send(message);
    return await child.next<T & { readonly [key: string]: unknown }>(answer, budgetMs);
  } finally {
    child.kill();
  }
}

export async function runOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const server = forkModule('./echo-server.ts');
  try {
    const { origin } = await server.next<{ type: 'listening'; origin: string }>('listening');
    const message: OverheadRunMessage = { type: 'run', origin, options };
    const loads = await inChild<ThroughputMessage>(
      './overhead-child.ts',
      message,
      'throughput',
      60_000 + options.runs * 5 * options.seconds * 1000,
    );
    const micro = await inChild<MicroMessage>(
      './overhead-micro.ts',
      message,
      'micro',
      60_000 + options.runs * 20 * options.hotPathMs,
    );
    const profiled = await inChild<ProfileMessage>(
      './overhead-profile.ts',
      message,
      'profile',
      60_000 + 4 * options.profileSeconds * 1000,
    );
    const runs = loads.runs.map((throughput, r) => {
      const measured = micro.runs[r];
      if (!measured) throw new Error(`overhead: no micro-benchmark for run ${r + 1}`);
      return { baselineFirst: r % 2 === 0, throughput, ...measured };
    });
    return { kind: 'overhead', options, runs, profiles: profiled.profiles };
  } finally {
    server.kill();
  }
}
