/**
 * When grace-window presents the predecessor again, in ms after the rotation: dense at first
 * (most windows are seconds long), then about a fifth apart, never beyond `maxWaitMs`. The
 * window is reported as lying between the last acceptance and the first refusal.
 */
const OFFSETS = [
  0, 250, 500, 1000, 2000, 3000, 5000, 7500, 10_000, 12_500, 15_000, 20_000, 25_000, 30_000, 40_000,
  50_000, 60_000, 75_000, 90_000, 120_000, 150_000, 180_000, 240_000, 300_000, 420_000, 600_000,
];

export function graceProbeOffsets(maxWaitMs: number): number[] {
  const within = OFFSETS.filter((offset) => offset <= maxWaitMs);
  if (maxWaitMs > OFFSETS[OFFSETS.length - 1]! && within[within.length - 1] !== maxWaitMs) {
    within.push(maxWaitMs);
  }
  return within;
}

/** A window this long or longer is reported as a warning: a thief has as long to replay. */
export const LONG_GRACE_MS = 60_000;
