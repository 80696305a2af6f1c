import { BearerError } from '../errors.js';
import type { AccessTokenVerifier } from '../verify/verifier.js';
import { familyFacts } from './audit-writer.js';
import type { ServiceContext } from './context.js';
import { decodeRefreshToken } from './tokens/refresh-token.js';
import type { RequestContext } from './types.js';

/** RFC 7009 revocation: revokes the family of a refresh or access token; unknown tokens are
 * ignored. */
export type Revoke = (token: string, context?: RequestContext) => Promise<void>;

/** `accessVerifier` checks signature and claims only: no session look-up, no sliding touch. */
export function createRevoke(ctx: ServiceContext, accessVerifier: AccessTokenVerifier): Revoke {
  const { store, settings, tokens, audit } = ctx;

  const familyOf = async (token: string): Promise<string | undefined> => {
    const parts = decodeRefreshToken(token);
    if (parts) return (await tokens.authenticate(store, parts))?.id;
    if (token.split('.').length !== 3) return undefined;
    try {
      return (await accessVerifier.verifyAccessToken(token)).sid;
    } catch (error) {
      if (!(error instanceof BearerError)) throw error;
      return undefined;
    }
  };

  return async (token, context = {}) => {
    const id = await familyOf(token);
    if (!id) return;
    const parts = decodeRefreshToken(token);
    await store.transaction(async (tx) => {
      const now = settings.clock.now();
      const changed = await tx.revokeFamily(id, now, 'revoked');
      const family = await tx.getFamily(id);
      // Deleted (its user was removed): nothing left to revoke, and RFC 7009 answers 200.
      if (!family) return;
      await audit.write(tx, context, {
        outcome: 'revoke',
        ...familyFacts(family, parts?.generation ?? family.generation),
        detail: changed ? null : 'already_revoked',
      });
    });
  };
}
