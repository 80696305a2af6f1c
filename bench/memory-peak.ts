/**
 * Peak memory while something runs: RSS and V8 heap sampled every millisecond the event loop
 * lets the sampler run, reported as growth over the values just before (after a full GC when
 * the process has `--expose-gc`).
 */
export interface MemoryPeak {
  /** Peak resident set size minus the RSS before, in MB. */
  readonly rssMb: number;
  /** Peak V8 heap used minus the heap before, in MB. */
  readonly heapMb: number;
}

const MB = 1024 * 1024;

export async function measurePeak<T>(
  work: () => Promise<T>,
): Promise<{ value: T; peak: MemoryPeak }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
  };
  const sampler = setInterval(sample, 1);
  try {
    const value = await work();
    sample();
    return {
      value,
      peak: { rssMb: (rss - before.rss) / MB, heapMb: (heap - before.heapUsed) / MB },
    };
  } finally {
    clearInterval(sampler);
  }
}
