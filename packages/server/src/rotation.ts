import type { FamilyRecord } from './store/records.js';

/** What to do with a refresh token whose MAC checked out. */
export type RefreshDecision =
  /** It is the current generation: rotate to the next. */
  | { readonly kind: 'rotate' }
  /** The immediate predecessor inside the grace window: answer with the same successor. */
  | { readonly kind: 'replay' }
  /** Older than the predecessor, or the predecessor at/after the window: revoke the family. */
  | { readonly kind: 'reuse' }
  | { readonly kind: 'revoked' }
  | { readonly kind: 'expired'; readonly which: 'idle' | 'absolute' }
  /** Newer than the family's generation: only possible after a database restore. */
  | { readonly kind: 'future' };

/**
 * The rotation rule, pure. Generations are ordered by their counter, never by timestamps;
 * the only time comparisons are the deadlines and the grace window, all against `now`.
 * The window is half-open: a replay at exactly rotatedAt + grace is reuse, so grace 0
 * allows no replay at all.
 */
export function decideRefresh(
  family: FamilyRecord,
  presented: number,
  now: number,
  graceMs: number,
): RefreshDecision {
  if (family.revokedAt !== null) return { kind: 'revoked' };
  if (now >= family.absoluteExpiresAt) return { kind: 'expired', which: 'absolute' };
  if (now >= family.idleExpiresAt) return { kind: 'expired', which: 'idle' };
  if (presented === family.generation) return { kind: 'rotate' };
  if (presented > family.generation) return { kind: 'future' };
  // A request that read the clock before a concurrent rotation committed (or ran on an
  // instance whose clock lags) sees a negative age: it counts as age 0, so with grace 0 it is
  // still reuse and never a replay.
  const age = Math.max(0, now - family.rotatedAt);
  if (presented === family.generation - 1 && age < graceMs) {
    return { kind: 'replay' };
  }
  return { kind: 'reuse' };
}
