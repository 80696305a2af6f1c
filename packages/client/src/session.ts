/**
 * The runtime around the pure reducer: owns the timer, runs refreshes, persists, notifies.
 */
import { type Clock, MAX_TIMER_DELAY, systemClock } from './clock.js';
import type { CoordinationMessage, Coordinator } from './coordination/types.js';
import {
  ConfigError,
  OfflineError,
  RefreshFailedError,
  SessionExpiredError,
  SignedOutError,
  StorageError,
  TokenkeeperError,
} from './errors.js';
import type { RefreshReason, SessionEvent } from './events.js';
import type { LifecycleControls, LifecycleSource } from './lifecycle/types.js';
import { type Log, type Logger, redactingLog } from './logger.js';
import {
  type Effect,
  type Env,
  type Input,
  initialState,
  type MachineConfig,
  nextWakeAt,
  reduce,
  type State,
  tokenUsable,
} from './machine.js';
import {
  type RefreshPolicy,
  type RetryPolicy,
  refreshAt,
  resolvePolicy,
  usableUntil,
} from './policy.js';
import { fingerprint, sanitizeError } from './redact.js';
import { classifyRefreshError } from './refresh-outcome.js';
import { memoryStorage } from './storage/memory.js';
import { decodeRecord, encodeRecord, type StoredSession } from './storage/record.js';
import type { SessionStorage } from './storage/types.js';
import { parseTokenInput, type TokenInput, type Tokens } from './tokens.js';

/** What a `refresh` function receives. */
export interface RefreshContext {
  /** The refresh token to redeem; undefined when the server gave none (sliding sessions). */
  readonly refreshToken: string | undefined;
  /** The current access token, for servers that extend a session by the access token. */
  readonly accessToken: string;
  /** Aborted when the refresh times out (`refreshTimeout`) or the session no longer needs it. */
  readonly signal: AbortSignal;
  readonly reason: RefreshReason;
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
  readonly lastError:
    | { readonly code: string; readonly kind: string; readonly message: string }
    | undefined;
  readonly expiredReason: string | undefined;
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
   * `RefreshFailedError` / `OfflineError`.
   */
  getAccessToken(): Promise<string>;
  /**
   * For transports that got a 401 with `usedToken`: resolves to the token to retry with (the
   * current one when `usedToken` is older, else a refreshed one), or rejects like
   * `getAccessToken`. Many concurrent calls cause at most one refresh.
   */
  handleUnauthorized(usedToken: string): Promise<string>;
  /** Records use (an API call): resets a sliding session's idle countdown. */
  markActivity(): void;
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

interface Waiter {
  resolve(token: string): void;
  reject(error: unknown): void;
}

type Decision = { token: string } | { error: TokenkeeperError } | 'wait';

const DEFAULT_STORAGE_KEY = 'tokenkeeper.session';

function positive(value: number | undefined, name: string): number | undefined {
  if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
    throw new ConfigError(`${name} must be a positive number of milliseconds`);
  }
  return value;
}

function machineConfig(options: SessionOptions): MachineConfig {
  if (options.refresh !== undefined && typeof options.refresh !== 'function') {
    throw new ConfigError('refresh must be a function');
  }
  const idleTimeout = positive(options.idleTimeout, 'idleTimeout');
  const warning =
    positive(options.expiringWarning, 'expiringWarning') ??
    (idleTimeout === undefined ? 0 : Math.min(60_000, idleTimeout / 2));
  return {
    policy: resolvePolicy(options.refreshPolicy, options.retry),
    canRefresh: options.refresh !== undefined,
    idleTimeout,
    expiringWarning: warning,
    autoExtend: options.autoExtend ?? false,
    tracksActivity: idleTimeout !== undefined || options.refreshPolicy?.activeWindow !== undefined,
    // Activity is saved and shared with other tabs at most this often: often enough that an
    // idle tab's countdown trails the busy tab's by a sixtieth of the idle timeout at most.
    activityPersistInterval:
      idleTimeout === undefined ? Infinity : Math.max(1_000, idleTimeout / 60),
  };
}

/**
 * Creates a session: the owner of one user's tokens.
 * @example
 * const session = createSession({
 *   refresh: oauth2Refresh({ tokenEndpoint: 'https://auth.example.com/oauth/token' }),
 *   storage: webStorage(),
 * });
 */
export function createSession(options: SessionOptions = {}): Session {
  const config = machineConfig(options);
  const clock = options.clock ?? systemClock;
  const storage = options.storage ?? memoryStorage();
  const storageKey = options.storageKey ?? DEFAULT_STORAGE_KEY;
  const refreshTimeout = positive(options.refreshTimeout, 'refreshTimeout') ?? 10_000;
  const random = options.random ?? Math.random;
  const refreshFn = options.refresh;
  const coordinator = options.coordinator;

  let state: State = initialState(options.online ?? true);
  let lastReadAt: number | undefined;
  let disposed = false;
  const waiters = new Set<Waiter>();
  const listeners = new Set<(event: SessionEvent) => void>();
  const watchers = new Set<() => void>();
  const running = new Map<number, AbortController>();
  let timer: { handle: unknown; at: number } | undefined;
  let storageChain: Promise<void> = Promise.resolve();
  let revoking: Promise<void> = Promise.resolve();
  /** Pending refresh() calls, rejected by dispose(). */
  const refreshCalls = new Set<(error: unknown) => void>();
  let snapshot: { state: State; value: SessionSnapshot } | undefined;
  let dispatching = false;
  const queue: Input[] = [];
  // The hot path of getAccessToken: a token and the instant until which it needs no decision.
  let hot: { token: string; until: number } | undefined;

  const log: Log = redactingLog(options.logger, () => {
    const t = state.tokens;
    return t ? [t.accessToken, ...(t.refreshToken ? [t.refreshToken] : [])] : [];
  });

  function dispatch(input: Input): void {
    queue.push(input);
    if (dispatching) return; // re-entrant call from an effect or a listener: run after
    dispatching = true;
    try {
      for (let next = queue.shift(); next; next = queue.shift()) step(next);
    } finally {
      dispatching = false;
    }
    if (waiters.size > 0) settleWaiters();
  }

  function step(input: Input): void {
    const env: Env = { now: clock.now(), jitter: random(), lastReadAt };
    const before = state;
    const result = reduce(config, state, input, env);
    state = result.state;
    if (state !== before) refreshHotPath();
    for (const effect of result.effects) perform(effect);
    schedule(env.now);
    if (state !== before && watchers.size > 0) notifyWatchers();
  }

  function refreshHotPath(): void {
    const t = state.tokens;
    if (!t || !tokenUsable(config, state, -Infinity)) {
      hot = undefined;
      return;
    }
    const until = Math.min(
      refreshAt(config.policy, t) ?? Infinity,
      usableUntil(config.policy, t),
      state.idleDeadline ?? Infinity,
      t.refreshExpiresAt ?? Infinity,
    );
    hot = { token: t.accessToken, until };
  }

  function perform(effect: Effect): void {
    switch (effect.type) {
      case 'startRefresh':
        void runRefresh(effect.seq, effect.reason);
        return;
      case 'abortRefresh':
        running.get(effect.seq)?.abort();
        running.delete(effect.seq);
        return;
      case 'persist': {
        const t = state.tokens;
        if (t) writeStorage(encodeRecord(t, state.lastActivityAt));
        return;
      }
      case 'clearStorage':
        writeStorage(undefined);
        return;
      case 'clearStorageIfHeld':
        clearStorageIfHeld(effect.tokens);
        return;
      case 'emit':
        emit(effect.event);
        return;
      case 'settleWaiters':
        settleWaiters();
        return;
      case 'announce':
        announce(effect.what);
        return;
      case 'revoke':
        revoking = runRevoke(effect.tokens);
        return;
    }
  }

  function announce(what: 'signedIn' | 'refreshed' | 'activity' | 'signedOut' | 'expired'): void {
    if (!coordinator) return;
    if (what === 'signedOut') coordinator.publish({ type: 'signedOut' });
    else if (what === 'expired') {
      const reason = state.expired?.reason ?? 'rejected';
      coordinator.publish({ type: 'expired', reason, error: state.expired?.error });
    } else if (what === 'activity') {
      if (state.lastActivityAt !== undefined)
        coordinator.publish({ type: 'activity', at: state.lastActivityAt });
    } else if (state.tokens) {
      const record = encodeRecord(state.tokens, state.lastActivityAt);
      coordinator.publish({
        type: 'tokens',
        record,
        origin: what === 'signedIn' ? 'signIn' : 'refresh',
      });
    }
  }

  function onCoordinationMessage(message: CoordinationMessage): void {
    if (disposed) return;
    switch (message.type) {
      case 'tokens':
        try {
          const { tokens, lastActivityAt } = decodeRecord(message.record);
          dispatch({ type: 'adopt', tokens, lastActivityAt, origin: message.origin });
        } catch (error) {
          log('warn', 'ignored an unreadable message from another tab', { error });
        }
        return;
      case 'activity':
        dispatch({ type: 'remoteActivity', at: message.at });
        return;
      case 'signedOut':
        dispatch({ type: 'remoteEnd', reason: undefined, error: undefined });
        return;
      case 'expired':
        dispatch({ type: 'remoteEnd', reason: message.reason, error: message.error });
        return;
    }
  }

  function emit(event: SessionEvent): void {
    log(
      event.type === 'refreshFailed' ? 'warn' : 'debug',
      `session ${event.type}`,
      describeEvent(event),
    );
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not break the session, nor vanish: report it asynchronously.
        log('error', 'session listener threw', { error });
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  function schedule(now: number): void {
    const at =
      state.paused && !options.timersWhilePaused ? undefined : nextWakeAt(config, state, now);
    if (timer && timer.at === at) return;
    if (timer) clock.clearTimeout(timer.handle);
    timer = undefined;
    if (at === undefined || disposed) return;
    // Long waits hop in bounded steps: platform timers overflow past 24.8 days and fire at once.
    const handle = clock.setTimeout(
      () => {
        if (timer?.handle !== handle) return;
        timer = undefined;
        dispatch({ type: 'tick' });
      },
      Math.min(at - now, MAX_TIMER_DELAY),
    );
    timer = { handle, at };
  }

  function writeStorage(value: string | undefined): void {
    storageChain = storageChain.then(async () => {
      try {
        if (value === undefined) await storage.delete(storageKey);
        else await storage.set(storageKey, value);
      } catch (cause) {
        const error =
          cause instanceof StorageError
            ? cause
            : new StorageError('Saving the session failed', { cause });
        log('error', 'session storage write failed', { error });
        emit({ type: 'storageError', error });
      }
    });
  }

  function clearStorageIfHeld(tokens: Tokens): void {
    storageChain = storageChain.then(async () => {
      try {
        const stored = await readStorage();
        if (stored?.tokens.accessToken === tokens.accessToken) await storage.delete(storageKey);
      } catch (error) {
        log('warn', 'could not check storage after another tab ended the session', { error });
      }
    });
  }

  async function readStorage(): Promise<StoredSession | undefined> {
    const text = await storage.get(storageKey);
    return text === null || text === undefined ? undefined : decodeRecord(text);
  }

  async function runRefresh(seq: number, reason: RefreshReason): Promise<void> {
    const base = state.tokens;
    const baseGeneration = state.generation;
    if (!refreshFn || !base) return;
    const controller = new AbortController();
    running.set(seq, controller);
    let timedOut = false;
    let timeout: unknown;
    const attempt = async (): Promise<void> => {
      // Another tab may have refreshed while this one waited for the lock.
      if (coordinator) {
        const newer = await newerStoredTokens(base);
        if (newer) {
          log('debug', 'refresh skipped, another tab refreshed', {
            token: newer.tokens.fingerprint,
          });
          dispatch({
            type: 'adopt',
            tokens: newer.tokens,
            lastActivityAt: newer.lastActivityAt,
            origin: 'refresh',
          });
          return;
        }
      }
      // The timeout covers the exchange itself, not the wait for another tab's lock.
      timeout = clock.setTimeout(() => {
        timedOut = true;
        controller.abort();
        void settleFailure(seq, base, new Error('timeout'), true);
      }, refreshTimeout);
      log('debug', 'refresh started', { reason, seq, token: base.fingerprint });
      const answer = await refreshFn({
        refreshToken: base.refreshToken,
        accessToken: base.accessToken,
        signal: controller.signal,
        reason,
      });
      const tokens = parseTokenInput(answer, clock.now(), { previous: base });
      dispatch({ type: 'refreshSucceeded', seq, baseGeneration, reason, tokens });
      // Hold the lock until the tokens are stored: the next holder must find them.
      await storageChain;
    };
    try {
      await (coordinator ? coordinator.withRefreshLock(attempt, controller.signal) : attempt());
    } catch (error) {
      // Aborted on purpose (newer tokens adopted, signed out, disposed): nothing to report.
      if (!timedOut && !controller.signal.aborted) await settleFailure(seq, base, error, false);
    } finally {
      if (timeout !== undefined) clock.clearTimeout(timeout);
      running.delete(seq);
    }
  }

  /** Tokens in storage that differ from (and are no older than) `base`: another tab's work. */
  async function newerStoredTokens(base: Tokens): Promise<StoredSession | undefined> {
    try {
      const stored = await readStorage();
      const t = stored?.tokens;
      if (!t || t.accessToken === base.accessToken || t.receivedAt < base.receivedAt)
        return undefined;
      return stored;
    } catch (error) {
      log('warn', 'storage unreadable while checking for newer tokens', { error });
      return undefined;
    }
  }

  async function runRevoke(tokens: Tokens): Promise<void> {
    const revokeFn = options.revoke;
    if (!revokeFn) return;
    const reason = state.status === 'expired' ? 'idle' : 'signOut';
    const controller = new AbortController();
    const timeout = clock.setTimeout(() => controller.abort(), refreshTimeout);
    try {
      await revokeFn({
        refreshToken: tokens.refreshToken,
        accessToken: tokens.accessToken,
        signal: controller.signal,
        reason,
      });
      log('debug', 'tokens revoked at the server', { token: tokens.fingerprint, reason });
    } catch (error) {
      // The user is signed out here whatever the server said; say so where it can be seen.
      const secrets = [tokens.accessToken, ...(tokens.refreshToken ? [tokens.refreshToken] : [])];
      log('warn', 'revocation failed', {
        error: sanitizeError(error, secrets),
        reason,
        token: tokens.fingerprint,
      });
    } finally {
      clock.clearTimeout(timeout);
    }
  }

  async function settleFailure(
    seq: number,
    base: Tokens,
    error: unknown,
    timedOut: boolean,
  ): Promise<void> {
    // User code's errors (an HTTP client's dump) may quote the token: never pass that on.
    const secrets = [base.accessToken, ...(base.refreshToken ? [base.refreshToken] : [])];
    const outcome = classifyRefreshError(error, timedOut, (cause) => sanitizeError(cause, secrets));
    if (outcome.type === 'failed') {
      log('warn', 'refresh failed', {
        kind: outcome.error.kind,
        status: outcome.error.status,
        seq,
      });
      dispatch({ type: 'refreshFailed', seq, error: outcome.error });
      return;
    }
    // Before ending the session, look for newer tokens that another tab or process saved:
    // with rotation, their refresh made ours stale, and that is no reason to log out.
    const newer = await newerStoredTokens(base);
    if (newer && state.status === 'active') {
      log('info', 'refresh rejected, newer tokens found in storage', {
        token: newer.tokens.fingerprint,
      });
      dispatch({
        type: 'adopt',
        tokens: newer.tokens,
        lastActivityAt: newer.lastActivityAt,
        origin: 'refresh',
      });
      return;
    }
    log('info', 'refresh rejected, session over', { error: outcome.error, seq });
    dispatch({ type: 'refreshRejected', seq, reason: outcome.reason, error: outcome.error });
  }

  function decide(): Decision {
    const now = clock.now();
    switch (state.status) {
      case 'loading':
        return 'wait';
      case 'signedOut':
        return { error: new SignedOutError() };
      case 'expired':
        return { error: new SessionExpiredError(state.expired?.reason ?? 'idle') };
      case 'active': {
        if (tokenUsable(config, state, now)) return { token: state.tokens!.accessToken };
        if (state.refresh.inFlight) return 'wait';
        if (!state.online) return { error: new OfflineError() };
        const last = state.refresh.lastError;
        if (last) return { error: last };
        return {
          error: new RefreshFailedError('unknown', 'No usable access token and no refresh running'),
        };
      }
    }
  }

  function settleWaiters(): void {
    if (waiters.size === 0) return;
    const decision = decide();
    if (decision === 'wait') return;
    const ready = [...waiters];
    waiters.clear();
    for (const waiter of ready) {
      if ('token' in decision) waiter.resolve(decision.token);
      else waiter.reject(decision.error);
    }
  }

  function acquire(): Promise<string> {
    if (disposed) return Promise.reject(disposedError());
    if (dispatching) {
      // Called from inside a listener: the demand is queued behind the input being handled, so
      // decide once it has run (dispatch settles waiters when its queue drains).
      return new Promise((resolve, reject) => {
        waiters.add({ resolve, reject });
        dispatch({ type: 'demand' });
      });
    }
    dispatch({ type: 'demand' });
    const decision = decide();
    if (decision === 'wait')
      return new Promise((resolve, reject) => waiters.add({ resolve, reject }));
    return 'token' in decision ? Promise.resolve(decision.token) : Promise.reject(decision.error);
  }

  function notifyWatchers(): void {
    for (const watcher of [...watchers]) watcher();
  }

  function getSnapshot(): SessionSnapshot {
    if (snapshot?.state === state) return snapshot.value;
    const s = state;
    const t = s.tokens;
    const last = s.refresh.lastError;
    const value: SessionSnapshot = {
      status: s.status,
      refreshing: s.refresh.inFlight !== undefined,
      paused: s.paused,
      online: s.online,
      fingerprint: t?.fingerprint,
      expiresAt: t?.expiresAt,
      refreshAt: t && config.canRefresh ? refreshAt(config.policy, t) : undefined,
      idleDeadline: s.idleDeadline,
      retryAt: s.refresh.retryAt,
      lastError: last && { code: last.code, kind: last.kind, message: last.message },
      expiredReason: s.expired?.reason,
    };
    const previous = snapshot?.value;
    snapshot = { state: s, value: previous && shallowEqual(previous, value) ? previous : value };
    return snapshot.value;
  }

  function disposedError(): TokenkeeperError {
    return new TokenkeeperError('ERR_DISPOSED', 'The session was disposed');
  }

  const controls: LifecycleControls = {
    pause: () => !disposed && dispatch({ type: 'pause' }),
    resume: () => !disposed && dispatch({ type: 'resume' }),
    setOnline: (online) => !disposed && dispatch({ type: 'online', online }),
  };

  const sources =
    options.lifecycle === undefined ? [] : ([] as LifecycleSource[]).concat(options.lifecycle);
  const cleanups = sources.map((source) => source(controls));
  if (coordinator)
    cleanups.push(coordinator.subscribe(onCoordinationMessage), () => coordinator.close());

  const restoring = readStorage().then(
    (stored) =>
      dispatch({
        type: 'restored',
        tokens: stored?.tokens,
        lastActivityAt: stored?.lastActivityAt,
      }),
    (cause) => {
      const error =
        cause instanceof StorageError
          ? cause
          : new StorageError('Reading the session failed', { cause });
      log('warn', 'stored session unreadable; starting signed out', { error });
      emit({ type: 'storageError', error });
      // If signIn() already ran, the key now holds its fresh tokens: leave them.
      if (state.status !== 'loading') return;
      dispatch({ type: 'restored', tokens: undefined, lastActivityAt: undefined });
      writeStorage(undefined);
    },
  );

  const session: Session = {
    ready: () => restoring,
    async signIn(input) {
      if (disposed) throw disposedError();
      const tokens = parseTokenInput(input, clock.now());
      dispatch({ type: 'signIn', tokens });
      await storageChain;
    },
    async signOut() {
      if (disposed) throw disposedError();
      dispatch({ type: 'signOut', remote: false });
      await Promise.all([storageChain, revoking]);
    },
    getAccessToken() {
      if (disposed) return Promise.reject(disposedError());
      const now = clock.now();
      lastReadAt = now;
      if (hot !== undefined && now < hot.until) return Promise.resolve(hot.token);
      return acquire();
    },
    handleUnauthorized(usedToken) {
      if (disposed) return Promise.reject(disposedError());
      lastReadAt = clock.now();
      const t = state.tokens;
      if (state.status === 'active' && t) {
        const current = typeof usedToken === 'string' && usedToken === t.accessToken;
        const generation = current ? state.generation : -1;
        const print = typeof usedToken === 'string' ? fingerprint(usedToken) : 'none';
        dispatch({ type: 'unauthorized', generation, fingerprint: print });
      }
      return acquire();
    },
    markActivity() {
      // Per request on the hot path: skip the reducer when nothing reads activity.
      if (!disposed && config.tracksActivity) dispatch({ type: 'activity' });
    },
    refresh() {
      if (disposed) return Promise.reject(disposedError());
      if (state.status !== 'active') return acquire();
      if (!config.canRefresh)
        return Promise.reject(new ConfigError('The session has no refresh option'));
      if (!state.online) return Promise.reject(new OfflineError());
      const generation = state.generation;
      return new Promise<string>((resolve, reject) => {
        const rejectOnDispose = (error: unknown) => {
          stop();
          reject(error);
        };
        refreshCalls.add(rejectOnDispose);
        // Settles on the first outcome after this call: new tokens, a failure, or the end. The
        // listener is in place before the input is processed, which may happen later when this
        // is called from inside another listener.
        const stop = session.subscribe((event) => {
          if (
            event.type === 'refreshed' ||
            event.type === 'refreshFailed' ||
            event.type === 'expired' ||
            event.type === 'signedOut'
          ) {
            refreshCalls.delete(rejectOnDispose);
          }
          if (event.type === 'refreshed' && state.generation !== generation) {
            stop();
            resolve(state.tokens!.accessToken);
          } else if (event.type === 'refreshFailed') {
            stop();
            reject(event.error);
          } else if (event.type === 'expired' || event.type === 'signedOut') {
            stop();
            acquire().then(resolve, reject);
          }
        });
        dispatch({ type: 'extend' });
      });
    },
    async extend() {
      await session.refresh();
    },
    retain() {
      if (disposed) return () => {};
      dispatch({ type: 'retain' });
      let released = false;
      return () => {
        if (released || disposed) return;
        released = true;
        dispatch({ type: 'release' });
      };
    },
    pause: controls.pause,
    resume: controls.resume,
    setOnline: controls.setOnline,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watch(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    getSnapshot,
    dispose() {
      if (disposed) return;
      disposed = true;
      hot = undefined;
      for (const rejectCall of [...refreshCalls]) rejectCall(disposedError());
      refreshCalls.clear();
      if (timer) clock.clearTimeout(timer.handle);
      timer = undefined;
      for (const controller of running.values()) controller.abort();
      running.clear();
      for (const cleanup of cleanups) cleanup?.();
      const error = disposedError();
      for (const waiter of waiters) waiter.reject(error);
      waiters.clear();
      listeners.clear();
      watchers.clear();
    },
  };
  return session;
}

function shallowEqual(a: SessionSnapshot, b: SessionSnapshot): boolean {
  const keys = Object.keys(a) as (keyof SessionSnapshot)[];
  return keys.every((key) =>
    key === 'lastError' ? a.lastError?.message === b.lastError?.message : a[key] === b[key],
  );
}

function describeEvent(event: SessionEvent): Record<string, unknown> {
  if (event.type === 'refreshFailed') {
    return {
      reason: event.reason,
      kind: event.error.kind,
      attempt: event.attempt,
      retryAt: event.retryAt,
    };
  }
  if (event.type === 'storageError') return { message: event.error.message };
  return { ...event };
}
