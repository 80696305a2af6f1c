/**
 * The public shape of a session: its options, what it shows, and what it can do.
 */
import type { Clock } from '../clock.js';
import type { Coordinator } from '../coordination/types.js';
import type { DpopConfig, DpopRequestSigner } from '../dpop/binding.js';
import type { ExpiredReason, RefreshFailedError, RefreshFailureKind } from '../errors.js';
import type { RefreshReason, SessionEvent } from '../events.js';
import type { LifecycleSource } from '../lifecycle/types.js';
import type { Logger } from '../logger.js';
import type { RefreshPolicy, RetryPolicy } from '../machine/policy.js';
import type { SessionStorage } from '../storage/types.js';
import type { TokenInput } from '../tokens/types.js';

/** What a `refresh` function receives. */
export interface RefreshContext {
  /** The refresh token to redeem; undefined when the server gave none (sliding sessions). */
  readonly refreshToken: string | undefined;
  /** The current access token, for servers that extend a session by the access token. */
  readonly accessToken: string;
  /** Aborted when the refresh times out (`refreshTimeout`) or the session no longer needs it. */
  readonly signal: AbortSignal;
  readonly reason: RefreshReason;
  /**
   * For DPoP sessions (`dpop` option): a proof for the token request, and where its answer's
   * `DPoP-Nonce` goes. `oauth2Refresh` uses it; a custom refresh must send
   * `DPoP: await dpop.proof('POST', tokenEndpoint)`.
   */
  readonly dpop?: DpopRequestSigner;
}

/**
 * Obtains new tokens. Resolve with an RFC 6749 token response or a {@link TokenSet}; throw
 * `RefreshRejectedError` (or an HTTP error with status 401 or an `invalid_grant` body) when the
 * server refused, which ends the session; anything else is retried with backoff.
 * `oauth2Refresh()` builds one for a standard token endpoint.
 *
 * Pass `context.signal` to the request: after `refreshTimeout` the session gives up on the call
 * and may start another, and only a call that honours the signal is really stopped (one that
 * ignores it runs on beside the next).
 */
export type RefreshFunction = (context: RefreshContext) => Promise<TokenInput>;

/** What a `revoke` function receives. */
export interface RevokeContext {
  readonly refreshToken: string | undefined;
  readonly accessToken: string;
  /** Aborted after `refreshTimeout`. */
  readonly signal: AbortSignal;
  /** `signOut`: the user signed out; `idle`: this device's idle timeout ended the session. */
  readonly reason: 'signOut' | 'idle';
  /** For DPoP sessions: a proof for the revocation request, as for a refresh. */
  readonly dpop?: DpopRequestSigner;
}

/**
 * Tells the server a session ended here (RFC 7009 revocation). Best effort: a failure is
 * logged and never keeps the user signed in. `oauth2Revoke()` builds one.
 */
export type RevokeFunction = (context: RevokeContext) => Promise<void>;

export interface SessionOptions {
  /** Obtains new tokens; without it the session ends when the access token expires. */
  refresh?: RefreshFunction;
  /**
   * Revokes the tokens at the server when the session ends here: on `signOut()` (awaited, at
   * most `refreshTimeout`) and when the idle timeout ends it (in the background). Not after
   * the server rejected a refresh, nor when another tab ended the session.
   * @example oauth2Revoke({ revocationEndpoint: '/oauth/revoke' })
   */
  revoke?: RevokeFunction;
  /** @default systemClock (Date.now and the global timers) */
  clock?: Clock;
  /** Where tokens survive restarts. @default memoryStorage() */
  storage?: SessionStorage;
  /** Key under which the session is stored. @default 'tokenkeeper.session' */
  storageKey?: string;
  /** When to refresh proactively; see {@link RefreshPolicy} for the defaults and why. */
  refreshPolicy?: RefreshPolicy;
  /** Backoff after a refresh failure that keeps the session. */
  retry?: RetryPolicy;
  /** A refresh still pending after this many ms is aborted and retried later. @default 10000 */
  refreshTimeout?: number;
  /**
   * Sliding session: the session ends after this many ms without the user: the countdown
   * restarts on sign-in, `markActivity()` (every adapter calls it per request), `extend()` and
   * a return to the app, but not on refreshes that only keep a socket's token fresh. For
   * servers that extend a session on every call and do not say when it expires.
   * @example 15 * 60 * 1000
   */
  idleTimeout?: number;
  /** Ms before the idle deadline at which `expiring` fires. @default min(60 s, idleTimeout / 2) */
  expiringWarning?: number;
  /** Extend the session silently (a refresh) when `expiring` fires. @default false */
  autoExtend?: boolean;
  /** Platform signal sources (visibility, app state, connectivity). */
  lifecycle?: LifecycleSource | readonly LifecycleSource[];
  /** Keep timers running while paused (background). @default false: a sleeping phone stays asleep */
  timersWhilePaused?: boolean;
  /** Initial connectivity. @default true */
  online?: boolean;
  /**
   * Makes the sessions of several tabs (or workers) act as one: one refresh at a time, and
   * every sign-in, refresh, sign-out and expiry shared. The session owns it and closes it on
   * `dispose()`. @example crossTabCoordinator({ name: 'my-app' })
   */
  coordinator?: Coordinator;
  /** Receives debug, info, warn and error lines; never token text. */
  logger?: Logger;
  /** Random numbers in [0, 1) for backoff jitter. @default Math.random */
  random?: () => number;
  /**
   * DPoP (RFC 9449): tokens bound to a key that never leaves the device, so a copied token is
   * refused outright: `dpopKey(options)` from `tokenkeeper/dpop`. The key is made at the first proof (sign
   * the login request with `session.dpopProof(...)`), kept with the session (and shared by its
   * tabs), and deleted when the session ends here. Token and revocation requests of
   * `oauth2Refresh`/`oauth2Revoke` and the fetch, axios, Apollo and urql adapters carry proofs.
   * @see https://www.rfc-editor.org/rfc/rfc9449
   */
  dpop?: DpopConfig;
}

/** What a session shows about itself: never token text. */
export interface SessionSnapshot {
  readonly status: 'loading' | 'signedOut' | 'active' | 'expired';
  readonly refreshing: boolean;
  readonly paused: boolean;
  readonly online: boolean;
  /** Fingerprint of the current access token. */
  readonly fingerprint: string | undefined;
  /** When the access token expires (ms, session clock); undefined when unknown. */
  readonly expiresAt: number | undefined;
  /** When a proactive refresh is due. */
  readonly refreshAt: number | undefined;
  /** When a sliding session ends without activity. */
  readonly idleDeadline: number | undefined;
  /** No refresh attempt before this time (backoff). */
  readonly retryAt: number | undefined;
  /** The last refresh failure that kept the session (cleared by the next success). */
  readonly lastError:
    | {
        readonly code: RefreshFailedError['code'];
        readonly kind: RefreshFailureKind;
        readonly message: string;
      }
    | undefined;
  /** Why the session ended, when `status` is `expired`. */
  readonly expiredReason: ExpiredReason | undefined;
}

export interface Session {
  /** Resolves once stored tokens (if any) have been read. */
  ready(): Promise<void>;
  /** Starts a session with tokens from a login. Rejects with `TokenResponseError` if malformed. */
  signIn(tokens: TokenInput): Promise<void>;
  /** Ends the session and clears storage. */
  signOut(): Promise<void>;
  /**
   * Resolves to an access token valid for at least `minValidity`, waiting for a refresh when one
   * is due or running. Rejects with `SignedOutError`, `SessionExpiredError`, or a retryable
   * `RefreshFailedError` / `OfflineError`. A read is taken to be for an API call: like
   * `markActivity()`, it restarts a sliding session's idle countdown (the socket adapters'
   * own reconnections do not).
   */
  getAccessToken(): Promise<string>;
  /**
   * For transports that got a 401 with `usedToken`: resolves to the token to retry with (the
   * current one when `usedToken` is older, else a refreshed one), or rejects like
   * `getAccessToken`. Many concurrent calls cause at most one refresh.
   */
  handleUnauthorized(usedToken: string): Promise<string>;
  /**
   * Records use without reading the token (an API call that carries no token, a user action):
   * restarts a sliding session's idle countdown. `getAccessToken()` does it too.
   */
  markActivity(): void;
  /**
   * Headers that authorize a request with the live token: `authorization: Bearer …`, or for a
   * DPoP session `authorization: DPoP …` with a fresh `dpop` proof for this method and URL. For
   * transports without an adapter. Reads the token like `getAccessToken()`.
   */
  getAuthorizationHeaders(request: {
    method: string;
    url: string;
  }): Promise<Record<string, string>>;
  /**
   * A DPoP proof for a request that carries no access token: the login request, whose tokens
   * the server then binds to this session's key. Rejects with `ConfigError` without `dpop`.
   * @example
   * const url = 'https://auth.example.com/auth/login';
   * const res = await fetch(url, { method: 'POST', headers: { DPoP: await session.dpopProof({ method: 'POST', url }) }, body });
   * await session.signIn(await res.json());
   */
  dpopProof(request: {
    method: string;
    url: string;
    /** A nonce the server demanded (the `DPoP-Nonce` of its `use_dpop_nonce` answer). */
    nonce?: string;
  }): Promise<string>;
  /** Refreshes now (single-flight) and resolves to the new access token. */
  refresh(): Promise<string>;
  /** Extends a sliding session silently (a refresh); the answer to an `expiring` warning. */
  extend(): Promise<void>;
  /** Keeps the token fresh while the returned release has not been called (for live sockets). */
  retain(): () => void;
  /** The app went to the background: timers stop until `resume()`. */
  pause(): void;
  /** The app is back: re-reads the clock, refreshes or ends the session as due. */
  resume(): void;
  /** Tells the session whether the network is reachable. */
  setOnline(online: boolean): void;
  /** Listens to events; returns the unsubscribe. */
  subscribe(listener: (event: SessionEvent) => void): () => void;
  /** Calls `listener` whenever `getSnapshot()` changes (for `useSyncExternalStore`). */
  watch(listener: () => void): () => void;
  getSnapshot(): SessionSnapshot;
  /** Stops timers and listeners; pending calls reject with `ERR_DISPOSED`. Storage is kept. */
  dispose(): void;
}
