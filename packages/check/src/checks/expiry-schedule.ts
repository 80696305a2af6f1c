/**
 * When expiry-truthful calls the resource, in ms after the token response arrived, for an
 * advertised lifetime of `expiresInMs`:
 * - `before`: shortly before expiry; a refusal here means the token dies early. The margin
 *   (10%, at least 2 s) absorbs whole-second `exp` claims and the response's own latency;
 * - `after`: probes past expiry; the first must already be refused (1.5 s covers rounding),
 *   later ones measure any leeway.
 */
export function expirySchedule(expiresInMs: number): { before: number; after: number[] } {
  const margin = Math.max(2000, expiresInMs * 0.1);
  return {
    before: Math.max(0, expiresInMs - margin),
    after: [1500, 5000, 15_000, 30_000, 60_000].map((extra) => expiresInMs + extra),
  };
}

/** The wait the check needs for a verdict: up to the first probe past expiry. */
export const expiryWaitMs = (expiresInMs: number): number => expirySchedule(expiresInMs).after[0]!;
