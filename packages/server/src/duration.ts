import { ConfigError } from './errors.js';

/**
 * A duration: milliseconds as a number, or text such as `'30s'`, `'15m'`, `'90d'`, `'1h30m'`.
 * Units: `ms`, `s`, `m`, `h`, `d`. A bare `'0'` means zero.
 */
export type Duration = number | string;

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const whole = /^(?:\d{1,10}(?:ms|s|m|h|d))+$/;
const part = /(\d+)(ms|s|m|h|d)/g;

/**
 * Parses a duration into milliseconds; throws a {@link ConfigError} naming `what` otherwise.
 * @example parseDuration('15m', '--access-ttl') // 900000
 */
export function parseDuration(input: Duration, what = 'duration'): number {
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input) && input >= 0) return input;
    throw new ConfigError(`${what} must be a whole number of milliseconds >= 0`);
  }
  const text = input.trim();
  if (text === '0') return 0;
  if (!whole.test(text)) {
    throw new ConfigError(
      `${what}: cannot read "${text.slice(0, 40)}" as a duration; write it like 30s, 15m, 12h or 90d`,
    );
  }
  let total = 0;
  for (const match of text.matchAll(part)) {
    total += Number(match[1]) * (unitMs[match[2] ?? ''] ?? Number.NaN);
  }
  if (!Number.isSafeInteger(total)) throw new ConfigError(`${what} is too long`);
  return total;
}

/** Formats milliseconds the way {@link parseDuration} reads them, largest unit first. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = unitMs[unit] ?? 1;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
