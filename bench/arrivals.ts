/**
 * When the steady-state benchmark's requests happen, and the fewest refreshes those times
 * allow. Arrivals are seeded, so every contender meets the same times within a run.
 */

import { seededRandom } from 'tokenkeeper/testing';

export interface ArrivalOptions {
  readonly seed: number;
  readonly requests: number;
  /** Length of the whole period in ms. */
  readonly durationMs: number;
  /** The period is cut into slots of this length... @default 5 minutes */
  readonly slotMs?: number;
  /** ...each busy with this probability (an idle slot has no requests). @default 0.7 */
  readonly busyShare?: number;
}

/**
 * `requests` times (ms from the start, ascending), spread uniformly over the busy slots: use
 * with pauses, some longer than a token's life, as a person using an app has.
 */
export function arrivalTimes(options: ArrivalOptions): number[] {
  const random = seededRandom(options.seed);
  const slotMs = options.slotMs ?? 5 * 60_000;
  const slots = Math.max(1, Math.floor(options.durationMs / slotMs));
  let busy = Array.from({ length: slots }, (_, i) => i).filter(
    () => random() < (options.busyShare ?? 0.7),
  );
  if (busy.length === 0) busy = [0];
  const times = Array.from({ length: options.requests }, () => {
    const slot = busy[Math.floor(random() * busy.length)] ?? 0;
    return slot * slotMs + random() * slotMs;
  });
  return times.sort((a, b) => a - b);
}

/**
 * The minimum the lifetimes allow: refreshes made by an oracle that refreshes only when a
 * request finds the token expired (at or after its expiry), instantly, for the same times.
 */
export function oracleRefreshes(
  times: readonly number[],
  signedInAt: number,
  ttlMs: number,
): number {
  let expiresAt = signedInAt + ttlMs;
  let refreshes = 0;
  for (const at of times) {
    if (at >= expiresAt) {
      refreshes++;
      expiresAt = at + ttlMs;
    }
  }
  return refreshes;
}
