import type { StoreOperations } from '../../store/operations.js';
import { familyFacts } from '../audit-writer.js';
import type { ServiceContext } from '../context.js';
import type { RefreshTokenParts } from '../tokens/refresh-token.js';
import type { RequestContext } from '../types.js';
import { granted, type RefreshOutcome, refused } from './outcome.js';
import { decideRefresh, type Presentation } from './rotation.js';

/**
 * After the one rotating statement found nothing to rotate: the token is not the current
 * generation, or the family is revoked or past a deadline. Reads the family once and answers
 * the pure decision; nothing here rotates.
 */
export async function settleRefresh(
  ctx: ServiceContext,
  tx: StoreOperations,
  parts: RefreshTokenParts,
  context: RequestContext,
  presented: Presentation,
): Promise<RefreshOutcome> {
  const { settings, tokens, audit } = ctx;
  const { now } = presented;
  const family = await tx.getFamily(parts.familyId);
  if (!family) {
    await audit.write(tx, context, { outcome: 'rejected', detail: 'unknown_token' });
    return refused('refresh token is invalid');
  }
  const facts = familyFacts(family, parts.generation);
  if (!tokens.isGenuine(family, parts)) {
    // Not reuse: a wrong MAC changes nothing, so a forged token cannot revoke a session.
    await audit.write(tx, context, { outcome: 'rejected', ...facts, detail: 'invalid_mac' });
    return refused('refresh token is invalid');
  }
  const decision = decideRefresh(family, presented, settings.reuseGraceMs);
  switch (decision.kind) {
    case 'rotate':
      // rotateCurrent refused a family that this later read (same transaction, READ
      // COMMITTED, rows only move forward) finds current and alive: a store fault.
      throw new Error('the conditional rotation refused a current, live family');
    case 'replay':
      await audit.write(tx, context, { outcome: 'grace_replay', ...facts });
      return granted(await tokens.issue(family, now));
    case 'lost_race':
      await audit.write(tx, context, { outcome: 'rejected', ...facts, detail: 'lost_race' });
      return refused('refresh token was rotated by a concurrent request');
    case 'reuse':
      if (!(await tx.revokeFamily(family.id, now, 'reuse'))) {
        // A concurrent request revoked it between the read and now, and owns that row.
        await audit.write(tx, context, {
          outcome: 'rejected',
          ...facts,
          detail: 'family_revoked',
        });
        return refused('the session has been revoked');
      }
      await audit.write(tx, context, {
        outcome: 'reuse_revoked',
        ...facts,
        detail: `current_generation=${family.generation}`,
      });
      return refused('refresh token was already used; the session has been revoked');
    case 'revoked':
      await audit.write(tx, context, { outcome: 'rejected', ...facts, detail: 'family_revoked' });
      return refused('the session has been revoked');
    case 'expired':
      await audit.write(tx, context, { outcome: 'expired', ...facts, detail: decision.which });
      return refused('the session has expired');
    case 'future':
      await audit.write(tx, context, {
        outcome: 'rejected',
        ...facts,
        detail: 'future_generation',
      });
      return refused('refresh token is invalid');
  }
}
