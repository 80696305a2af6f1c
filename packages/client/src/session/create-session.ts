/**
 * The runtime around the pure reducer: it turns calls, timers and platform signals into inputs,
 * performs the effects the reducer returns, and hands tokens to callers. It decides nothing:
 * every "wait, refresh, answer or fail" comes from the reducer (`machine/`).
 */

import { ConfigError, DisposedError, StorageError } from '../errors.js';
import type { LifecycleControls, LifecycleSource } from '../lifecycle/types.js';
import { type Log, redactingLog } from '../logger.js';
import {
  type Effect,
  type Env,
  type Input,
  initialState,
  nextWakeAt,
  reduce,
  type State,
  servable,
} from '../machine/reduce.js';
import { encodeRecord } from '../storage/record.js';
import { createSessionStore } from '../storage/session-store.js';
import { parseTokenInput } from '../tokens/parse.js';
import { checkTokenType } from '../tokens/token-type.js';
import { type AccessibleSession, ADAPTER_ACCESS } from './adapter-access.js';
import { announce, inputFor } from './coordination.js';
import { createListeners } from './listeners.js';
import { resolveOptions } from './options.js';
import { createRefreshRunner } from './refresh-runner.js';
import { createSnapshots } from './snapshot.js';
import type { Session, SessionOptions } from './types.js';
import { createWaiters } from './waiters.js';
import { createWakeTimer } from './wake-timer.js';

export type {
  RefreshContext,
  RefreshFunction,
  RevokeContext,
  RevokeFunction,
  Session,
  SessionOptions,
  SessionSnapshot,
} from './types.js';

const disposedError = () => new DisposedError();

/**
 * Creates a session: the owner of one user's tokens.
 * @example
 * const session = createSession({
 *   refresh: oauth2Refresh({ tokenEndpoint: 'https://auth.example.com/oauth/token' }),
 *   storage: webStorage(),
 * });
 */
export function createSession(options: SessionOptions = {}): Session {
  const { config, clock, storage, storageKey, refreshTimeout, random, dpop } =
    resolveOptions(options);
  const coordinator = options.coordinator;
  let state: State = initialState(options.online ?? true);
  /** Last time a caller read the token: an observation handed to the reducer as `env`. */
  let lastReadAt: number | undefined;
  let disposed = false;
  let dispatching = false;
  const queue: Input[] = [];
  /** `servable(state)`, kept with the state: the hot path of `getAccessToken()`. */
  let hot: ReturnType<typeof servable>;
  let revoking: Promise<void> = Promise.resolve();
  const waiters = createWaiters();
  const snapshotOf = createSnapshots(config);
  const timer = createWakeTimer(clock, () => dispatch({ type: 'tick' }));

  const log: Log = redactingLog(options.logger, () => {
    const t = state.tokens;
    return t ? [t.accessToken, ...(t.refreshToken ? [t.refreshToken] : [])] : [];
  });
  const listeners = createListeners(log);
  const store = createSessionStore({
    storage,
    key: storageKey,
    log,
    onWriteError: (error) => listeners.emit({ type: 'storageError', error }),
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
    dpop,
  });

  /** Runs `input` through the reducer; inputs arriving meanwhile (from effects) queue behind. */
  function dispatch(input: Input): void {
    queue.push(input);
    if (dispatching) return;
    dispatching = true;
    try {
      for (let next = queue.shift(); next; next = queue.shift()) step(next);
    } finally {
      dispatching = false;
    }
  }

  function step(input: Input): void {
    const env: Env = { now: clock.now(), jitter: random(), lastReadAt };
    const before = state;
    const result = reduce(config, state, input, env);
    state = result.state;
    if (state !== before) hot = servable(config, state);
    for (const effect of result.effects) perform(effect);
    const wakeAt =
      state.paused && !options.timersWhilePaused ? undefined : nextWakeAt(config, state, env.now);
    if (!disposed) timer.set(wakeAt, env.now);
    if (state !== before) listeners.changed();
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
        listeners.emit(effect.event);
        return;
      case 'settle':
        waiters.settle(effect.who, effect.outcome);
        return;
      case 'announce':
        if (coordinator) announce(coordinator, state, effect.what);
        return;
      case 'revoke':
        revoking = runner.revoke(effect.tokens, effect.reason);
        return;
      case 'restore':
        void restore();
        return;
      case 'retryStorage':
        store.retryFailed();
        return;
      case 'dpopKey':
        if (effect.action === 'forget') dpop?.forget();
        // After the revocation, whose request still carries a proof by this key.
        else
          void revoking
            .then(() => dpop?.discard())
            .catch((error: unknown) => log('warn', 'deleting the DPoP key failed', { error }));
        return;
    }
  }

  /** Waits for the reducer's answer to `input` (registered first: the answer may be at once). */
  function ask(who: 'token' | 'refresh', input: Input): Promise<string> {
    if (disposed) return Promise.reject(disposedError());
    const answer = waiters.wait(who);
    dispatch(input);
    return answer;
  }

  /** The token for a request: at once on the hot path, else the reducer's answer. */
  function readToken(): Promise<string> {
    if (disposed) return Promise.reject(disposedError());
    const now = clock.now();
    lastReadAt = now;
    if (hot !== undefined && now < hot.until) return Promise.resolve(hot.token);
    return ask('token', { type: 'demand' });
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

  /** A DPoP session's headers: the token's scheme, and a proof unless the server downgraded. */
  async function dpopHeaders(
    method: string,
    url: string,
    token: string,
  ): Promise<Record<string, string>> {
    if (state.tokens?.tokenType !== 'DPoP') return { authorization: `Bearer ${token}` };
    return { authorization: `DPoP ${token}`, dpop: await dpop!.proof(method, url, token) };
  }

  const controls: LifecycleControls = {
    pause: () => !disposed && dispatch({ type: 'pause' }),
    resume: () => !disposed && dispatch({ type: 'resume' }),
    setOnline: (online) => !disposed && dispatch({ type: 'online', online }),
  };
  const cleanups = lifecycleSources(options.lifecycle).map((source) => source(controls));
  if (coordinator) {
    const stopListening = coordinator.subscribe((message) => {
      const input = disposed ? undefined : inputFor(message, log);
      if (input) dispatch(input);
    });
    cleanups.push(stopListening, () => coordinator.close());
  }

  /** Reads the stored session; the reducer decides what a failure means. */
  function restore(): Promise<void> {
    return store.read().then(
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
        log('warn', 'stored session unreadable', { error });
        if (!disposed) dispatch({ type: 'restoreFailed', error });
      },
    );
  }

  const nothingStored = options.storage === undefined && !coordinator;
  // A fresh in-memory store holds nothing: signed out from the first snapshot, not `loading`.
  if (nothingStored) dispatch({ type: 'restored', tokens: undefined, lastActivityAt: undefined });
  const restoring = nothingStored ? Promise.resolve() : restore();

  const session: AccessibleSession = {
    [ADAPTER_ACCESS]: {
      backgroundToken: readToken,
      peekToken,
      ...(dpop ? { dpop: { authorize: dpopHeaders, observe: dpop.observe } } : {}),
    },
    ready: () => restoring,
    async signIn(input) {
      if (disposed) throw disposedError();
      const tokens = parseTokenInput(input, clock.now());
      checkTokenType(tokens, dpop);
      dispatch({ type: 'signIn', tokens });
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
      const used = typeof usedToken === 'string' ? usedToken : undefined;
      dispatch({ type: 'unauthorized', usedToken: used });
      return ask('token', { type: 'demand' });
    },
    markActivity() {
      // Per request on the hot path: skip the reducer when nothing reads activity.
      if (!disposed && config.tracksActivity) dispatch({ type: 'activity' });
    },
    async getAuthorizationHeaders({ method, url }) {
      const token = await session.getAccessToken();
      return dpop ? dpopHeaders(method, url, token) : { authorization: `Bearer ${token}` };
    },
    dpopProof({ method, url, nonce }) {
      if (!dpop) return Promise.reject(new ConfigError('dpopProof needs the dpop option'));
      if (nonce !== undefined) dpop.observe(url, { get: () => nonce });
      return dpop.proof(method, url);
    },
    refresh: () => ask('refresh', { type: 'extend' }),
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
    subscribe: (listener) => listeners.subscribe(listener),
    watch: (watcher) => listeners.watch(watcher),
    getSnapshot: () => snapshotOf(state),
    dispose() {
      if (disposed) return;
      disposed = true;
      hot = undefined;
      timer.clear();
      runner.abortAll();
      for (const cleanup of cleanups) cleanup?.();
      waiters.rejectAll(disposedError());
      listeners.clear();
    },
  };
  return session;
}

function lifecycleSources(lifecycle: SessionOptions['lifecycle']): LifecycleSource[] {
  const sources = lifecycle === undefined ? [] : ([] as LifecycleSource[]).concat(lifecycle);
  for (const source of sources) {
    if (typeof source !== 'function') {
      throw new ConfigError(
        'lifecycle must be a lifecycle source (a function, such as browserLifecycle()) or an array of them',
      );
    }
  }
  return sources;
}
