/**
 * The statistics every table uses: a figure is the median of several runs, shown with the
 * smallest and largest run, and a ratio is computed per run (contender and baseline measured
 * side by side) before taking its median.
 */

/** Median, min and max of one figure over the runs. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** The value at quantile `q` (0..1) of an ascending array; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[at] ?? Number.NaN;
}

/** Median (mean of the two middle values for an even count), min and max. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const middle = Math.floor(n / 2);
  const median =
    n % 2 === 1
      ? (sorted[middle] ?? Number.NaN)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted[n - 1] ?? Number.NaN, runs: n };
}

/** Per-run ratios `numerator[i] / denominator[i]`, summarized. */
export function ratioSpread(numerator: readonly number[], denominator: readonly number[]): Spread {
  return spread(numerator.map((value, i) => value / (denominator[i] ?? Number.NaN)));
}

/** Ascending copy. */
export function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}
