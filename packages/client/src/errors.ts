/**
 * One error channel: everything tokenkeeper throws or rejects with is a {@link TokenkeeperError}
 * whose `code` a `switch` can narrow. Messages name the operation, never a token or a body.
 */

/** Every code a {@link TokenkeeperError} can carry. */
export type ErrorCode =
  | 'ERR_SIGNED_OUT'
  | 'ERR_SESSION_EXPIRED'
  | 'ERR_REFRESH_FAILED'
  | 'ERR_REFRESH_REJECTED'
  | 'ERR_OFFLINE'
  | 'ERR_INVALID_TOKEN_RESPONSE'
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_STORAGE'
  | 'ERR_REVOKE_FAILED'
  | 'ERR_DISPOSED';

/**
 * Why a session ended without the user signing out.
 * - `invalid_grant`: the token endpoint rejected the refresh token (RFC 6749 §5.2), e.g. it was
 *   revoked, rotated away or expired server-side.
 * - `unauthorized`: the token endpoint answered 401 without an OAuth error body.
 * - `rejected`: another final OAuth error (`invalid_client`, `unauthorized_client`, ...).
 * - `idle`: the sliding session's idle deadline passed (`idleTimeout`).
 * - `refresh_token_expired`: the refresh token's own lifetime, when the server told it, ran out.
 * - `token_expired`: the access token expired and the session has no `refresh` option.
 */
export type ExpiredReason =
  | 'invalid_grant'
  | 'unauthorized'
  | 'rejected'
  | 'idle'
  | 'refresh_token_expired'
  | 'token_expired';

/** Why a refresh attempt failed without ending the session. */
export type RefreshFailureKind =
  | 'network'
  | 'timeout'
  | 'server'
  | 'rate_limited'
  | 'invalid_response'
  | 'unknown';

const BRAND = Symbol.for('tokenkeeper.error');

/** Base class of every error tokenkeeper produces. */
export class TokenkeeperError extends Error {
  override name = 'TokenkeeperError';
  readonly code: ErrorCode;
  /** True when trying again later may succeed (the session is still alive). */
  readonly retryable: boolean;
  declare readonly [BRAND]: true;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options?.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** The session is signed out (never signed in, or `signOut()` was called). */
export class SignedOutError extends TokenkeeperError {
  override name = 'SignedOutError';
  declare readonly code: 'ERR_SIGNED_OUT';
  constructor(message = 'The session is signed out') {
    super('ERR_SIGNED_OUT', message);
  }
}

/** The session ended: the server rejected the refresh token, or the idle deadline passed. */
export class SessionExpiredError extends TokenkeeperError {
  override name = 'SessionExpiredError';
  declare readonly code: 'ERR_SESSION_EXPIRED';
  readonly reason: ExpiredReason;
  constructor(reason: ExpiredReason, options?: { cause?: unknown }) {
    super('ERR_SESSION_EXPIRED', `The session expired (${reason})`, options);
    this.reason = reason;
  }
}

/**
 * A refresh attempt failed for a reason that does not end the session (network, timeout, 5xx,
 * 429, a malformed answer). The session retries with backoff; callers may try again.
 */
export class RefreshFailedError extends TokenkeeperError {
  override name = 'RefreshFailedError';
  declare readonly code: 'ERR_REFRESH_FAILED';
  readonly kind: RefreshFailureKind;
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;
  /** Server-requested delay (`Retry-After`) in milliseconds, when there was one. */
  readonly retryAfter: number | undefined;
  /** Local time (ms) before which the session will not try again, when known. */
  readonly retryAt: number | undefined;
  constructor(
    kind: RefreshFailureKind,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfter?: number; retryAt?: number },
  ) {
    super('ERR_REFRESH_FAILED', message, { cause: options?.cause, retryable: true });
    this.kind = kind;
    this.status = options?.status;
    this.retryAfter = options?.retryAfter;
    this.retryAt = options?.retryAt;
  }
}

/**
 * The token endpoint refused the refresh for good (RFC 6749 §5.2 error, or a 401). Throw it from
 * a custom `refresh` function to end the session; `oauth2Refresh` throws it for you.
 * @example throw new RefreshRejectedError('invalid_grant', { status: 400 })
 */
export class RefreshRejectedError extends TokenkeeperError {
  override name = 'RefreshRejectedError';
  declare readonly code: 'ERR_REFRESH_REJECTED';
  /** The OAuth error code, such as `invalid_grant`, or `unauthorized` for a bare 401. */
  readonly error: string;
  readonly status: number | undefined;
  constructor(error: string, options?: { status?: number; cause?: unknown }) {
    super('ERR_REFRESH_REJECTED', `The token endpoint rejected the refresh (${error})`, options);
    this.error = error;
    this.status = options?.status;
  }
}

/** The platform reports no network, and the current token cannot be used. */
export class OfflineError extends TokenkeeperError {
  override name = 'OfflineError';
  declare readonly code: 'ERR_OFFLINE';
  constructor() {
    super('ERR_OFFLINE', 'Offline: the access token needs a refresh that cannot run now', {
      retryable: true,
    });
  }
}

/** What exactly was wrong with a token response. */
export type TokenResponseProblem =
  | 'not_json'
  | 'not_object'
  | 'missing_access_token'
  | 'invalid_access_token'
  | 'invalid_token_type'
  | 'token_type_downgrade'
  | 'invalid_expires_in'
  | 'invalid_refresh_token'
  | 'invalid_field';

/** A token response (or `signIn` input) that does not have the shape RFC 6749 §5.1 asks for. */
export class TokenResponseError extends TokenkeeperError {
  override name = 'TokenResponseError';
  declare readonly code: 'ERR_INVALID_TOKEN_RESPONSE';
  readonly problem: TokenResponseProblem;
  constructor(problem: TokenResponseProblem, message: string) {
    super('ERR_INVALID_TOKEN_RESPONSE', message);
    this.problem = problem;
  }
}

/** An option passed to a tokenkeeper factory is invalid. */
export class ConfigError extends TokenkeeperError {
  override name = 'ConfigError';
  declare readonly code: 'ERR_INVALID_OPTIONS';
  constructor(message: string) {
    super('ERR_INVALID_OPTIONS', message);
  }
}

/** Stored session data could not be read, decrypted or written. */
export class StorageError extends TokenkeeperError {
  override name = 'StorageError';
  declare readonly code: 'ERR_STORAGE';
  /**
   * @param options.retryable the store is unavailable for now rather than its data unreadable:
   *   an iOS keychain locked during a background launch, say.
   */
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super('ERR_STORAGE', message, options);
  }
}

/** Why telling the server that a session ended (RFC 7009 revocation) did not work. */
export type RevokeFailureKind = 'rejected' | 'server' | 'network' | 'timeout' | 'unknown';

/**
 * The revocation endpoint did not confirm the revocation: the grant may still be alive at the
 * server although the session ended here. `oauth2Revoke` throws it; the session reports it as
 * a `revokeFailed` event.
 */
export class RevokeFailedError extends TokenkeeperError {
  override name = 'RevokeFailedError';
  declare readonly code: 'ERR_REVOKE_FAILED';
  readonly kind: RevokeFailureKind;
  /** HTTP status of the endpoint's answer, when there was one. */
  readonly status: number | undefined;
  /** The OAuth error code of the answer (`invalid_client`, ...), when it had one. */
  readonly error: string | undefined;
  constructor(
    kind: RevokeFailureKind,
    message: string,
    options?: { status?: number; error?: string; cause?: unknown },
  ) {
    super('ERR_REVOKE_FAILED', message, { cause: options?.cause });
    this.kind = kind;
    this.status = options?.status;
    this.error = options?.error;
  }
}

/** The session was disposed while the call was pending, or the call came after `dispose()`. */
export class DisposedError extends TokenkeeperError {
  override name = 'DisposedError';
  declare readonly code: 'ERR_DISPOSED';
  constructor() {
    super('ERR_DISPOSED', 'The session was disposed');
  }
}

/**
 * Every error tokenkeeper produces, as a union a `switch (error.code)` narrows without casts.
 * @example
 * if (isTokenkeeperError(error)) {
 *   switch (error.code) {
 *     case 'ERR_SESSION_EXPIRED': return showSignIn(error.reason);
 *     case 'ERR_REFRESH_FAILED': return retryLater(error.retryAt);
 *   }
 * }
 */
export type AnyTokenkeeperError =
  | SignedOutError
  | SessionExpiredError
  | RefreshFailedError
  | RefreshRejectedError
  | OfflineError
  | TokenResponseError
  | ConfigError
  | StorageError
  | RevokeFailedError
  | DisposedError;

/** True for any error tokenkeeper produced, across realms and duplicate copies of the library. */
export function isTokenkeeperError<C extends ErrorCode>(
  error: unknown,
  code: C,
): error is Extract<AnyTokenkeeperError, { code: C }>;
export function isTokenkeeperError(error: unknown): error is AnyTokenkeeperError;
export function isTokenkeeperError(error: unknown, code?: ErrorCode): error is AnyTokenkeeperError {
  if (typeof error !== 'object' || error === null) return false;
  if (!(error instanceof TokenkeeperError) && (error as { [BRAND]?: unknown })[BRAND] !== true) {
    return false;
  }
  return code === undefined || (error as TokenkeeperError).code === code;
}

/** True when the session has ended (`SessionExpiredError`). */
export function isSessionExpiredError(error: unknown): error is SessionExpiredError {
  return isTokenkeeperError(error, 'ERR_SESSION_EXPIRED');
}

/** True when the failure is temporary and the session is still alive. */
export function isRetryableError(error: unknown): error is AnyTokenkeeperError {
  return isTokenkeeperError(error) && error.retryable;
}
