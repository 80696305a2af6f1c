/**
 * The overhead benchmark's micro-benchmarks, a process of its own: ← run { origin, options };
 * → micro. Per run: the hot path (`getAccessToken()` against `Promise.resolve(token)`, which
 * one goes first alternating) and each adapter's steps, with tinybench.
 */
import { Bench } from 'tinybench';
import { type Message, parentPort } from './child.js';
import type { OverheadRun } from './overhead.js';
import type { OverheadRunMessage } from './overhead-child.js';
import { overheadClients } from './overhead-clients.js';

export interface MicroMessage extends Message {
  readonly type: 'micro';
  readonly runs: Array<Pick<OverheadRun, 'hotPath' | 'steps'>>;
}

/** ns per call of each task: tinybench's median over samples of `batch` awaited calls. */
async function nsPerCall(
  tasks: ReadonlyArray<readonly [string, () => unknown]>,
  timeMs: number,
  batch = 1000,
): Promise<Record<string, number>> {
  // tinybench takes at least `iterations` samples whatever `time` says: few for a smoke run.
  const bench = new Bench({
    time: timeMs,
    warmupTime: Math.min(100, timeMs),
    iterations: timeMs < 100 ? 5 : 64,
  });
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
const { session, token } = clients;

const runs: MicroMessage['runs'] = [];
for (let r = 0; r < options.runs; r++) {
  const reads: Array<readonly [string, () => unknown]> = [
    ['getAccessToken', () => session.getAccessToken()],
    ['Promise.resolve', () => Promise.resolve(token)],
  ];
  const ns = await nsPerCall(r % 2 === 0 ? reads.reverse() : reads, options.hotPathMs);
  runs.push({
    hotPath: {
      tokenkeeper: ns.getAccessToken ?? Number.NaN,
      baseline: ns['Promise.resolve'] ?? Number.NaN,
    },
    steps: {
      fetch: await nsPerCall(clients.fetchSteps, options.hotPathMs / 2, 100),
      axios: await nsPerCall(clients.axiosSteps, options.hotPathMs / 2, 100),
    },
  });
}
session.dispose();
const result: MicroMessage = { type: 'micro', runs };
port.finish(result);
