/**
 * A token bucket that paces the audit's requests: `rate` per second on average, with room for
 * one burst of `burst` (the concurrent-refresh check sends its requests together). Time and
 * sleeping are injected, so the pacing is tested without waiting.
 */
export interface RateLimiter {
  /** Resolves when `n` requests may start (n <= burst). */
  acquire(n?: number): Promise<void>;
}

export interface BucketState {
  readonly tokens: number;
  readonly at: number;
}

/** How long to wait before `n` tokens are there, and the state after taking them. Pure. */
export function takeTokens(
  state: BucketState,
  n: number,
  now: number,
  options: { rate: number; burst: number },
): { waitMs: number; state: BucketState } {
  const refilled = Math.min(options.burst, state.tokens + ((now - state.at) / 1000) * options.rate);
  if (refilled >= n) return { waitMs: 0, state: { tokens: refilled - n, at: now } };
  const waitMs = Math.ceil(((n - refilled) / options.rate) * 1000);
  return { waitMs, state: { tokens: 0, at: now + waitMs } };
}

export function createRateLimiter(options: {
  rate: number;
  burst: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}): RateLimiter {
  let state: BucketState = { tokens: options.burst, at: options.now() };
  return {
    async acquire(n = 1) {
      const taken = takeTokens(state, Math.min(n, options.burst), options.now(), options);
      state = taken.state;
      if (taken.waitMs > 0) await options.sleep(taken.waitMs);
    },
  };
}
