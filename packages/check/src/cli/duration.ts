const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * A duration flag in milliseconds: `500ms`, `15s`, `2m`, `1h`, or a bare number of seconds.
 * Undefined for anything else.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]) * UNITS[match[2] ?? 's']!;
  return Number.isFinite(value) ? Math.round(value) : undefined;
}
