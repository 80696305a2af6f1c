/**
 * The overhead benchmark's client process: ← run { origin, options }; → result. Each run
 * measures every pair (baseline and tokenkeeper in interleaved slices, which one leads
 * alternating between runs), then the hot path and createFetch's steps with tinybench.
 */
import { Bench } from 'tinybench';
import { type Message, parentPort } from './child.js';
import { closedLoop, interleaved } from './load.js';
import type { OverheadOptions, OverheadRun } from './overhead.js';
import { overheadClients } from './overhead-clients.js';

export interface OverheadRunMessage extends Message {
  readonly type: 'run';
  readonly origin: string;
  readonly options: OverheadOptions;
}

export interface OverheadResultMessage extends Message {
  readonly type: 'result';
  readonly runs: OverheadRun[];
}

/** ns per call of each task, as tinybench's median over samples of `batch` awaited calls. */
async function nsPerCall(
  tasks: ReadonlyArray<readonly [string, () => unknown]>,
  timeMs: number,
  batch = 1000,
): Promise<Record<string, number>> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs) });
  for (const [name, fn] of tasks) {
    bench.add(name, async () => {
      for (let i = 0; i < batch; i++) await fn();
    });
  }
  await bench.run();
  const perCall: Record<string, number> = {};
  for (const task of bench.tasks) {
    const result = task.result;
    if (!('latency' in result)) throw new Error(`tinybench task ${task.name}: ${result.state}`);
    perCall[task.name] = (result.latency.p50 * 1e6) / batch;
  }
  return perCall;
}

const port = parentPort();
port.send({ type: 'ready' });
const { origin, options } = await port.next<OverheadRunMessage>('run');
const clients = await overheadClients(origin);
const token = clients.token;

// Warm-up: JIT and keep-alive connections for every client.
for (const pair of clients.pairs) {
  await closedLoop(pair.baseline, options.concurrency, Math.min(1, options.seconds));
  await closedLoop(pair.tokenkeeper, options.concurrency, Math.min(1, options.seconds));
}

const runs: OverheadRun[] = [];
for (let r = 0; r < options.runs; r++) {
  const baselineFirst = r % 2 === 0;
  const throughput: OverheadRun['throughput'] = [];
  for (const pair of clients.pairs) {
    const calls = baselineFirst
      ? ([pair.baseline, pair.tokenkeeper] as const)
      : ([pair.tokenkeeper, pair.baseline] as const);
    const [first, second] = await interleaved(calls, options.concurrency, options.seconds);
    const [baseline, tokenkeeper] = baselineFirst ? [first, second] : [second, first];
    if (baseline.errors + tokenkeeper.errors > 0) throw new Error(`${pair.name}: requests failed`);
    throughput.push({
      name: pair.name,
      baseline: baseline.perSecond,
      tokenkeeper: tokenkeeper.perSecond,
      baselineCpu: baseline.cpuMicros,
      tokenkeeperCpu: tokenkeeper.cpuMicros,
    });
  }
  const reads: Array<readonly [string, () => unknown]> = [
    ['getAccessToken', () => clients.session.getAccessToken()],
    ['Promise.resolve', () => Promise.resolve(token)],
  ];
  const ns = await nsPerCall(baselineFirst ? reads.reverse() : reads, options.hotPathMs);
  const steps = {
    fetch: await nsPerCall(clients.fetchSteps, options.hotPathMs / 2, 100),
    axios: await nsPerCall(clients.axiosSteps, options.hotPathMs / 2, 100),
  };
  runs.push({
    baselineFirst,
    throughput,
    hotPath: {
      tokenkeeper: ns.getAccessToken ?? Number.NaN,
      baseline: ns['Promise.resolve'] ?? Number.NaN,
    },
    steps,
  });
}
clients.session.dispose();
const result: OverheadResultMessage = { type: 'result', runs };
port.finish(result);
