/**
 * A verifier that also refuses access tokens revoked by id (`jti`), as a resource server does
 * after "sign out this device" or a password change. The demo uses it to reproduce seed 001:
 * every request in flight meets a 401 for the same token at once.
 */
import { type AccessTokenVerifier, BearerError } from 'tokenkeeper-server/verify';

export interface RevocableVerifier extends AccessTokenVerifier {
  /** Refuses this token id from now on. */
  revoke(jti: string): void;
}

export function revocableVerifier(base: AccessTokenVerifier): RevocableVerifier {
  const revoked = new Set<string>();
  const check = <T extends { jti: string }>(claims: T): T => {
    if (revoked.has(claims.jti))
      throw new BearerError('invalid_token', 'the access token was revoked');
    return claims;
  };
  return {
    revoke: (jti) => {
      revoked.add(jti);
    },
    verifyAccessToken: async (token) => check(await base.verifyAccessToken(token)),
    verifyRequest: async (request, options) => check(await base.verifyRequest(request, options)),
    requireAuth: (options) => base.requireAuth(options),
  };
}
