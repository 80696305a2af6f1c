import { TokenResponseError } from './errors.js';
import { fingerprint } from './redact.js';

/**
 * A token response as RFC 6749 §5.1 defines it (what `/oauth/token` answers).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenResponse {
  access_token: string;
  /** Only `Bearer` is supported (case-insensitive); absent is read as `Bearer`. */
  token_type?: string;
  /** Seconds the access token is valid from the moment the response is received. */
  expires_in?: number | string;
  refresh_token?: string | null;
  scope?: string;
  id_token?: string;
  /** Seconds the refresh token is valid (a common extension, e.g. Keycloak). */
  refresh_expires_in?: number | string;
}

/** Tokens in tokenkeeper's own shape; an alternative to {@link TokenResponse}. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string | null;
  /** Seconds of validity from receipt. Preferred: immune to a wrong device clock. */
  expiresIn?: number;
  /** Absolute expiry in ms since the epoch, on this device's clock. */
  expiresAt?: number;
  tokenType?: string;
  scope?: string;
  idToken?: string;
  /** Seconds the refresh token is valid from receipt, when the server says. */
  refreshExpiresIn?: number;
  /**
   * The server's clock (ms since the epoch) when it issued these tokens, for example from the
   * response's `Date` header. Used only to read a JWT `exp` when no `expires_in` is given, so
   * a device whose clock is minutes off still refreshes on time.
   */
  serverTime?: number;
}

/** What `signIn` and a `refresh` function may hand over. */
export type TokenInput = TokenResponse | TokenSet;

/** Tokens as the session holds them: validated, with expiry on this device's clock. */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly tokenType: string;
  readonly scope: string | undefined;
  readonly idToken: string | undefined;
  /** Local time (ms) the tokens were received. */
  readonly receivedAt: number;
  /** Local time (ms) the access token expires; undefined when nobody said (opaque, sliding). */
  readonly expiresAt: number | undefined;
  /** Local time (ms) the refresh token expires, when the server said. */
  readonly refreshExpiresAt: number | undefined;
  /** Fingerprint of the access token: safe to log and compare. */
  readonly fingerprint: string;
}

/** Longest lifetime accepted for a token; anything longer is treated as a broken response. */
export const MAX_LIFETIME_SECONDS = 5 * 366 * 24 * 3600;
const MAX_TOKEN_LENGTH = 16 * 1024;
// Visible ASCII only: a token goes into an HTTP header, so whitespace or control characters
// would allow header injection or break the request.
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

function fail(
  problem: ConstructorParameters<typeof TokenResponseError>[0],
  message: string,
): never {
  throw new TokenResponseError(problem, message);
}

function readToken(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) fail('missing_access_token', `Token response has no ${field}`);
    return undefined;
  }
  const problem = field === 'access_token' ? 'invalid_access_token' : 'invalid_refresh_token';
  if (typeof value !== 'string') fail(problem, `Token response ${field} is not a string`);
  if (value.length > MAX_TOKEN_LENGTH) fail(problem, `Token response ${field} is too long`);
  if (!TOKEN_CHARS.test(value)) fail(problem, `Token response ${field} has invalid characters`);
  return value;
}

function readSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_LIFETIME_SECONDS) {
    fail('invalid_expires_in', `Token response ${field} is not a positive number of seconds`);
  }
  return seconds;
}

function readString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail('invalid_field', `Token response ${field} is not a string`);
  return value;
}

interface JwtTimes {
  exp?: number;
  iat?: number;
}

function base64UrlDecode(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Reads `exp` and `iat` from a JWT's payload WITHOUT verifying it: only to schedule a refresh.
 * Returns undefined for opaque tokens or anything that does not decode.
 */
export function decodeJwtTimes(token: string): JwtTimes | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(base64UrlDecode(parts[1]));
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { exp, iat } = payload as Record<string, unknown>;
    const times: JwtTimes = {};
    if (typeof exp === 'number' && Number.isFinite(exp)) times.exp = exp;
    if (typeof iat === 'number' && Number.isFinite(iat)) times.iat = iat;
    return times;
  } catch {
    // Not a JWT after all (opaque token with dots): there is simply no expiry to read.
    return undefined;
  }
}

function expiryFromJwt(token: string, receivedAt: number, serverTime?: number): number | undefined {
  const times = decodeJwtTimes(token);
  if (times?.exp === undefined) return undefined;
  const expMs = times.exp * 1000;
  // Prefer durations measured on the server's own clock, re-based on our receipt time, so a
  // device clock that is minutes off does not move the refresh.
  if (serverTime !== undefined) return receivedAt + (expMs - serverTime);
  if (times.iat !== undefined) return receivedAt + (expMs - times.iat * 1000);
  return expMs;
}

/** A token response read and checked: every field of a {@link TokenSet}, none of them raw. */
export interface CheckedTokenSet {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number | undefined;
  readonly expiresAt: number | undefined;
  readonly refreshExpiresIn: number | undefined;
  readonly scope: string | undefined;
  readonly idToken: string | undefined;
  readonly serverTime: number | undefined;
}

/**
 * Reads a token response (RFC 6749 §5.1, snake_case) or a {@link TokenSet} (camelCase) once,
 * checking every field, and returns the checked value. Throws {@link TokenResponseError} with
 * a `problem` for anything malformed; the message never contains token text.
 */
export function readTokenSet(input: unknown): CheckedTokenSet {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail('not_object', 'Token response is not a JSON object');
  }
  const raw = input as Record<string, unknown>;
  const snake = 'access_token' in raw;
  const accessToken = readToken(snake ? raw.access_token : raw.accessToken, 'access_token', true)!;
  const refreshToken = readToken(
    snake ? raw.refresh_token : raw.refreshToken,
    'refresh_token',
    false,
  );
  const tokenType = readString(snake ? raw.token_type : raw.tokenType, 'token_type') ?? 'Bearer';
  if (tokenType.toLowerCase() !== 'bearer') {
    fail('invalid_token_type', 'Token response token_type is not Bearer');
  }
  const serverTime = snake ? undefined : raw.serverTime;
  if (
    serverTime !== undefined &&
    (typeof serverTime !== 'number' || !Number.isFinite(serverTime))
  ) {
    fail('invalid_field', 'Token serverTime is not a number');
  }
  const expiresAt = snake ? undefined : raw.expiresAt;
  if (
    expiresAt !== undefined &&
    (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt <= 0)
  ) {
    fail('invalid_expires_in', 'Token expiresAt is not a timestamp');
  }
  return {
    accessToken,
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: readSeconds(snake ? raw.expires_in : raw.expiresIn, 'expires_in'),
    expiresAt,
    refreshExpiresIn: readSeconds(
      snake ? raw.refresh_expires_in : raw.refreshExpiresIn,
      'refresh_expires_in',
    ),
    scope: readString(raw.scope, 'scope'),
    idToken: readString(snake ? raw.id_token : raw.idToken, 'id_token'),
    serverTime,
  };
}

/**
 * Places checked tokens on this device's clock: expiry from `expires_in` at receipt (else the
 * given `expiresAt`, else the JWT's `exp` measured on the server's clock), and the refresh
 * token kept from `previous` when the server did not rotate.
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
  // A server that does not rotate omits refresh_token: the previous one stays valid.
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
    tokenType: 'Bearer',
    scope: set.scope,
    idToken: set.idToken,
    receivedAt,
    expiresAt,
    refreshExpiresAt,
    fingerprint: fingerprint(accessToken),
  };
}

/** {@link readTokenSet} then {@link toTokens}: what `signIn` and a refresh's answer go through. */
export function parseTokenInput(
  input: unknown,
  receivedAt: number,
  options?: { previous?: Tokens },
): Tokens {
  return toTokens(readTokenSet(input), receivedAt, options);
}
