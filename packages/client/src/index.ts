/**
 * tokenkeeper: keeps users signed in, silently and safely.
 * Adapters live behind their own subpath exports (`tokenkeeper/fetch`, `tokenkeeper/axios`, ...);
 * test helpers behind `tokenkeeper/testing`.
 */
export { type Clock, MAX_TIMER_DELAY, systemClock, type TimerHandle } from './clock.js';
export {
  type CrossTabOptions,
  crossTabCoordinator,
  type LockManagerLike,
} from './coordination/cross-tab.js';
export type { CoordinationMessage, Coordinator } from './coordination/types.js';
export {
  type AnyTokenkeeperError,
  ConfigError,
  DisposedError,
  type ErrorCode,
  type ExpiredReason,
  isRetryableError,
  isSessionExpiredError,
  isTokenkeeperError,
  OfflineError,
  RefreshFailedError,
  type RefreshFailureKind,
  RefreshRejectedError,
  RevokeFailedError,
  type RevokeFailureKind,
  SessionExpiredError,
  SignedOutError,
  StorageError,
  TokenkeeperError,
  TokenResponseError,
  type TokenResponseProblem,
} from './errors.js';
export type { RefreshReason, SessionEvent, SessionEventType } from './events.js';
export {
  type BrowserLifecycleOptions,
  browserLifecycle,
  type DocumentLike,
  type NavigatorLike,
} from './lifecycle/browser.js';
export { type ManualLifecycle, manualLifecycle } from './lifecycle/manual.js';
export {
  type AppStateLike,
  appStateLifecycle,
  type NetInfoLike,
  type NetInfoStateLike,
  netInfoLifecycle,
} from './lifecycle/react-native.js';
export type { LifecycleControls, LifecycleSource } from './lifecycle/types.js';
export type { Logger } from './logger.js';
export type { RefreshPolicy, RetryPolicy } from './machine/policy.js';
export type { ClientAuthMethod, OAuth2ClientOptions } from './oauth2/client-auth.js';
export {
  type CookieLogoutOptions,
  type CookieRefreshOptions,
  cookieLogout,
  cookieRefresh,
  resumeFromCookie,
} from './oauth2/cookie.js';
export {
  type OAuth2RefreshOptions,
  oauth2Refresh,
  refreshTokenGrantRequest,
} from './oauth2/refresh.js';
export { parseRetryAfter, processTokenResponse } from './oauth2/response.js';
export { type OAuth2RevokeOptions, oauth2Revoke } from './oauth2/revoke.js';
export { fingerprint } from './redact.js';
export {
  createSession,
  type RefreshContext,
  type RefreshFunction,
  type RevokeContext,
  type RevokeFunction,
  type Session,
  type SessionOptions,
  type SessionSnapshot,
} from './session/create-session.js';
export { memoryStorage } from './storage/memory.js';
export {
  type ExpoSecureStoreLike,
  type KeychainLike,
  type SecureStoreAdapterOptions,
  secureStoreAdapter,
} from './storage/secure-store.js';
export type { SessionStorage } from './storage/types.js';
export { type WebStorageOptions, webStorage } from './storage/web.js';
export { decodeJwtTimes } from './tokens/jwt.js';
export type { TokenInput, TokenResponse, TokenSet } from './tokens/types.js';
