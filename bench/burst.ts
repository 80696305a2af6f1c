/**
 * N requests started together through one client, each timed from call to settled response:
 * the shape of an app that fires its screen's requests at once.
 */
import type { Contender } from './peers/contender.js';

export interface Burst {
  /** Per request, in the order they were started: ms from call to final status. */
  readonly latencies: number[];
  readonly statuses: number[];
}

export async function burst(client: Contender, url: string, n: number): Promise<Burst> {
  const latencies: number[] = new Array(n).fill(0);
  const statuses: number[] = new Array(n).fill(0);
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const started = performance.now();
      statuses[i] = await client.get(`${url}?i=${i}`);
      latencies[i] = performance.now() - started;
    }),
  );
  return { latencies, statuses };
}
