/**
 * Refresh storm: N requests in flight meet an expired access token at once. For each contender,
 * N and reuse-grace setting, every run is a fresh client process against the same real servers
 * (storm-stack.ts): a fresh login, a warm-up (see storm-child.ts), a burst with the valid token
 * (the baseline), then the token server's clock jumps past the token's expiry and the same burst
 * runs again.
 * Counted: refresh calls at the token server, requests that did not end in 200, added latency
 * per request (storm minus the same request's valid-token latency), peak memory.
 */
import { forkModule } from './child.js';
import { type ContenderName, contenderNames } from './peers/index.js';
import { ascending, quantile } from './stats.js';
import type { ResultMessage, RunMessage } from './storm-child.js';
import { type RefreshLedger, type StormStack, startStormStack } from './storm-stack.js';

/** One token-server setting and the storm sizes run under it. */
export interface StormPlan {
  /** The token server's reuse grace window in ms (10 000 is its default). */
  readonly graceMs: number;
  /** N: requests in flight when the token expires. */
  readonly sizes: readonly number[];
}

export interface StormOptions {
  /** Runs per (contender, N, grace); each a fresh process. */
  readonly runs: number;
  readonly plans: readonly StormPlan[];
  /** @default every contender */
  readonly contenders?: readonly ContenderName[];
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** One run of one scenario. */
export interface StormRun {
  readonly ledger: RefreshLedger;
  /** Requests whose final answer was not 200 (including ones that threw). */
  readonly failed: number;
  readonly addedP50: number;
  readonly addedP99: number;
  /** Median latency of the same burst with the valid token: the baseline. */
  readonly validP50: number;
  readonly stormP50: number;
  readonly rssMb: number;
  readonly heapMb: number;
}

export interface StormCell {
  readonly contender: ContenderName;
  readonly n: number;
  readonly graceMs: number;
  readonly runs: StormRun[];
}

export interface StormResult {
  readonly kind: 'storm';
  readonly options: { runs: number; plans: StormPlan[] };
  readonly cells: StormCell[];
}

function summarize(message: ResultMessage, ledger: RefreshLedger): StormRun {
  const { valid, storm } = message;
  const added = ascending(storm.latencies.map((ms, i) => ms - (valid.latencies[i] ?? 0)));
  return {
    ledger,
    failed: storm.statuses.filter((status) => status !== 200).length,
    addedP50: quantile(added, 0.5),
    addedP99: quantile(added, 0.99),
    validP50: quantile(ascending(valid.latencies), 0.5),
    stormP50: quantile(ascending(storm.latencies), 0.5),
    rssMb: message.rssMb,
    heapMb: message.heapMb,
  };
}

function difference(after: RefreshLedger, before: RefreshLedger): RefreshLedger {
  return {
    calls: after.calls - before.calls,
    rotations: after.rotations - before.rotations,
    replays: after.replays - before.replays,
    refused: after.refused - before.refused,
    revoked: after.revoked && !before.revoked,
  };
}

/** One scenario in a fresh client process. */
export async function runScenario(
  stack: StormStack,
  contender: ContenderName,
  n: number,
): Promise<StormRun> {
  const child = forkModule('./storm-child.ts', { exposeGc: true });
  try {
    await child.next('ready');
    const tokens = await stack.login();
    const run: RunMessage = {
      type: 'run',
      contender,
      n,
      tokens,
      tokenEndpoint: stack.tokenEndpoint,
      apiOrigin: stack.apiOrigin,
    };
    child.send(run);
    await child.next('expire');
    stack.expireIssuedTokens();
    child.send({ type: 'expired' });
    await child.next('warmed');
    const before = await stack.ledger(tokens);
    await child.next('expire');
    stack.expireIssuedTokens();
    child.send({ type: 'expired' });
    const result = await child.next<ResultMessage>('result');
    await child.exited();
    return summarize(result, difference(await stack.ledger(tokens), before));
  } finally {
    child.kill();
  }
}

export async function runStorm(options: StormOptions): Promise<StormResult> {
  const names = options.contenders ?? contenderNames;
  const log = options.log ?? (() => {});
  const cells: StormCell[] = [];
  for (const { graceMs, sizes } of options.plans) {
    const stack = await startStormStack({ reuseGraceMs: graceMs });
    try {
      for (const n of sizes) {
        const row = names.map((contender) => ({ contender, n, graceMs, runs: [] as StormRun[] }));
        for (let r = 0; r < options.runs; r++) {
          // Rotate the order each run so no contender always goes first or last.
          for (let k = 0; k < row.length; k++) {
            const cell = row[(k + r) % row.length]!;
            const result = await runScenario(stack, cell.contender, n);
            cell.runs.push(result);
            log(
              `storm grace=${graceMs}ms N=${n} run ${r + 1}/${options.runs} ${cell.contender}: ` +
                `${result.ledger.calls} refresh, ${result.failed} failed, ` +
                `+${result.addedP50.toFixed(1)}/${result.addedP99.toFixed(1)} ms`,
            );
          }
        }
        cells.push(...row);
      }
    } finally {
      await stack.close();
    }
  }
  return {
    kind: 'storm',
    options: {
      runs: options.runs,
      plans: options.plans.map((plan) => ({ graceMs: plan.graceMs, sizes: [...plan.sizes] })),
    },
    cells,
  };
}
