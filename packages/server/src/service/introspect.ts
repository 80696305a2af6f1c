import { BearerError } from '../errors.js';
import type { AccessTokenVerifier } from '../verify/verifier.js';
import type { ServiceContext } from './context.js';
import { decideRefresh } from './refresh/rotation.js';
import { decodeRefreshToken } from './tokens/refresh-token.js';
import type { IntrospectionResponse } from './types.js';

/** RFC 7662 introspection of a refresh or access token. */
export type Introspect = (token: string) => Promise<IntrospectionResponse>;

/** `verifier` must check the session and never extend it. */
export function createIntrospect(ctx: ServiceContext, verifier: AccessTokenVerifier): Introspect {
  const { store, settings, tokens } = ctx;
  return async (token) => {
    const now = settings.clock.now();
    const parts = decodeRefreshToken(token);
    if (parts) {
      const family = await tokens.authenticate(store, parts);
      if (!family) return { active: false };
      const presented = { generation: parts.generation, startedAt: now, now };
      const decision = decideRefresh(family, presented, settings.reuseGraceMs);
      if (decision.kind !== 'rotate' && decision.kind !== 'replay') return { active: false };
      return {
        active: true,
        token_use: 'refresh_token',
        iss: settings.issuer,
        sub: family.userId,
        client_id: family.clientType,
        client_type: family.clientType,
        sid: family.id,
        ...(family.scope ? { scope: family.scope } : {}),
        exp: Math.floor(Math.min(family.idleExpiresAt, family.absoluteExpiresAt) / 1000),
        iat: Math.floor(family.rotatedAt / 1000),
      };
    }
    try {
      const claims = await verifier.verifyAccessToken(token);
      return { active: true, token_use: 'access_token', token_type: 'Bearer', ...claims };
    } catch (error) {
      if (error instanceof BearerError) return { active: false };
      throw error;
    }
  };
}
