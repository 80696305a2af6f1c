/**
 * Overhead: what tokenkeeper costs a request that needs no refresh. Throughput through
 * `createFetch` against raw fetch, and through `attachAxios` against bare axios, to the same
 * keep-alive loopback server at the same concurrency (the server and the client each in a
 * process of their own); and `getAccessToken()` in ns per call against `Promise.resolve(token)`.
 */
import { forkModule } from './child.js';
import type { OverheadResultMessage, OverheadRunMessage } from './overhead-child.js';

export interface OverheadOptions {
  readonly runs: number;
  /** Length of each throughput measurement. */
  readonly seconds: number;
  /** Requests in flight at once (closed loop). */
  readonly concurrency: number;
  /** tinybench time per hot-path task per run. */
  readonly hotPathMs: number;
}

export interface OverheadRun {
  /** Whether the baselines ran before tokenkeeper in this run (alternates). */
  readonly baselineFirst: boolean;
  /** Requests per second, and this process's CPU µs per request, per pair. */
  readonly throughput: Array<{
    name: string;
    baseline: number;
    tokenkeeper: number;
    baselineCpu: number;
    tokenkeeperCpu: number;
  }>;
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
}

export async function runOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const server = forkModule('./echo-server.ts');
  const client = forkModule('./overhead-child.ts');
  try {
    const { origin } = await server.next<{ type: 'listening'; origin: string }>('listening');
    await client.next('ready');
    const run: OverheadRunMessage = { type: 'run', origin, options };
    client.send(run);
    const budget = 60_000 + options.runs * (4 * options.seconds * 1000 + 4 * options.hotPathMs);
    const result = await client.next<OverheadResultMessage>('result', budget);
    return { kind: 'overhead', options, runs: result.runs };
  } finally {
    client.kill();
    server.kill();
  }
}
