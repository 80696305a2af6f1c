/**
 * Closed-loop load: `concurrency` workers each send a request, wait for the whole response and
 * send the next. Contenders compared with each other run in short interleaved slices (A B B A
 * A B ...), so background load on a shared machine falls on both alike instead of on whichever
 * happened to run during a noisy second.
 */
export interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  readonly errors: number;
  /**
   * CPU time (user + system) this process spent per request, in µs. On a shared machine this
   * moves far less with the neighbours' load than requests per second does.
   */
  readonly cpuMicros: number;
}

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** One request; `worker` (0 .. concurrency - 1) lets a call keep per-worker state. */
export type Call = (worker: number) => Promise<unknown>;

export async function closedLoop(
  call: Call,
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  let requests = 0;
  let errors = 0;
  const cpuStart = cpuNow();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        try {
          await call(worker);
          requests++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuNow() - cpuStart;
  return { requests, perSecond: requests / elapsed, errors, cpuMicros: cpu / requests };
}

/**
 * Runs each call for `seconds` in total, in slices of `sliceMs` alternating between them; the
 * first call leads on even slice pairs, the other on odd ones. Returns one result per call.
 */
export async function interleaved(
  calls: readonly [Call, Call],
  concurrency: number,
  seconds: number,
  sliceMs = 250,
): Promise<[LoadResult, LoadResult]> {
  const slices = Math.max(1, Math.round((seconds * 1000) / sliceMs));
  type Total = { requests: number; errors: number; time: number; cpu: number };
  const totals: Total[] = [
    { requests: 0, errors: 0, time: 0, cpu: 0 },
    { requests: 0, errors: 0, time: 0, cpu: 0 },
  ];
  for (let k = 0; k < slices; k++) {
    const order = k % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const call = calls[which]!;
      const total = totals[which]!;
      const started = performance.now();
      const slice = await closedLoop(call, concurrency, sliceMs / 1000);
      total.time += performance.now() - started;
      total.requests += slice.requests;
      total.errors += slice.errors;
      total.cpu += slice.cpuMicros * slice.requests;
    }
  }
  const result = (t: Total): LoadResult => ({
    requests: t.requests,
    errors: t.errors,
    perSecond: t.requests / (t.time / 1000),
    cpuMicros: t.cpu / t.requests,
  });
  return [result(totals[0]!), result(totals[1]!)];
}
