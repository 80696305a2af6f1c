/**
 * A seeded random source (mulberry32) for tests that draw random activity, outages and failures
 * and must replay exactly: pass the same seed, get the same sequence. Also fits the session's
 * `random` option, so its backoff jitter replays too. Not for anything secret.
 * @example
 * const random = seededRandom(42);
 * const session = createSession({ clock, refresh, random });
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
