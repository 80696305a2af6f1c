import type { FamilyRecord } from '../../store/records.js';

/** What to do with a refresh token whose MAC checked out. */
export type RefreshDecision =
  /** It is the current generation: rotate to the next. */
  | { readonly kind: 'rotate' }
  /**
   * The immediate predecessor, presented inside the grace window or by a request that began
   * before the rotation: answer with the same successor.
   */
  | { readonly kind: 'replay' }
  /**
   * Grace 0 only: the immediate predecessor, presented by a request that began before the
   * rotation (it lost a race to it). Refused; the family stays valid.
   */
  | { readonly kind: 'lost_race' }
  /**
   * Older than the predecessor, or the predecessor presented by a request that began after the
   * rotation, at or after the end of the window: revoke the family.
   */
  | { readonly kind: 'reuse' }
  | { readonly kind: 'revoked' }
  | { readonly kind: 'expired'; readonly which: 'idle' | 'absolute' }
  /** Newer than the family's generation: only possible after a database restore. */
  | { readonly kind: 'future' };

/** One presentation of a refresh token, with its two times (epoch ms of the injected clock). */
export interface Presentation {
  /** The generation the token carries. */
  readonly generation: number;
  /** When the request began: the clock read before its transaction. */
  readonly startedAt: number;
  /** When it is decided (inside the transaction); deadlines are checked against it. */
  readonly now: number;
}

/**
 * The rotation rule, pure. Generations are ordered by their counter, never by timestamps:
 * anything older than the immediate predecessor is reuse whatever the clocks say. Times decide
 * only the deadlines (against `now`) and, for the immediate predecessor, whether its request
 * lost a race or came back later:
 *
 * - began at or before the rotation (`startedAt <= rotatedAt`; the rotation's time is read
 *   inside its transaction, just before it commits): it was in flight when the rotation
 *   happened, so it lost a race. With a grace window it gets the same successor; with grace 0
 *   it is refused and the family stays valid.
 * - began after the rotation: a replay strictly inside the window (`startedAt - rotatedAt <
 *   grace`), reuse at or after its end, so with grace 0 always reuse.
 *
 * Ties (the same millisecond) count as a lost race: such a request cannot have seen the
 * rotation's answer.
 */
export function decideRefresh(
  family: FamilyRecord,
  presented: Presentation,
  graceMs: number,
): RefreshDecision {
  if (family.revokedAt !== null) return { kind: 'revoked' };
  if (presented.now >= family.absoluteExpiresAt) return { kind: 'expired', which: 'absolute' };
  if (presented.now >= family.idleExpiresAt) return { kind: 'expired', which: 'idle' };
  if (presented.generation === family.generation) return { kind: 'rotate' };
  if (presented.generation > family.generation) return { kind: 'future' };
  if (presented.generation !== family.generation - 1) return { kind: 'reuse' };
  const age = presented.startedAt - family.rotatedAt;
  if (age <= 0) return graceMs > 0 ? { kind: 'replay' } : { kind: 'lost_race' };
  return age < graceMs ? { kind: 'replay' } : { kind: 'reuse' };
}
