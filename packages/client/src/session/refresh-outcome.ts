/**
 * Sorting a failed refresh into the two outcomes that matter: rejected (the session is over)
 * or failed (keep the session, back off, try again). Rejected is not offline.
 */
import {
  type AnyTokenkeeperError,
  type ExpiredReason,
  isTokenkeeperError,
  RefreshFailedError,
  type RevokeFailureKind,
  TokenResponseError,
} from '../errors.js';
import { FINAL_OAUTH_ERRORS, oauthErrorOf } from '../oauth2/grant-errors.js';

export type RefreshOutcome =
  | { type: 'rejected'; reason: ExpiredReason; error: string }
  | { type: 'failed'; error: RefreshFailedError };

export function expiredReasonFor(error: string): ExpiredReason {
  if (error === 'invalid_grant') return 'invalid_grant';
  if (error === 'unauthorized') return 'unauthorized';
  return 'rejected';
}

interface HttpLikeError {
  status?: unknown;
  response?: { status?: unknown; data?: unknown };
}

/** Reads an HTTP status and OAuth error from errors thrown by axios, ky and similar clients. */
function httpDetails(error: unknown): { status?: number; oauthError?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as HttpLikeError;
  const status =
    typeof e.status === 'number'
      ? e.status
      : typeof e.response?.status === 'number'
        ? e.response.status
        : undefined;
  return { status, oauthError: oauthErrorOf(e.response?.data) };
}

/**
 * Classifies whatever a `refresh` function threw, reading the original error, and keeps only
 * `sanitize(error)` as the cause of what it returns (see `sanitizeError`).
 */
export function classifyRefreshError(
  error: unknown,
  timedOut: boolean,
  sanitize: (error: unknown) => unknown,
): RefreshOutcome {
  if (timedOut) {
    return { type: 'failed', error: new RefreshFailedError('timeout', 'Token refresh timed out') };
  }
  if (isTokenkeeperError(error)) return classifyOwn(error, sanitize);
  const { status, oauthError } = httpDetails(error);
  if (oauthError && FINAL_OAUTH_ERRORS.has(oauthError)) {
    return { type: 'rejected', reason: expiredReasonFor(oauthError), error: oauthError };
  }
  if (status === 401) return { type: 'rejected', reason: 'unauthorized', error: 'unauthorized' };
  if (status !== undefined) {
    const kind = status === 429 ? 'rate_limited' : status >= 500 ? 'server' : 'unknown';
    const message = `Token refresh failed with HTTP ${status}`;
    return {
      type: 'failed',
      error: new RefreshFailedError(kind, message, { status, cause: sanitize(error) }),
    };
  }
  // fetch rejects with a TypeError for network failures (DNS, refused, reset, offline).
  const kind = error instanceof TypeError ? 'network' : 'unknown';
  const message =
    kind === 'network' ? 'Token refresh failed: network error' : 'Token refresh failed';
  return {
    type: 'failed',
    error: new RefreshFailedError(kind, message, { cause: sanitize(error) }),
  };
}

function classifyOwn(
  error: AnyTokenkeeperError,
  sanitize: (error: unknown) => unknown,
): RefreshOutcome {
  // A user's refresh function builds these errors itself: whatever text it put in them passes
  // through the redaction before it reaches an event, a snapshot or a log line.
  const clean = (text: string) => String(sanitize(text));
  switch (error.code) {
    case 'ERR_REFRESH_REJECTED': {
      const code = clean(error.error);
      return { type: 'rejected', reason: expiredReasonFor(code), error: code };
    }
    case 'ERR_REFRESH_FAILED': {
      const failed = error;
      // A user's refresh function may have attached its own cause: keep only a safe copy.
      const copy = new RefreshFailedError(failed.kind, clean(failed.message), {
        status: failed.status,
        retryAfter: failed.retryAfter,
        cause: failed.cause === undefined ? undefined : sanitize(failed.cause),
      });
      return { type: 'failed', error: copy };
    }
    case 'ERR_INVALID_TOKEN_RESPONSE': {
      // The cause stays a TokenResponseError, with its code and problem, for callers to read.
      const { problem } = error;
      const message = clean(error.message);
      // A server that answers bearer tokens to a DPoP request will go on doing so: the session
      // ends rather than degrade to tokens a thief could use.
      if (problem === 'token_type_downgrade') {
        return { type: 'rejected', reason: 'rejected', error: 'token_type_downgrade' };
      }
      return {
        type: 'failed',
        error: new RefreshFailedError('invalid_response', message, {
          cause: new TokenResponseError(problem, message),
        }),
      };
    }
    default:
      return {
        type: 'failed',
        error: new RefreshFailedError('unknown', 'Token refresh failed', {
          cause: sanitize(error),
        }),
      };
  }
}

/** What a failed revocation is reported as (`revokeFailed`): never the error's text. */
export function classifyRevokeError(
  error: unknown,
  timedOut: boolean,
): { kind: RevokeFailureKind; status: number | undefined; error: string | undefined } {
  if (isTokenkeeperError(error, 'ERR_REVOKE_FAILED')) {
    return { kind: error.kind, status: error.status, error: errorCode(error.error) };
  }
  if (timedOut) return { kind: 'timeout', status: undefined, error: undefined };
  const { status, oauthError } = httpDetails(error);
  if (status !== undefined) {
    const kind = status >= 500 || status === 429 ? 'server' : 'rejected';
    return { kind, status, error: oauthError };
  }
  return {
    kind: error instanceof TypeError ? 'network' : 'unknown',
    status: undefined,
    error: undefined,
  };
}

/** An OAuth error code as servers send them (RFC 6749 §5.2: a short ASCII word), else nothing. */
function errorCode(code: string | undefined): string | undefined {
  return code !== undefined && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : undefined;
}
