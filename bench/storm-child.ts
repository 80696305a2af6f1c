/**
 * One storm scenario's client, in a process of its own so its memory is its own. Protocol with
 * the parent (storm.ts): → ready; ← run; warm-up burst with the valid token; → expire;
 * ← expired; one request meets the expired token (so every contender's refresh path and its
 * connection to the token server are warm, as in an app that has refreshed before); → warmed;
 * timed burst with the valid token; → expire; ← expired; the same burst meets the expired
 * token, memory sampled; → result.
 */
import { burst } from './burst.js';
import { type Message, parentPort } from './child.js';
import { measurePeak } from './memory-peak.js';
import type { IssuedTokens } from './peers/contender.js';
import { contenders, isContenderName } from './peers/index.js';

export interface RunMessage extends Message {
  readonly type: 'run';
  readonly contender: string;
  readonly n: number;
  readonly tokens: IssuedTokens;
  readonly tokenEndpoint: string;
  readonly apiOrigin: string;
}

export interface ResultMessage extends Message {
  readonly type: 'result';
  readonly valid: { latencies: number[]; statuses: number[] };
  readonly storm: { latencies: number[]; statuses: number[] };
  readonly rssMb: number;
  readonly heapMb: number;
}

const port = parentPort();
port.send({ type: 'ready' });
const run = await port.next<RunMessage>('run');
if (!isContenderName(run.contender)) throw new Error(`unknown contender ${run.contender}`);
const client = await contenders[run.contender]({
  tokens: run.tokens,
  tokenEndpoint: run.tokenEndpoint,
  apiOrigin: run.apiOrigin,
});
const url = `${run.apiOrigin}/api/items`;
await burst(client, url, run.n);
port.send({ type: 'expire' });
await port.next('expired');
await burst(client, url, 1);
port.send({ type: 'warmed' });
const valid = await burst(client, url, run.n);
port.send({ type: 'expire' });
await port.next('expired');
const { value: storm, peak } = await measurePeak(() => burst(client, url, run.n));
client.dispose();
const result: ResultMessage = {
  type: 'result',
  valid,
  storm,
  rssMb: peak.rssMb,
  heapMb: peak.heapMb,
};
port.finish(result);
