/** Small formatting helpers shared by the checks' evidence lines. */

/** 850 → "850 ms", 1500 → "1.5 s", 900_000 → "15 min", 7_776_000_000 → "90 d". */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${trim(ms / 1000)} s`;
  if (abs < 3_600_000) return `${trim(ms / 60_000)} min`;
  if (abs < 86_400_000) return `${trim(ms / 3_600_000)} h`;
  return `${trim(ms / 86_400_000)} d`;
}

export const formatSeconds = (seconds: number): string => formatMs(seconds * 1000);

function trim(value: number): string {
  return value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}

/** "200 ×9, 400 ×1" for a list of status codes, most frequent first. */
export function tally(values: readonly (string | number)[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([value, count]) => `${value} ×${count}`)
    .join(', ');
}
