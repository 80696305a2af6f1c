/**
 * The overhead benchmark's profile, a process of its own: ← run { origin, options };
 * → profile. Each tokenkeeper client runs the same closed loop as in the throughput runs under
 * V8's sampling profiler (node:inspector), and every sample is charged to tokenkeeper when its
 * stack reaches tokenkeeper's code (packages/client/src) before it reaches the HTTP client's own
 * request machinery: the share of this process's busy CPU that tokenkeeper's code causes, by the
 * tokenkeeper function nearest to the sample.
 */
import { Session as Inspector } from 'node:inspector/promises';
import { type Message, parentPort } from './child.js';
import { closedLoop } from './load.js';
import type { OverheadRunMessage } from './overhead-child.js';
import { overheadClients } from './overhead-clients.js';

export interface ProfileShare {
  /** Busy (non-idle) CPU time profiled, ms. */
  readonly busyMs: number;
  /** Share of busy time charged to tokenkeeper, 0..1. */
  readonly tokenkeeper: number;
  /** Share of busy time in the garbage collector (not charged to anyone). */
  readonly gc: number;
  /** Share charged to each tokenkeeper function (`name file`), largest first. */
  readonly byFunction: Record<string, number>;
}

export interface ProfileMessage extends Message {
  readonly type: 'profile';
  readonly profiles: Record<string, ProfileShare>;
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

const MINE = /packages\/client\/src\//;
/** The HTTP clients' own request machinery: a sample below it is the transport's, not ours. */
const TRANSPORT =
  /undici|node:internal\/deps\/|node_modules\/axios\/lib\/(adapters|core\/dispatchRequest)/;

function shares(profile: CpuProfile): ProfileShare {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  let busy = 0;
  let gc = 0;
  let mine = 0;
  const byFunction = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === '(idle)') return;
    busy += dt;
    if (leaf.callFrame.functionName === '(garbage collector)') {
      gc += dt;
      return;
    }
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || TRANSPORT.test(frame.url)) return;
      if (MINE.test(frame.url)) {
        const key = `${frame.functionName || '(anonymous)'} (${frame.url.replace(/.*\/src\//, '')})`;
        byFunction.set(key, (byFunction.get(key) ?? 0) + dt);
        mine += dt;
        return;
      }
    }
  });
  const sorted = [...byFunction].sort((a, b) => b[1] - a[1]);
  return {
    busyMs: busy / 1000,
    tokenkeeper: mine / busy,
    gc: gc / busy,
    byFunction: Object.fromEntries(sorted.map(([key, dt]) => [key, dt / busy])),
  };
}

const port = parentPort();
port.send({ type: 'ready' });
const { origin, options } = await port.next<OverheadRunMessage>('run');
const clients = await overheadClients(origin);
const inspector = new Inspector();
inspector.connect();
await inspector.post('Profiler.enable');
await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
const profiles: Record<string, ProfileShare> = {};
for (const pair of clients.pairs) {
  await closedLoop(pair.tokenkeeper, options.concurrency, Math.min(1, options.profileSeconds));
  await inspector.post('Profiler.start');
  await closedLoop(pair.tokenkeeper, options.concurrency, options.profileSeconds);
  const { profile } = await inspector.post('Profiler.stop');
  profiles[pair.name] = shares(profile as unknown as CpuProfile);
}
inspector.disconnect();
clients.session.dispose();
const result: ProfileMessage = { type: 'profile', profiles };
port.finish(result);
