import {
  type AnyTokenkeeperError,
  ConfigError,
  DisposedError,
  isRetryableError,
  isTokenkeeperError,
  OfflineError,
  RefreshFailedError,
  RefreshRejectedError,
  RevokeFailedError,
  SessionExpiredError,
  SignedOutError,
  StorageError,
  TokenResponseError,
} from 'tokenkeeper';
import { describe, expect, it } from 'vitest';

/** Compiles only if `switch (error.code)` narrows every member without a cast. */
function describeError(error: AnyTokenkeeperError): string {
  switch (error.code) {
    case 'ERR_SESSION_EXPIRED':
      return `expired:${error.reason}`;
    case 'ERR_REFRESH_FAILED':
      return `failed:${error.kind}:${error.status ?? '-'}`;
    case 'ERR_REFRESH_REJECTED':
      return `rejected:${error.error}`;
    case 'ERR_INVALID_TOKEN_RESPONSE':
      return `response:${error.problem}`;
    case 'ERR_REVOKE_FAILED':
      return `revoke:${error.kind}:${error.error}`;
    case 'ERR_SIGNED_OUT':
    case 'ERR_OFFLINE':
    case 'ERR_INVALID_OPTIONS':
    case 'ERR_STORAGE':
    case 'ERR_DISPOSED':
      return error.code;
    default: {
      const unreachable: never = error;
      return unreachable;
    }
  }
}

describe('errors', () => {
  it('every subclass carries its literal code, and a switch narrows it', () => {
    const all: AnyTokenkeeperError[] = [
      new SessionExpiredError('idle'),
      new RefreshFailedError('server', 'HTTP 503', { status: 503 }),
      new RefreshRejectedError('invalid_grant'),
      new TokenResponseError('not_json', 'not JSON'),
      new SignedOutError(),
      new OfflineError(),
      new ConfigError('bad'),
      new StorageError('unreadable'),
      new DisposedError(),
      new RevokeFailedError('rejected', 'HTTP 401', { status: 401, error: 'invalid_client' }),
    ];
    expect(all.map(describeError)).toEqual([
      'expired:idle',
      'failed:server:503',
      'rejected:invalid_grant',
      'response:not_json',
      'ERR_SIGNED_OUT',
      'ERR_OFFLINE',
      'ERR_INVALID_OPTIONS',
      'ERR_STORAGE',
      'ERR_DISPOSED',
      'revoke:rejected:invalid_client',
    ]);
  });

  it('guards narrow by code and say what is retryable', () => {
    const error: unknown = new SessionExpiredError('invalid_grant');
    if (!isTokenkeeperError(error, 'ERR_SESSION_EXPIRED')) throw new Error('guard failed');
    expect(error.reason).toBe('invalid_grant');
    expect(isTokenkeeperError(new Error('x'))).toBe(false);
    expect(isRetryableError(new OfflineError())).toBe(true);
    expect(isRetryableError(new SessionExpiredError('idle'))).toBe(false);
  });
});
