/**
 * The runtime around the pure reducer: it turns calls, timers and platform signals into inputs,
 * performs the effects the reducer returns, and hands tokens to callers.
 */

import { MAX_TIMER_DELAY } from '../clock.js';
import { ConfigError, OfflineError, StorageError, TokenkeeperError } from '../errors.js';
import type { SessionEvent } from '../events.js';
import type { LifecycleControls, LifecycleSource } from '../lifecycle/types.js';
import { eventFields, type Log, redactingLog } from '../logger.js';
import { type Decision, decide } from '../machine/decide.js';
import { refreshAt, usableUntil } from '../machine/policy.js';
import {
  type Effect,
  type Env,
  type Input,
  initialState,
  nextWakeAt,
  reduce,
  type State,
  tokenUsable,
} from '../machine/reduce.js';
import { fingerprint } from '../redact.js';
import { encodeRecord } from '../storage/record.js';
import { createSessionStore } from '../storage/session-store.js';
import { parseTokenInput } from '../tokens.js';
import { type AccessibleSession, ADAPTER_ACCESS } from './adapter-access.js';
import { announce, inputFor } from './coordination.js';
import { resolveOptions } from './options.js';
import { createRefreshRunner } from './refresh-runner.js';
import { createSnapshots } from './snapshot.js';
import type { Session, SessionOptions } from './types.js';

export type {
  RefreshContext,
  RefreshFunction,
  RevokeContext,
  RevokeFunction,
  Session,
  SessionOptions,
  SessionSnapshot,
} from './types.js';

interface Waiter {
  resolve(token: string): void;
  reject(error: unknown): void;
}

const disposedError = () => new TokenkeeperError('ERR_DISPOSED', 'The session was disposed');

/**
 * Creates a session: the owner of one user's tokens.
 * @example
 * const session = createSession({
 *   refresh: oauth2Refresh({ tokenEndpoint: 'https://auth.example.com/oauth/token' }),
 *   storage: webStorage(),
 * });
 */
export function createSession(options: SessionOptions = {}): Session {
  const { config, clock, storage, storageKey, refreshTimeout, random } = resolveOptions(options);
  const coordinator = options.coordinator;
  let state: State = initialState(options.online ?? true);
  let lastReadAt: number | undefined;
  let disposed = false;
  let dispatching = false;
  const queue: Input[] = [];
  const waiters = new Set<Waiter>();
  const listeners = new Set<(event: SessionEvent) => void>();
  const watchers = new Set<() => void>();
  /** Pending refresh() calls, rejected by dispose(). */
  const refreshCalls = new Set<(error: unknown) => void>();
  let timer: { handle: unknown; at: number } | undefined;
  let revoking: Promise<void> = Promise.resolve();
  // The hot path of getAccessToken: a token and the instant until which it needs no decision.
  let hot: { token: string; until: number } | undefined;
  const snapshotOf = createSnapshots(config);

  const log: Log = redactingLog(options.logger, () => {
    const t = state.tokens;
    return t ? [t.accessToken, ...(t.refreshToken ? [t.refreshToken] : [])] : [];
  });
  const store = createSessionStore({
    storage,
    key: storageKey,
    log,
    onWriteError: (error) => emit({ type: 'storageError', error }),
  });
  const runner = createRefreshRunner({
    getState: () => state,
    dispatch,
    clock,
    refresh: options.refresh,
    revoke: options.revoke,
    timeout: refreshTimeout,
    coordinator,
    store,
    log,
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
    if (state !== before) hot = hotPath();
    for (const effect of result.effects) perform(effect);
    schedule(env.now);
    if (state !== before) for (const watcher of [...watchers]) watcher();
  }

  function hotPath(): typeof hot {
    const t = state.tokens;
    if (!t || !tokenUsable(config, state, Number.NEGATIVE_INFINITY)) return undefined;
    const until = Math.min(
      refreshAt(config.policy, t) ?? Number.POSITIVE_INFINITY,
      usableUntil(config.policy, t),
      state.idleDeadline ?? Number.POSITIVE_INFINITY,
      t.refreshExpiresAt ?? Number.POSITIVE_INFINITY,
    );
    return { token: t.accessToken, until };
  }

  function perform(effect: Effect): void {
    switch (effect.type) {
      case 'startRefresh':
        void runner.run(effect.seq, effect.reason); // it settles through dispatch, never rejects
        return;
      case 'abortRefresh':
        runner.abort(effect.seq);
        return;
      case 'persist':
        if (state.tokens) store.write(encodeRecord(state.tokens, state.lastActivityAt));
        return;
      case 'clearStorage':
        store.write(undefined);
        return;
      case 'clearStorageIfHeld':
        store.clearIfHeld(effect.tokens);
        return;
      case 'emit':
        emit(effect.event);
        return;
      case 'settleWaiters':
        settleWaiters();
        return;
      case 'announce':
        if (coordinator) announce(coordinator, state, effect.what);
        return;
      case 'revoke':
        revoking = runner.revoke(effect.tokens, effect.reason);
        return;
    }
  }

  function emit(event: SessionEvent): void {
    log(
      event.type === 'refreshFailed' ? 'warn' : 'debug',
      `session ${event.type}`,
      eventFields(event),
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

  function settle(waiter: Waiter, decision: Exclude<Decision, 'wait'>): void {
    if ('token' in decision) waiter.resolve(decision.token);
    else waiter.reject(decision.error);
  }

  function settleWaiters(): void {
    if (waiters.size === 0) return;
    const decision = decide(config, state, clock.now());
    if (decision === 'wait') return;
    const ready = [...waiters];
    waiters.clear();
    for (const waiter of ready) settle(waiter, decision);
  }

  /** The token for a request: at once on the hot path, else after the refresh it waits for. */
  function readToken(): Promise<string> {
    if (disposed) return Promise.reject(disposedError());
    const now = clock.now();
    lastReadAt = now;
    if (hot !== undefined && now < hot.until) return Promise.resolve(hot.token);
    return acquire();
  }

  /** The token when the hot path has it (counting as activity, like getAccessToken), else undefined. */
  function peekToken(): string | undefined {
    if (disposed) return undefined;
    if (config.tracksActivity) dispatch({ type: 'activity' });
    const now = clock.now();
    if (hot === undefined || now >= hot.until) return undefined;
    lastReadAt = now;
    return hot.token;
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
    const decision = decide(config, state, clock.now());
    return new Promise((resolve, reject) => {
      if (decision === 'wait') waiters.add({ resolve, reject });
      else settle({ resolve, reject }, decision);
    });
  }

  /** Resolves with the access token after the next refresh, or rejects with why there is none. */
  function refreshOnce(): Promise<string> {
    const generation = state.generation;
    return new Promise<string>((resolve, reject) => {
      const finish = (settleWith: () => void) => {
        stop();
        refreshCalls.delete(rejectOnDispose);
        settleWith();
      };
      const rejectOnDispose = (error: unknown) => finish(() => reject(error));
      refreshCalls.add(rejectOnDispose);
      // The listener is in place before the input is processed, which may happen later when this
      // is called from inside another listener.
      const stop = session.subscribe((event) => {
        if (event.type === 'refreshed' && state.generation !== generation) {
          finish(() => resolve(state.tokens!.accessToken));
        } else if (event.type === 'refreshFailed') {
          finish(() => reject(event.error));
        } else if (event.type === 'expired' || event.type === 'signedOut') {
          finish(() => acquire().then(resolve, reject));
        }
      });
      dispatch({ type: 'extend' });
    });
  }

  const controls: LifecycleControls = {
    pause: () => !disposed && dispatch({ type: 'pause' }),
    resume: () => !disposed && dispatch({ type: 'resume' }),
    setOnline: (online) => !disposed && dispatch({ type: 'online', online }),
  };
  const sources =
    options.lifecycle === undefined ? [] : ([] as LifecycleSource[]).concat(options.lifecycle);
  for (const source of sources) {
    if (typeof source !== 'function') {
      throw new ConfigError(
        'lifecycle must be a lifecycle source (a function, such as browserLifecycle()) or an array of them',
      );
    }
  }
  const cleanups = sources.map((source) => source(controls));
  if (coordinator) {
    const stopListening = coordinator.subscribe((message) => {
      const input = disposed ? undefined : inputFor(message, log);
      if (input) dispatch(input);
    });
    cleanups.push(stopListening, () => coordinator.close());
  }

  const nothingStored = options.storage === undefined && !coordinator;
  // A fresh in-memory store holds nothing: signed out from the first snapshot, not `loading`.
  if (nothingStored) dispatch({ type: 'restored', tokens: undefined, lastActivityAt: undefined });
  const restoring = (nothingStored ? Promise.resolve(undefined) : store.read()).then(
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
      if (state.status !== 'loading') return;
      // Signed out, but what could not be read stays where it is until the next sign-in
      // replaces it: a wrong key may be a configuration mistake that gets corrected, and a
      // keychain that is locked during a background launch opens later. Deleting would turn
      // either into a lost session.
      dispatch({ type: 'restored', tokens: undefined, lastActivityAt: undefined });
    },
  );

  const session: AccessibleSession = {
    [ADAPTER_ACCESS]: { backgroundToken: readToken, peekToken },
    ready: () => restoring,
    async signIn(input) {
      if (disposed) throw disposedError();
      dispatch({ type: 'signIn', tokens: parseTokenInput(input, clock.now()) });
      await store.settled();
    },
    async signOut() {
      if (disposed) throw disposedError();
      dispatch({ type: 'signOut', remote: false });
      await Promise.all([store.settled(), revoking]);
    },
    getAccessToken() {
      // A token read is for an API call about to go out: it restarts the idle countdown.
      if (!disposed && config.tracksActivity) dispatch({ type: 'activity' });
      return readToken();
    },
    handleUnauthorized(usedToken) {
      if (disposed) return Promise.reject(disposedError());
      lastReadAt = clock.now();
      const t = state.tokens;
      if (state.status === 'active' && t) {
        const current = typeof usedToken === 'string' && usedToken === t.accessToken;
        const print = typeof usedToken === 'string' ? fingerprint(usedToken) : 'none';
        dispatch({
          type: 'unauthorized',
          generation: current ? state.generation : -1,
          fingerprint: print,
        });
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
      return refreshOnce();
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
    getSnapshot: () => snapshotOf(state),
    dispose() {
      if (disposed) return;
      disposed = true;
      hot = undefined;
      const error = disposedError();
      for (const rejectCall of [...refreshCalls]) rejectCall(error);
      if (timer) clock.clearTimeout(timer.handle);
      timer = undefined;
      runner.abortAll();
      for (const cleanup of cleanups) cleanup?.();
      for (const waiter of waiters) waiter.reject(error);
      waiters.clear();
      listeners.clear();
      watchers.clear();
    },
  };
  return session;
}
