import type {
  ExpiredReason,
  RefreshFailedError,
  RevokeFailureKind,
  StorageError,
} from './errors.js';

/**
 * Why a refresh ran.
 * - `proactive`: the token neared expiry while the session was in use.
 * - `demand`: a caller needed a token and the current one was no longer usable.
 * - `unauthorized`: a transport reported a 401 for the current token.
 * - `resume`: the app came back to the foreground (or tab became visible) past the refresh point,
 *   or a sliding session resumed and extends itself.
 * - `online`: connectivity returned while a refresh was due.
 * - `extend`: `extend()` was called, or `autoExtend` answered an `expiring` warning.
 */
export type RefreshReason =
  | 'proactive'
  | 'demand'
  | 'unauthorized'
  | 'resume'
  | 'online'
  | 'extend';

/**
 * Everything a session tells its subscribers. Payloads carry fingerprints, never tokens.
 * Times are ms since the epoch on the session's clock.
 */
export type SessionEvent =
  | { type: 'signedIn'; fingerprint: string; expiresAt: number | undefined; remote: boolean }
  | { type: 'restored'; fingerprint: string; expiresAt: number | undefined }
  | { type: 'refreshing'; reason: RefreshReason; attempt: number }
  | {
      type: 'refreshed';
      /** `remote`: another tab or process refreshed and this session adopted its tokens. */
      reason: RefreshReason | 'remote';
      fingerprint: string;
      previousFingerprint: string | undefined;
      expiresAt: number | undefined;
    }
  | {
      type: 'refreshFailed';
      reason: RefreshReason;
      error: RefreshFailedError;
      /** Consecutive failures so far. */
      attempt: number;
      /** No new attempt before this time. */
      retryAt: number | undefined;
    }
  | { type: 'unauthorized'; fingerprint: string; stale: boolean }
  | {
      type: 'expiring';
      /** Milliseconds left before the idle deadline: drive a visible countdown with it. */
      remaining: number;
      deadline: number;
    }
  | { type: 'expired'; reason: ExpiredReason; error: string | undefined; remote: boolean }
  | { type: 'signedOut'; remote: boolean }
  | { type: 'storageError'; error: StorageError }
  | {
      /**
       * Revoking the ended session at the server failed (`revoke` option): the grant may still
       * be alive there. The user is signed out here whatever the server said.
       */
      type: 'revokeFailed';
      /** Why the session was revoked: `signOut()`, or this device's idle timeout. */
      reason: 'signOut' | 'idle';
      /** Fingerprint of the access token of the ended session. */
      fingerprint: string;
      kind: RevokeFailureKind;
      status: number | undefined;
      /** The OAuth error code of the answer (`invalid_client` for a missing client secret, ...). */
      error: string | undefined;
    }
  | { type: 'paused' }
  | { type: 'resumed'; awayMs: number }
  | { type: 'online' }
  | { type: 'offline' };

/** The `type` of every {@link SessionEvent}. */
export type SessionEventType = SessionEvent['type'];
