import { OAuthError } from '../../errors.js';
import type { FamilyRecord } from '../../store/records.js';
import { familyFacts } from '../audit-writer.js';
import type { ServiceContext } from '../context.js';
import { decodeRefreshToken, type RefreshTokenParts } from '../tokens/refresh-token.js';
import type { RequestContext, TokenResponse } from '../types.js';
import { granted, type RefreshOutcome, refused } from './outcome.js';
import { settleRefresh } from './settle.js';

/** The refresh grant: rotates the family, replays to a racing or retrying predecessor, or
 * revokes on reuse. */
export type Refresh = (refreshToken: string, context?: RequestContext) => Promise<TokenResponse>;

/** Thrown inside the rotation transaction to undo a rotation whose MAC was wrong. */
class ForgedToken extends Error {
  constructor(readonly family: FamilyRecord) {
    super('refresh token MAC mismatch');
  }
}

export function createRefresh(ctx: ServiceContext): Refresh {
  const { store, settings, tokens, audit } = ctx;
  const { clock } = settings;

  /** One transaction: the rotation, or the settling read. */
  const attempt = (
    parts: RefreshTokenParts | null,
    context: RequestContext,
    startedAt: number,
  ): Promise<RefreshOutcome> =>
    store.transaction(async (tx): Promise<RefreshOutcome> => {
      if (!parts) {
        await audit.write(tx, context, { outcome: 'rejected', detail: 'malformed_token' });
        return refused('refresh token is invalid');
      }
      // The one place that rotates: one statement advances the generation and writes the
      // audit row; the MAC is checked on the row it returns, and a mismatch rolls the whole
      // transaction back. Anything else (replay, reuse, expiry) is settled by a read.
      // The rotation's time is read here, as close to its commit as it can be, so that
      // requests still in flight when it commits count as having begun before it.
      const now = clock.now();
      const moved = await tx.rotateCurrent({
        id: parts.familyId,
        from: parts.generation,
        now,
        ip: context.ip ?? null,
        userAgent: context.userAgent ?? null,
        requestId: context.requestId ?? null,
      });
      if (moved) {
        if (!tokens.isGenuine(moved, parts)) throw new ForgedToken(moved);
        return granted(await tokens.issue(moved, now));
      }
      return settleRefresh(ctx, tx, parts, context, {
        generation: parts.generation,
        startedAt,
        now,
      });
    });

  return async (refreshToken, context = {}) => {
    // When this presentation began: a rotation whose time is not earlier than this happened
    // while it was in flight, so losing to it is a race, not reuse.
    const startedAt = clock.now();
    const parts = decodeRefreshToken(refreshToken);
    let outcome: RefreshOutcome;
    try {
      outcome = await attempt(parts, context, startedAt);
    } catch (error) {
      if (!(error instanceof ForgedToken) || !parts) throw error;
      // The rotation rolled back; the refusal is recorded against the family it aimed at.
      await audit.write(store, context, {
        outcome: 'rejected',
        ...familyFacts(error.family, parts.generation),
        detail: 'invalid_mac',
      });
      outcome = refused('refresh token is invalid');
    }
    // Thrown after COMMIT: a reuse revocation and its audit row stay although this fails.
    if (!outcome.ok) throw new OAuthError('invalid_grant', outcome.description);
    return outcome.response;
  };
}
