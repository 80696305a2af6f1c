/**
 * The pure core of a session: `(state, input, env) -> { state, effects }`. Every input (timer,
 * 401, activity, app resumed, other tab refreshed, refresh settled) goes through `reduce`; the
 * runtime (session.ts) performs the effects. Nothing here reads a clock or touches I/O.
 */
import { type ExpiredReason, RefreshFailedError } from './errors.js';
import type { RefreshReason, SessionEvent } from './events.js';
import { activeWindowOf, type ResolvedPolicy, refreshAt, usableUntil } from './policy.js';
import type { Tokens } from './tokens.js';

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
}

export type Input =
  | { type: 'restored'; tokens: Tokens | undefined; lastActivityAt: number | undefined }
  | { type: 'signIn'; tokens: Tokens }
  | { type: 'signOut'; remote: boolean }
  | { type: 'tick' }
  | { type: 'demand' }
  | { type: 'unauthorized'; generation: number; fingerprint: string }
  | { type: 'activity' }
  | { type: 'extend' }
  | {
      type: 'refreshSucceeded';
      seq: number;
      /** The token generation the refresh started from. */
      baseGeneration: number;
      reason: RefreshReason;
      tokens: Tokens;
    }
  | { type: 'refreshFailed'; seq: number; error: RefreshFailedError }
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
  | { type: 'remoteEnd'; reason: ExpiredReason | undefined; error: string | undefined };

export type Effect =
  | { type: 'startRefresh'; seq: number; reason: RefreshReason }
  | { type: 'abortRefresh'; seq: number }
  | { type: 'persist' }
  | { type: 'clearStorage' }
  | { type: 'emit'; event: SessionEvent }
  | { type: 'settleWaiters' }
  | { type: 'announce'; what: 'signedIn' | 'refreshed' | 'activity' | 'signedOut' | 'expired' }
  /** A remote end: delete the stored record if it still holds the tokens this session had. */
  | { type: 'clearStorageIfHeld'; tokens: Tokens }
  | { type: 'revoke'; tokens: Tokens };

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

const idleRefresh: RefreshState = {
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
  };
}

type Fx = Effect[];

function emit(fx: Fx, event: SessionEvent): void {
  fx.push({ type: 'emit', event });
}

/** Clears a running refresh (aborting it unless it is `settled`), keeping the sequence counter. */
function dropRefresh(s: State, fx: Fx, settled?: number): RefreshState {
  const running = s.refresh.inFlight;
  if (running && running.seq !== settled) fx.push({ type: 'abortRefresh', seq: running.seq });
  return { ...idleRefresh, seq: s.refresh.seq };
}

function withTokens(s: State, tokens: Tokens): State {
  return {
    ...s,
    status: 'active',
    tokens,
    generation: s.generation + 1,
    rejectedGeneration: undefined,
    expired: undefined,
  };
}

/**
 * Restarts a sliding session's idle countdown at `at`. Only signs of the user count: sign-in,
 * activity, `extend()`, coming back to the app. A refresh that keeps a socket's token fresh
 * does not: an idle timeout measures an absent user, and a dashboard left open is one.
 */
function restartIdle(config: MachineConfig, s: State, at: number): State {
  if (config.idleTimeout === undefined) return s;
  return {
    ...s,
    lastActivityAt: at,
    idleDeadline: at + config.idleTimeout,
    warnedDeadline: undefined,
    persistedActivityAt: at,
  };
}

function end(
  s: State,
  fx: Fx,
  outcome: { reason: ExpiredReason; error: string | undefined } | undefined,
  remote: boolean,
  now: number,
): State {
  const refresh = dropRefresh(s, fx);
  if (!remote) fx.push({ type: 'clearStorage' });
  // This tab's own write may have landed after the other tab cleared storage: undo it, but
  // leave a newer sign-in from a third tab alone.
  else if (s.tokens) fx.push({ type: 'clearStorageIfHeld', tokens: s.tokens });
  // Tell the server when the session ends here while its family may still be alive there:
  // a sign-out, or this device's idle timeout. After invalid_grant it is dead already, and an
  // end announced by another tab was revoked by that tab.
  if (!remote && s.tokens && (outcome === undefined || outcome.reason === 'idle')) {
    fx.push({ type: 'revoke', tokens: s.tokens });
  }
  emit(
    fx,
    outcome
      ? { type: 'expired', reason: outcome.reason, error: outcome.error, remote }
      : { type: 'signedOut', remote },
  );
  if (!remote) fx.push({ type: 'announce', what: outcome ? 'expired' : 'signedOut' });
  fx.push({ type: 'settleWaiters' });
  return {
    ...s,
    status: outcome ? 'expired' : 'signedOut',
    tokens: undefined,
    rejectedGeneration: undefined,
    refresh,
    lastActivityAt: undefined,
    lastUseAt: undefined,
    idleDeadline: undefined,
    warnedDeadline: undefined,
    expired: outcome,
    endedAt: now,
  };
}

function expire(s: State, fx: Fx, now: number, reason: ExpiredReason, error?: string): State {
  return end(s, fx, { reason, error }, false, now);
}

/** The session is in use: a live socket, or a token read or activity within the window. */
export function inUse(config: MachineConfig, s: State, env: Env): boolean {
  if (s.leases > 0) return true;
  if (!s.tokens) return false;
  const last = Math.max(s.lastUseAt ?? -Infinity, env.lastReadAt ?? -Infinity);
  return env.now - last <= activeWindowOf(config.policy, s.tokens);
}

function pastRefreshPoint(config: MachineConfig, tokens: Tokens, now: number): boolean {
  const at = refreshAt(config.policy, tokens);
  return at !== undefined && now >= at;
}

/** The current token can be handed to a caller. */
export function tokenUsable(config: MachineConfig, s: State, now: number): boolean {
  return (
    s.status === 'active' &&
    s.tokens !== undefined &&
    s.rejectedGeneration !== s.generation &&
    now < usableUntil(config.policy, s.tokens) &&
    (s.idleDeadline === undefined || now < s.idleDeadline)
  );
}

function refreshNeed(config: MachineConfig, s: State, env: Env): RefreshReason | undefined {
  if (!s.tokens) return undefined;
  if (s.rejectedGeneration === s.generation) return 'unauthorized';
  if (s.refresh.wanted) return s.refresh.wanted;
  if (pastRefreshPoint(config, s.tokens, env.now) && inUse(config, s, env)) return 'proactive';
  return undefined;
}

function apply(config: MachineConfig, s: State, input: Input, env: Env, fx: Fx): State {
  const { now } = env;
  switch (input.type) {
    case 'restored': {
      if (s.status !== 'loading') return s;
      fx.push({ type: 'settleWaiters' });
      const idle = { ...idleRefresh, seq: s.refresh.seq };
      if (!input.tokens) return { ...s, status: 'signedOut', refresh: idle };
      emit(fx, {
        type: 'restored',
        fingerprint: input.tokens.fingerprint,
        expiresAt: input.tokens.expiresAt,
      });
      const restored = restartIdle(
        config,
        withTokens(s, input.tokens),
        Math.min(input.lastActivityAt ?? now, now),
      );
      // A demand made while loading needs a refresh only if the restored token cannot serve it.
      return tokenUsable(config, restored, now) ? { ...restored, refresh: idle } : restored;
    }
    case 'signIn': {
      const refresh = dropRefresh(s, fx);
      const next = restartIdle(config, withTokens({ ...s, refresh }, input.tokens), now);
      fx.push({ type: 'persist' }, { type: 'announce', what: 'signedIn' });
      emit(fx, {
        type: 'signedIn',
        fingerprint: input.tokens.fingerprint,
        expiresAt: input.tokens.expiresAt,
        remote: false,
      });
      fx.push({ type: 'settleWaiters' });
      return next;
    }
    case 'signOut':
      if (s.status === 'signedOut' && !input.remote) {
        fx.push({ type: 'clearStorage' });
        return s;
      }
      return end(s, fx, undefined, input.remote, now);
    case 'remoteEnd':
      if (s.status !== 'active' && s.status !== 'loading') return s;
      return end(
        s,
        fx,
        input.reason ? { reason: input.reason, error: input.error } : undefined,
        true,
        now,
      );
    case 'tick':
      return s;
    case 'demand':
      // While stored tokens are still being read, remember the demand: the restore serves it.
      if (s.status === 'loading') return { ...s, refresh: { ...s.refresh, wanted: 'demand' } };
      if (s.status !== 'active' || tokenUsable(config, s, now) || s.refresh.wanted) return s;
      return { ...s, refresh: { ...s.refresh, wanted: 'demand' } };
    case 'unauthorized': {
      if (s.status !== 'active') return s;
      const stale = input.generation !== s.generation;
      emit(fx, { type: 'unauthorized', fingerprint: input.fingerprint, stale });
      if (stale || s.rejectedGeneration === s.generation) return s;
      return { ...s, rejectedGeneration: s.generation };
    }
    case 'activity': {
      if (s.status !== 'active') return s;
      // Activity extends a countdown that is still running; past the deadline (a device that
      // slept through it) the session is over, whatever comes next.
      if (s.idleDeadline !== undefined && now >= s.idleDeadline) return s;
      let next: State = { ...s, lastUseAt: now };
      if (config.idleTimeout !== undefined) {
        next = { ...next, lastActivityAt: now, idleDeadline: now + config.idleTimeout };
        const since = s.persistedActivityAt ?? Number.NEGATIVE_INFINITY;
        if (now - since >= config.activityPersistInterval) {
          fx.push({ type: 'persist' }, { type: 'announce', what: 'activity' });
          next = { ...next, persistedActivityAt: now };
        }
      }
      return next;
    }
    case 'extend': {
      if (s.status !== 'active') return s;
      // An explicit request (a "stay signed in" button) is the user, here now: the countdown
      // restarts at once (a refresh already running for a socket would not restart it), and the
      // refresh that tells the server does not wait out the backoff.
      const here = restartIdle(config, s, now);
      return { ...here, refresh: { ...here.refresh, wanted: 'extend', retryAt: undefined } };
    }
    case 'refreshSucceeded': {
      // Accepted whenever it was computed from the tokens we still hold, even after its attempt
      // timed out: the server has rotated, and dropping the answer would strand us on the
      // predecessor. Anything computed from older tokens is dropped.
      if (input.baseGeneration !== s.generation || s.status !== 'active') return s;
      const { reason } = input;
      const previous = s.tokens?.fingerprint;
      const renewed = { ...withTokens(s, input.tokens), refresh: dropRefresh(s, fx, input.seq) };
      const next =
        reason === 'extend' || reason === 'resume' ? restartIdle(config, renewed, now) : renewed;
      fx.push({ type: 'persist' }, { type: 'announce', what: 'refreshed' });
      emit(fx, {
        type: 'refreshed',
        reason,
        fingerprint: input.tokens.fingerprint,
        previousFingerprint: previous,
        expiresAt: input.tokens.expiresAt,
      });
      fx.push({ type: 'settleWaiters' });
      return next;
    }
    case 'refreshFailed': {
      if (s.refresh.inFlight?.seq !== input.seq) return s;
      const { reason } = s.refresh.inFlight;
      // While the platform says offline, failures are expected and must not grow the backoff.
      const failures = s.online ? s.refresh.failures + 1 : s.refresh.failures;
      const retryAt = s.online
        ? now + config.policy.backoff(Math.max(failures, 1), input.error.retryAfter, env.jitter)
        : undefined;
      const error = new RefreshFailedError(input.error.kind, input.error.message, {
        cause: input.error.cause,
        status: input.error.status,
        retryAfter: input.error.retryAfter,
        retryAt,
      });
      emit(fx, { type: 'refreshFailed', reason, error, attempt: failures, retryAt });
      fx.push({ type: 'settleWaiters' });
      return {
        ...s,
        refresh: {
          ...s.refresh,
          inFlight: undefined,
          failures,
          retryAt,
          lastError: error,
          // A demand that failed because the device is offline is still owed when it returns.
          wanted: s.online ? undefined : (s.refresh.wanted ?? reason),
        },
      };
    }
    case 'refreshRejected':
      if (s.refresh.inFlight?.seq !== input.seq) return s;
      return expire(s, fx, now, input.reason, input.error);
    case 'pause':
      if (s.paused) return s;
      emit(fx, { type: 'paused' });
      // Going to the background is the likeliest moment to be killed: save the idle clock.
      if (s.status === 'active' && config.idleTimeout !== undefined) {
        fx.push({ type: 'persist' });
        return { ...s, paused: true, pausedAt: now, persistedActivityAt: s.lastActivityAt };
      }
      return { ...s, paused: true, pausedAt: now };
    case 'resume': {
      if (!s.paused) return s;
      emit(fx, { type: 'resumed', awayMs: now - (s.pausedAt ?? now) });
      const next: State = { ...s, paused: false, pausedAt: undefined };
      if (next.status !== 'active' || !next.tokens || !config.canRefresh) return next;
      // A sliding session still alive extends itself on resume; any session past its refresh
      // point refreshes before the next request needs it.
      const due = config.idleTimeout !== undefined || pastRefreshPoint(config, next.tokens, now);
      return due
        ? { ...next, refresh: { ...next.refresh, wanted: next.refresh.wanted ?? 'resume' } }
        : next;
    }
    case 'online': {
      if (input.online === s.online) return s;
      if (!input.online) {
        emit(fx, { type: 'offline' });
        return { ...s, online: false };
      }
      emit(fx, { type: 'online' });
      // Back online: failures that were the network's are forgotten; a server's Retry-After
      // still stands (a Wi-Fi change is no reason to ignore a 429).
      const told = s.refresh.lastError?.retryAfter !== undefined;
      let next: State = {
        ...s,
        online: true,
        refresh: told ? s.refresh : { ...s.refresh, failures: 0, retryAt: undefined },
      };
      if (
        next.status === 'active' &&
        next.tokens &&
        !next.refresh.wanted &&
        pastRefreshPoint(config, next.tokens, now) &&
        inUse(config, next, env)
      ) {
        next = { ...next, refresh: { ...next.refresh, wanted: 'online' } };
      }
      return next;
    }
    case 'remoteActivity':
      // The user is active in another tab: the shared idle countdown restarts at that moment.
      if (s.status !== 'active' || s.lastActivityAt === undefined || input.at <= s.lastActivityAt)
        return s;
      return {
        ...restartIdle(config, s, Math.min(input.at, now)),
        persistedActivityAt: s.persistedActivityAt,
      };
    case 'retain':
      return { ...s, leases: s.leases + 1 };
    case 'release':
      return { ...s, leases: Math.max(0, s.leases - 1) };
    case 'adopt': {
      // Tokens from another tab or from storage: only ever move forward in time, and a session
      // that ended here follows a new sign-in elsewhere, never a refresh of the ended one.
      if (s.tokens?.accessToken === input.tokens.accessToken) return s;
      if (s.status !== 'active' && input.origin !== 'signIn') return s;
      if (s.tokens && input.tokens.receivedAt < s.tokens.receivedAt) return s;
      if (
        s.status !== 'active' &&
        s.endedAt !== undefined &&
        input.tokens.receivedAt <= s.endedAt
      ) {
        return s;
      }
      const wasActive = s.status === 'active';
      const previous = s.tokens?.fingerprint;
      const refresh = dropRefresh(s, fx);
      let next = withTokens({ ...s, refresh }, input.tokens);
      // Another tab's activity counts; a session that had ended starts its countdown now.
      if (!wasActive) next = restartIdle(config, next, input.lastActivityAt ?? now);
      else if (
        input.lastActivityAt !== undefined &&
        input.lastActivityAt > (s.lastActivityAt ?? 0)
      ) {
        next = restartIdle(config, next, input.lastActivityAt);
      }
      emit(
        fx,
        wasActive
          ? {
              type: 'refreshed',
              reason: 'remote',
              fingerprint: input.tokens.fingerprint,
              previousFingerprint: previous,
              expiresAt: input.tokens.expiresAt,
            }
          : {
              type: 'signedIn',
              fingerprint: input.tokens.fingerprint,
              expiresAt: input.tokens.expiresAt,
              remote: true,
            },
      );
      fx.push({ type: 'settleWaiters' });
      return next;
    }
  }
}

/** Re-reads the clock: ends the session, warns, or starts a refresh as the time demands. */
function evaluate(config: MachineConfig, s: State, env: Env, fx: Fx): State {
  const tokens = s.tokens;
  if (s.status !== 'active' || !tokens) return s;
  const { now } = env;
  if (s.idleDeadline !== undefined && now >= s.idleDeadline) return expire(s, fx, now, 'idle');
  if (tokens.refreshExpiresAt !== undefined && now >= tokens.refreshExpiresAt) {
    return expire(s, fx, now, 'refresh_token_expired');
  }
  if (!config.canRefresh) {
    if (tokens.expiresAt !== undefined && now >= tokens.expiresAt)
      return expire(s, fx, now, 'token_expired');
    if (s.rejectedGeneration === s.generation) return expire(s, fx, now, 'unauthorized');
  }
  let next = s;
  if (
    next.idleDeadline !== undefined &&
    next.warnedDeadline !== next.idleDeadline &&
    now >= next.idleDeadline - config.expiringWarning
  ) {
    emit(fx, { type: 'expiring', remaining: next.idleDeadline - now, deadline: next.idleDeadline });
    next = { ...next, warnedDeadline: next.idleDeadline };
    if (config.autoExtend && config.canRefresh && !next.refresh.wanted) {
      next = { ...next, refresh: { ...next.refresh, wanted: 'extend' } };
    }
  }
  const reason = refreshNeed(config, next, env);
  const { refresh } = next;
  if (
    reason === undefined ||
    !config.canRefresh ||
    refresh.inFlight ||
    !next.online ||
    (refresh.retryAt !== undefined && now < refresh.retryAt)
  ) {
    return next;
  }
  const seq = refresh.seq + 1;
  fx.push({ type: 'startRefresh', seq, reason });
  emit(fx, { type: 'refreshing', reason, attempt: refresh.failures + 1 });
  return { ...next, refresh: { ...refresh, seq, inFlight: { seq, reason } } };
}

export function reduce(config: MachineConfig, state: State, input: Input, env: Env): Result {
  const fx: Fx = [];
  const applied = apply(config, state, input, env, fx);
  return { state: evaluate(config, applied, env, fx), effects: fx };
}

/**
 * The next moment the session must re-read the clock, or undefined when nothing is pending.
 * Only moments strictly after `now` count: anything due now was handled by `evaluate`.
 */
export function nextWakeAt(config: MachineConfig, s: State, now: number): number | undefined {
  const tokens = s.tokens;
  if (s.status !== 'active' || !tokens) return undefined;
  const candidates: (number | undefined)[] = [tokens.refreshExpiresAt, s.refresh.retryAt];
  if (s.idleDeadline !== undefined) {
    candidates.push(s.idleDeadline);
    if (s.warnedDeadline !== s.idleDeadline)
      candidates.push(s.idleDeadline - config.expiringWarning);
  }
  // The refresh-ahead timer only matters when something keeps the session in use between
  // reads; otherwise the next read decides, and an idle device is left asleep.
  if (!config.canRefresh) candidates.push(tokens.expiresAt);
  else if (s.leases > 0 || activeWindowOf(config.policy, tokens) > 0) {
    candidates.push(refreshAt(config.policy, tokens));
  }
  let best: number | undefined;
  for (const at of candidates) {
    if (at !== undefined && at > now && (best === undefined || at < best)) best = at;
  }
  return best;
}
