/**
 * Reading a token response once into a checked value. What decides whether a session can go on
 * is fatal when broken (the access token, the refresh token, the token type); every optional
 * field that a provider sends in its own way (`expires_in` as text or nonsense, Keycloak's
 * `refresh_expires_in: 0`, a scope array, `user`, `session_state`, ...) is ignored instead:
 * an odd optional field must never end a session.
 */
import { TokenResponseError, type TokenResponseProblem } from '../errors.js';

/** Longest lifetime accepted for a token; anything longer is ignored as nonsense. */
export const MAX_LIFETIME_SECONDS = 5 * 366 * 24 * 3600;
const MAX_TOKEN_LENGTH = 16 * 1024;
// Visible ASCII only: a token goes into an HTTP header, so whitespace or control characters
// would allow header injection or break the request.
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

/** A token response read and checked: every field of a `TokenSet`, none of them raw. */
export interface CheckedTokenSet {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** `DPoP` for tokens bound to the client's key (RFC 9449), else `Bearer`. */
  readonly tokenType: 'Bearer' | 'DPoP';
  readonly expiresIn: number | undefined;
  readonly expiresAt: number | undefined;
  readonly refreshExpiresIn: number | undefined;
  readonly scope: string | undefined;
  readonly idToken: string | undefined;
  readonly serverTime: number | undefined;
}

const ROTATED = Symbol.for('tokenkeeper.rotatedRefreshToken');

/**
 * The new refresh token of an answer that was otherwise unusable (no access token, say). The
 * server has rotated by then: the old refresh token is dead, and only this one can continue
 * the session. Kept off the error's enumerable properties, so it never reaches a log.
 */
export function rotatedRefreshTokenOf(error: unknown): string | undefined {
  const value = (error as { [ROTATED]?: unknown } | null | undefined)?.[ROTATED];
  return typeof value === 'string' ? value : undefined;
}

function fail(problem: TokenResponseProblem, message: string, rotated?: string): never {
  const error = new TokenResponseError(problem, message);
  if (rotated !== undefined) Object.defineProperty(error, ROTATED, { value: rotated });
  throw error;
}

/** A token value, or the problem that makes it unusable. */
function tokenProblem(value: unknown): 'missing' | 'type' | 'length' | 'chars' | undefined {
  if (value === undefined || value === null || value === '') return 'missing';
  if (typeof value !== 'string') return 'type';
  if (value.length > MAX_TOKEN_LENGTH) return 'length';
  if (!TOKEN_CHARS.test(value)) return 'chars';
  return undefined;
}

const problemText = {
  type: 'is not a string',
  length: 'is too long',
  chars: 'has invalid characters',
};

/** Seconds, or undefined when absent or unusable (ignored, not fatal). */
function readSeconds(value: unknown): number | undefined {
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 && seconds <= MAX_LIFETIME_SECONDS
    ? seconds
    : undefined;
}

const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);
const finiteNumber = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

/**
 * Reads a token response (RFC 6749 §5.1, snake_case) or a `TokenSet` (camelCase) once and
 * returns the checked value. Throws {@link TokenResponseError} with a `problem` when the
 * access token, the refresh token or the token type is unusable; the message never contains
 * token text. When the refresh token is good but the rest is not, the error still carries it
 * (see {@link rotatedRefreshTokenOf}).
 */
export function readTokenSet(input: unknown): CheckedTokenSet {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail('not_object', 'Token response is not a JSON object');
  }
  const raw = input as Record<string, unknown>;
  const snake = 'access_token' in raw || !('accessToken' in raw);
  const refreshValue = snake ? raw.refresh_token : raw.refreshToken;
  const refreshIssue = tokenProblem(refreshValue);
  if (refreshIssue !== undefined && refreshIssue !== 'missing') {
    fail('invalid_refresh_token', `Token response refresh_token ${problemText[refreshIssue]}`);
  }
  const refreshToken = refreshIssue === 'missing' ? undefined : (refreshValue as string);
  const accessValue = snake ? raw.access_token : raw.accessToken;
  const accessIssue = tokenProblem(accessValue);
  if (accessIssue === 'missing') {
    fail('missing_access_token', 'Token response has no access_token', refreshToken);
  }
  if (accessIssue !== undefined) {
    fail(
      'invalid_access_token',
      `Token response access_token ${problemText[accessIssue]}`,
      refreshToken,
    );
  }
  const tokenType = (
    optionalString(snake ? raw.token_type : raw.tokenType) ?? 'Bearer'
  ).toLowerCase();
  if (tokenType !== 'bearer' && tokenType !== 'dpop') {
    fail(
      'invalid_token_type',
      'Token response token_type is neither Bearer nor DPoP',
      refreshToken,
    );
  }
  return {
    accessToken: accessValue as string,
    refreshToken,
    tokenType: tokenType === 'dpop' ? 'DPoP' : 'Bearer',
    expiresIn: readSeconds(snake ? raw.expires_in : raw.expiresIn),
    expiresAt: snake ? undefined : finiteNumber(raw.expiresAt),
    // Keycloak's offline tokens answer 0: no advertised expiry, which is what undefined means.
    refreshExpiresIn: readSeconds(snake ? raw.refresh_expires_in : raw.refreshExpiresIn),
    scope: optionalString(raw.scope),
    idToken: optionalString(snake ? raw.id_token : raw.idToken),
    serverTime: snake ? undefined : finiteNumber(raw.serverTime),
  };
}
