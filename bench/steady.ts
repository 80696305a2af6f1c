/**
 * Steady state: 10,000 requests spread over two hours of virtual time with 15-minute access
 * tokens, against tokenkeeper/testing's scripted token endpoint and protected resource on a
 * virtual clock (the same endpoint answers every contender). Counted: the 401s the resource
 * answered, per 1,000 requests, and refresh calls beside the oracle's minimum for the same times.
 */
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';
import { arrivalTimes, oracleRefreshes } from './arrivals.js';
import type { IssuedTokens } from './peers/contender.js';
import { type ContenderName, contenderNames, contenders } from './peers/index.js';

export interface SteadyOptions {
  /** Runs, each with its own seed (arrival times); every contender meets the same times. */
  readonly runs: number;
  readonly requests: number;
  readonly hours: number;
  readonly accessTtlMinutes: number;
  /** @default every contender */
  readonly contenders?: readonly ContenderName[];
  readonly log?: (line: string) => void;
}

export interface SteadyRun {
  readonly seed: number;
  readonly requests: number;
  /** 401s the resource answered (first attempts that met an expired token). */
  readonly unauthorized: number;
  /** Requests whose final answer was not 200. */
  readonly failed: number;
  readonly refreshes: number;
  /** The oracle's refreshes for the same times: the baseline. */
  readonly minimum: number;
}

export interface SteadyCell {
  readonly contender: ContenderName;
  readonly runs: SteadyRun[];
}

export interface SteadyResult {
  readonly kind: 'steady';
  readonly options: { runs: number; requests: number; hours: number; accessTtlMinutes: number };
  readonly cells: SteadyCell[];
}

const ORIGIN = 'https://auth.test';
/** A request that has not settled after this much real time is a hang, not a measurement. */
const HANG_MS = 30_000;

function withinReal<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle in ${HANG_MS} ms`)), HANG_MS);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

/** One contender over one run's arrival times. */
export async function runSteadyOnce(
  contender: ContenderName,
  seed: number,
  times: readonly number[],
  accessTtlMs: number,
): Promise<SteadyRun> {
  const clock = createVirtualClock();
  const endpoint = createTokenEndpoint({ clock, accessTokenTtl: accessTtlMs, origin: ORIGIN });
  const start = clock.now();
  const client = await contenders[contender]({
    tokens: endpoint.login() as IssuedTokens,
    tokenEndpoint: endpoint.tokenEndpoint,
    apiOrigin: ORIGIN,
    fetch: endpoint.fetch,
    clock,
  });
  let failed = 0;
  try {
    for (const [i, at] of times.entries()) {
      await clock.advanceTo(start + at);
      const status = await withinReal(
        client.get(`${ORIGIN}/api/items`),
        `${contender} request ${i}`,
      );
      if (status !== 200) failed++;
    }
  } finally {
    client.dispose();
  }
  return {
    seed,
    requests: times.length,
    unauthorized: endpoint.resourceCalls.filter((call) => call.status === 401).length,
    failed,
    refreshes: endpoint.refreshCount,
    minimum: oracleRefreshes(times, 0, accessTtlMs),
  };
}

export async function runSteady(options: SteadyOptions): Promise<SteadyResult> {
  const names = options.contenders ?? contenderNames;
  const log = options.log ?? (() => {});
  const accessTtlMs = options.accessTtlMinutes * 60_000;
  const cells: SteadyCell[] = names.map((contender) => ({ contender, runs: [] }));
  for (let r = 0; r < options.runs; r++) {
    const seed = r + 1;
    const times = arrivalTimes({
      seed,
      requests: options.requests,
      durationMs: options.hours * 3_600_000,
    });
    for (const cell of cells) {
      const run = await runSteadyOnce(cell.contender, seed, times, accessTtlMs);
      cell.runs.push(run);
      log(
        `steady seed ${seed} ${cell.contender}: ${run.unauthorized} x 401, ` +
          `${run.refreshes} refreshes (minimum ${run.minimum}), ${run.failed} failed`,
      );
    }
  }
  return {
    kind: 'steady',
    options: {
      runs: options.runs,
      requests: options.requests,
      hours: options.hours,
      accessTtlMinutes: options.accessTtlMinutes,
    },
    cells,
  };
}
