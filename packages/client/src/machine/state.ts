/**
 * What the session's reducer works on: its state, its inputs and the effects it asks for.
 */
import type {
  ExpiredReason,
  RefreshFailedError,
  StorageError,
  TokenkeeperError,
} from '../errors.js';
import type { RefreshReason, SessionEvent } from '../events.js';
import type { Tokens } from '../tokens/types.js';
import type { ResolvedPolicy } from './policy.js';

export type Status = 'loading' | 'signedOut' | 'active' | 'expired';

export interface MachineConfig {
  readonly policy: ResolvedPolicy;
  /** A `refresh` function was configured. */
  readonly canRefresh: boolean;
  /** Sliding session: ms without activity before the session ends. */
  readonly idleTimeout: number | undefined;
  /** Ms before the idle deadline at which `expiring` fires. */
  readonly expiringWarning: number;
  /** Extend silently when `expiring` fires. */
  readonly autoExtend: boolean;
  /** Activity is written to storage at most this often (ms). */
  readonly activityPersistInterval: number;
  /** Something reads activity (an idle timeout or an active window); otherwise it is ignored. */
  readonly tracksActivity: boolean;
  /** The session binds its tokens to a DPoP key. */
  readonly dpop: boolean;
}

export interface RefreshState {
  /** Sequence number of the latest refresh started; results of older ones are dropped. */
  readonly seq: number;
  readonly inFlight: { readonly seq: number; readonly reason: RefreshReason } | undefined;
  /** Consecutive transient failures: the backoff attempt. */
  readonly failures: number;
  readonly retryAt: number | undefined;
  readonly lastError: RefreshFailedError | undefined;
  /** Someone asked for a refresh that has not happened yet. */
  readonly wanted: RefreshReason | undefined;
}

export interface State {
  readonly status: Status;
  readonly tokens: Tokens | undefined;
  /** Increments whenever the tokens change. */
  readonly generation: number;
  /** The generation a transport reported a 401 for: that token is not handed out again. */
  readonly rejectedGeneration: number | undefined;
  readonly refresh: RefreshState;
  /** Start of the idle countdown (sign-in, activity, successful refresh). */
  readonly lastActivityAt: number | undefined;
  /** Last `markActivity()` (not sign-in): one of the signals that the session is in use. */
  readonly lastUseAt: number | undefined;
  readonly idleDeadline: number | undefined;
  readonly warnedDeadline: number | undefined;
  readonly persistedActivityAt: number | undefined;
  readonly paused: boolean;
  readonly pausedAt: number | undefined;
  readonly online: boolean;
  /** Live sockets that keep the token fresh while they are open (`retain()`). */
  readonly leases: number;
  readonly expired:
    | { readonly reason: ExpiredReason; readonly error: string | undefined }
    | undefined;
  /** When the session last ended (sign-out or expiry), to ignore older tokens from other tabs. */
  readonly endedAt: number | undefined;
  /**
   * While `loading`: the store could not be read during a background launch (a locked keychain);
   * callers get this retryable error, and the next resume reads again.
   */
  readonly restoreError: StorageError | undefined;
}

export type Input =
  | { type: 'restored'; tokens: Tokens | undefined; lastActivityAt: number | undefined }
  /** Reading the stored session failed (the store threw, or its data is unreadable). */
  | { type: 'restoreFailed'; error: StorageError }
  | { type: 'signIn'; tokens: Tokens }
  | { type: 'signOut'; remote: boolean }
  | { type: 'tick' }
  | { type: 'demand' }
  /** A transport got a 401 with `usedToken` (undefined when it sent none). */
  | { type: 'unauthorized'; usedToken: string | undefined }
  | { type: 'activity' }
  /** `refresh()` or `extend()` was called: refresh now, and answer the call. */
  | { type: 'extend' }
  | {
      type: 'refreshSucceeded';
      seq: number;
      /** The token generation the refresh started from. */
      baseGeneration: number;
      reason: RefreshReason;
      tokens: Tokens;
    }
  | {
      type: 'refreshFailed';
      seq: number;
      error: RefreshFailedError;
      /**
       * The server rotated although its answer was unusable: the new refresh token, the only
       * one that can still continue the session.
       */
      rotatedRefreshToken?: string;
    }
  | { type: 'refreshRejected'; seq: number; reason: ExpiredReason; error: string | undefined }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'online'; online: boolean }
  | { type: 'retain' }
  | { type: 'release' }
  | {
      type: 'adopt';
      tokens: Tokens;
      lastActivityAt: number | undefined;
      /** A sign-in elsewhere, or a refresh (of another tab, or found in storage). */
      origin: 'signIn' | 'refresh';
    }
  | { type: 'remoteActivity'; at: number }
  /** The revocation of an ended session failed: reported, nothing else changes. */
  | { type: 'revokeFailed'; event: Extract<SessionEvent, { type: 'revokeFailed' }> }
  | { type: 'remoteEnd'; reason: ExpiredReason | undefined; error: string | undefined };

export type Effect =
  | { type: 'startRefresh'; seq: number; reason: RefreshReason }
  | { type: 'abortRefresh'; seq: number }
  | { type: 'persist' }
  | { type: 'clearStorage' }
  | { type: 'emit'; event: SessionEvent }
  /**
   * Answers callers waiting for a token (`token`: any usable one, e.g. `getAccessToken()`) or
   * for the next refresh (`refresh`: `refresh()`, `extend()`).
   */
  | { type: 'settle'; who: 'token' | 'refresh'; outcome: Outcome }
  | { type: 'announce'; what: 'signedIn' | 'refreshed' | 'activity' | 'signedOut' | 'expired' }
  /** A remote end: delete the stored record if it still holds the tokens this session had. */
  | { type: 'clearStorageIfHeld'; tokens: Tokens }
  | { type: 'revoke'; tokens: Tokens; reason: 'signOut' | 'idle' }
  /** Read the stored session (again). */
  | { type: 'restore' }
  /** Write again what storage refused last (the session kept it in memory meanwhile). */
  | { type: 'retryStorage' }
  /**
   * The DPoP key: `discard` it (the session ended here, after any revocation that needs it) or
   * `forget` the cached copy (another tab ended or began the session; read the store again).
   */
  | { type: 'dpopKey'; action: 'discard' | 'forget' };

/** What a waiting caller gets: a token, or the typed error that explains why there is none. */
export type Outcome = { readonly token: string } | { readonly error: TokenkeeperError };

/** What the runtime observes and hands in with every input. */
export interface Env {
  readonly now: number;
  /** A uniform random number in [0, 1) for backoff jitter. */
  readonly jitter: number;
  /** Last time a caller read the token (`getAccessToken`, `handleUnauthorized`). */
  readonly lastReadAt: number | undefined;
}

export interface Result {
  readonly state: State;
  readonly effects: readonly Effect[];
}

export const idleRefresh: RefreshState = {
  seq: 0,
  inFlight: undefined,
  failures: 0,
  retryAt: undefined,
  lastError: undefined,
  wanted: undefined,
};

export function initialState(online = true): State {
  return {
    status: 'loading',
    tokens: undefined,
    generation: 0,
    rejectedGeneration: undefined,
    refresh: idleRefresh,
    lastActivityAt: undefined,
    lastUseAt: undefined,
    idleDeadline: undefined,
    warnedDeadline: undefined,
    persistedActivityAt: undefined,
    paused: false,
    pausedAt: undefined,
    online,
    leases: 0,
    expired: undefined,
    endedAt: undefined,
    restoreError: undefined,
  };
}
