// tokenkeeper-server/verify: the face for resource servers that only verify access tokens.
// It loads the verifier, jose and the error family, and never the store (no PGlite, no pg):
// test/verify/entry.test.ts walks its import graph to keep it that way.

export type { ClientType } from '../client-type.js';
export type { Clock } from '../clock.js';
export type { Duration } from '../duration.js';
export {
  BearerError,
  type BearerErrorCode,
  isTokenServerError,
  TokenServerError,
  type TokenServerErrorCode,
} from '../errors.js';
export type { AccessTokenClaims } from './access-token.js';
export { bearerChallenge, bearerErrorResponse } from './bearer.js';
export {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AuthVariables,
  createAccessTokenVerifier,
  type SessionChecker,
} from './verifier.js';
