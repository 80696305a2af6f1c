/**
 * The overhead benchmark's throughput client, a process of its own: ← run { origin, options };
 * → result. Each run measures every pair, baseline and tokenkeeper in interleaved slices,
 * which one leads alternating between runs. The micro-benchmarks run in another process
 * (overhead-micro.ts), so that calling the adapters over instant transports there cannot
 * change how the JIT compiles the code measured here.
 */
import { type Message, parentPort } from './child.js';
import { closedLoop, interleaved } from './load.js';
import type { OverheadOptions, Throughput } from './overhead.js';
import { overheadClients } from './overhead-clients.js';

export interface OverheadRunMessage extends Message {
  readonly type: 'run';
  readonly origin: string;
  readonly options: OverheadOptions;
}

export interface ThroughputMessage extends Message {
  readonly type: 'throughput';
  /** Per run, per pair. */
  readonly runs: Throughput[][];
}

const port = parentPort();
port.send({ type: 'ready' });
const { origin, options } = await port.next<OverheadRunMessage>('run');
const clients = await overheadClients(origin);

// Warm-up: JIT and keep-alive connections for every client.
for (const pair of clients.pairs) {
  await closedLoop(pair.baseline, options.concurrency, Math.min(1, options.seconds));
  await closedLoop(pair.tokenkeeper, options.concurrency, Math.min(1, options.seconds));
}

const runs: Throughput[][] = [];
for (let r = 0; r < options.runs; r++) {
  const baselineFirst = r % 2 === 0;
  const throughput: Throughput[] = [];
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
  runs.push(throughput);
}
clients.session.dispose();
const result: ThroughputMessage = { type: 'throughput', runs };
port.finish(result);
