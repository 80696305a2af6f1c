import type { MiddlewareHandler } from 'hono';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { type Clock, systemClock } from '../clock.js';
import { type Duration, parseDuration } from '../duration.js';
import { BearerError } from '../errors.js';
import {
  type AccessTokenClaims,
  accessTokenType,
  isSessionId,
  signingAlgorithm,
} from './access-token.js';
import { bearerErrorResponse, readBearerToken } from './bearer.js';

/** Looks a session up; the token service implements it. */
export interface SessionChecker {
  /**
   * True while the session (family) `sid` is neither revoked nor past a deadline. With
   * `extend` in sliding mode it also moves the idle deadline (at most once per few seconds).
   */
  checkSession(sid: string, options: { extend: boolean }): Promise<boolean>;
}

/** Options of {@link createAccessTokenVerifier}. */
export interface AccessTokenVerifierOptions {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud` (one value the token's audience must contain). */
  audience: string;
  /**
   * Verification keys: a JWKS object, the URL of /.well-known/jwks.json (fetched and cached
   * by jose, one reload at a time), or a jose key resolver.
   */
  keys: JSONWebKeySet | URL | JWTVerifyGetKey;
  /** @default the system clock */
  clock?: Clock;
  /** Accepted clock skew for `exp`/`iat`. @default 0 */
  clockTolerance?: Duration;
  /**
   * When given, every verification also checks the session is alive, so a revoked or
   * idle-expired session's access tokens stop working at once.
   */
  session?: SessionChecker;
  /** With `session`: each verified call extends the idle deadline (sliding sessions). */
  sliding?: boolean;
  /** `realm` in WWW-Authenticate. @default 'tokenkeeper' */
  realm?: string;
}

/** Hono variables set by {@link AccessTokenVerifier.requireAuth}. */
export interface AuthVariables {
  auth: AccessTokenClaims;
}

/** Resource-server side: verifies access tokens framework-free or as hono middleware. */
export interface AccessTokenVerifier {
  /**
   * Verifies a bare access token and returns its claims (with `exp`, seconds since the epoch).
   * Throws a {@link BearerError} (`invalid_token`) for any token that must be refused.
   * WebSocket/GraphQL servers: call it on connect and close the socket at `exp`.
   */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /** Reads `Authorization: Bearer …` from a Web-standard Request and verifies it. */
  verifyRequest(request: Request, options?: { scope?: string }): Promise<AccessTokenClaims>;
  /** Hono middleware: 401/403 with RFC 6750 `WWW-Authenticate`, else sets `c.var.auth`. */
  requireAuth(options?: { scope?: string }): MiddlewareHandler<{ Variables: AuthVariables }>;
}

const maxTokenLength = 8192;

function invalid(description: string): BearerError {
  return new BearerError('invalid_token', description);
}

function checkClaims(payload: Record<string, unknown>): AccessTokenClaims {
  const { sub, jti, sid, client_id, client_type, scope } = payload;
  if (typeof sub !== 'string' || typeof jti !== 'string' || typeof client_id !== 'string') {
    throw invalid('access token lacks required claims');
  }
  if (!isSessionId(sid) || (client_type !== 'web' && client_type !== 'mobile')) {
    throw invalid('access token lacks required claims');
  }
  if (scope !== undefined && typeof scope !== 'string')
    throw invalid('access token scope is malformed');
  return payload as unknown as AccessTokenClaims;
}

function hasScope(claims: AccessTokenClaims, scope: string): boolean {
  return (claims.scope ?? '').split(' ').includes(scope);
}

/** Creates the resource-server verifier. Nothing is fetched until the first verification. */
export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  const clock = options.clock ?? systemClock;
  const tolerance = Math.floor(parseDuration(options.clockTolerance ?? 0, 'clockTolerance') / 1000);
  const realm = options.realm ?? 'tokenkeeper';
  const keys = options.keys;
  const lookUp: JWTVerifyGetKey =
    typeof keys === 'function'
      ? keys
      : keys instanceof URL
        ? createRemoteJWKSet(keys)
        : createLocalJWKSet(keys);
  // Every token we sign names its key. Without this, a key set of one key would verify a
  // token that names none (jose picks the only candidate).
  const getKey: JWTVerifyGetKey = (header, token) => {
    if (typeof header.kid !== 'string' || header.kid.length === 0) {
      throw invalid('access token names no key (kid)');
    }
    return lookUp(header, token);
  };

  const verifyAccessToken = async (token: string): Promise<AccessTokenClaims> => {
    if (token.length === 0 || token.length > maxTokenLength)
      throw invalid('access token is invalid');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: [signingAlgorithm],
        issuer: options.issuer,
        audience: options.audience,
        typ: accessTokenType,
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'sid'],
        currentDate: new Date(clock.now()),
        clockTolerance: tolerance,
      }));
    } catch (error) {
      // Only our own refusals and jose's verdicts about the token are refusals; anything else
      // (a failed JWKS fetch, a bug) is a server fault and propagates.
      if (error instanceof BearerError) throw error;
      if (error instanceof errors.JWTExpired) throw invalid('access token expired');
      if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) {
        throw invalid('access token is invalid');
      }
      throw error;
    }
    // jose checks iat only against a maxTokenAge; a token from the future is not one we issued
    // (or was signed by a clock that is wrong): refuse it beyond the tolerance.
    if ((payload.iat as number) > Math.floor(clock.now() / 1000) + tolerance) {
      throw invalid('access token issued in the future');
    }
    const claims = checkClaims(payload);
    if (options.session) {
      const alive = await options.session.checkSession(claims.sid, {
        extend: options.sliding ?? false,
      });
      if (!alive) throw invalid('session is no longer active');
    }
    return claims;
  };

  const verifyRequest = async (request: Request, opts?: { scope?: string }) => {
    const claims = await verifyAccessToken(readBearerToken(request.headers.get('authorization')));
    if (opts?.scope && !hasScope(claims, opts.scope)) {
      throw new BearerError('insufficient_scope', `scope "${opts.scope}" required`, {
        scope: opts.scope,
      });
    }
    return claims;
  };

  return {
    verifyAccessToken,
    verifyRequest,
    requireAuth(opts) {
      return async (c, next) => {
        try {
          c.set('auth', await verifyRequest(c.req.raw, opts));
        } catch (error) {
          if (error instanceof BearerError) return bearerErrorResponse(error, realm);
          throw error;
        }
        await next();
      };
    },
  };
}
