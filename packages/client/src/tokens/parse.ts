/**
 * Placing checked tokens on this device's clock: what `signIn` and every refresh answer go
 * through before the session holds them.
 */
import { fingerprint } from '../redact.js';
import { expiryFromJwt } from './jwt.js';
import { type CheckedTokenSet, readTokenSet } from './read.js';
import type { Tokens } from './types.js';

/**
 * Expiry from `expires_in` at receipt (else the given `expiresAt`, else the JWT's `exp`
 * measured on the server's clock), and the refresh token kept from `previous` when the server
 * did not rotate.
 */
export function toTokens(
  set: CheckedTokenSet,
  receivedAt: number,
  options?: { previous?: Tokens },
): Tokens {
  const { accessToken, refreshToken, expiresIn, refreshExpiresIn } = set;
  const expiresAt =
    expiresIn !== undefined
      ? receivedAt + expiresIn * 1000
      : (set.expiresAt ?? expiryFromJwt(accessToken, receivedAt, set.serverTime));
  // A server that does not rotate omits refresh_token (Cognito, Google): the previous one stays.
  const previous = options?.previous;
  const refreshExpiresAt =
    refreshExpiresIn !== undefined
      ? receivedAt + refreshExpiresIn * 1000
      : refreshToken === undefined
        ? previous?.refreshExpiresAt
        : undefined;
  return {
    accessToken,
    refreshToken: refreshToken ?? previous?.refreshToken,
    tokenType: set.tokenType,
    scope: set.scope,
    idToken: set.idToken,
    receivedAt,
    expiresAt,
    refreshExpiresAt,
    fingerprint: fingerprint(accessToken),
  };
}

/** `readTokenSet` then `toTokens`. */
export function parseTokenInput(
  input: unknown,
  receivedAt: number,
  options?: { previous?: Tokens },
): Tokens {
  return toTokens(readTokenSet(input), receivedAt, options);
}
