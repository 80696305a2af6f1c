/**
 * The rules every transition of the session reducer shares: tokens in, the session out, the
 * idle countdown, what "in use" and "usable" mean, and when a refresh is needed.
 */
import type { ExpiredReason } from '../errors.js';
import type { RefreshReason, SessionEvent } from '../events.js';
import type { Tokens } from '../tokens/types.js';
import { activeWindowOf, refreshAt, usableUntil } from './policy.js';
import {
  type Effect,
  type Env,
  idleRefresh,
  type MachineConfig,
  type Outcome,
  type RefreshState,
  type State,
} from './state.js';

/**
 * A request, inside one step, to answer waiting callers from the state the step ends in:
 * `token` answers callers waiting for any usable token, `all` also those waiting for a refresh.
 * `reduce` turns it into `settle` effects once the step (and `evaluate`) is done, because only
 * the final state says whether a caller still has to wait.
 */
export interface Answer {
  readonly type: 'answer';
  readonly who: 'token' | 'all';
}

/** Effects collected during one step, plus the answers `reduce` resolves at its end. */
export type Fx = (Effect | Answer)[];

export function answer(fx: Fx, who: Answer['who'] = 'token'): void {
  fx.push({ type: 'answer', who });
}

/** Answers the callers waiting for a refresh (`refresh()`, `extend()`) with what it gave. */
export function settleRefreshCalls(fx: Fx, outcome: Outcome): void {
  fx.push({ type: 'settle', who: 'refresh', outcome });
}

export function emit(fx: Fx, event: SessionEvent): void {
  fx.push({ type: 'emit', event });
}

/** Clears a running refresh (aborting it unless it is `settled`), keeping the sequence counter. */
export function dropRefresh(s: State, fx: Fx, settled?: number): RefreshState {
  const running = s.refresh.inFlight;
  if (running && running.seq !== settled) fx.push({ type: 'abortRefresh', seq: running.seq });
  return { ...idleRefresh, seq: s.refresh.seq };
}

export function withTokens(s: State, tokens: Tokens): State {
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
export function restartIdle(config: MachineConfig, s: State, at: number): State {
  if (config.idleTimeout === undefined) return s;
  return {
    ...s,
    lastActivityAt: at,
    idleDeadline: at + config.idleTimeout,
    warnedDeadline: undefined,
    persistedActivityAt: at,
  };
}

export function end(
  s: State,
  fx: Fx,
  outcome: { reason: ExpiredReason; error: string | undefined } | undefined,
  remote: boolean,
  now: number,
  dpop: boolean,
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
    fx.push({
      type: 'revoke',
      tokens: s.tokens,
      reason: outcome === undefined ? 'signOut' : 'idle',
    });
  }
  emit(
    fx,
    outcome
      ? { type: 'expired', reason: outcome.reason, error: outcome.error, remote }
      : { type: 'signedOut', remote },
  );
  if (!remote) fx.push({ type: 'announce', what: outcome ? 'expired' : 'signedOut' });
  if (dpop) fx.push({ type: 'dpopKey', action: remote ? 'forget' : 'discard' });
  answer(fx, 'all');
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

export function expire(
  config: MachineConfig,
  s: State,
  fx: Fx,
  now: number,
  reason: ExpiredReason,
  error?: string,
): State {
  return end(s, fx, { reason, error }, false, now, config.dpop);
}

/** The session is in use: a live socket, or a token read or activity within the window. */
export function inUse(config: MachineConfig, s: State, env: Env): boolean {
  if (s.leases > 0) return true;
  if (!s.tokens) return false;
  const last = Math.max(s.lastUseAt ?? -Infinity, env.lastReadAt ?? -Infinity);
  return env.now - last <= activeWindowOf(config.policy, s.tokens);
}

export function pastRefreshPoint(config: MachineConfig, tokens: Tokens, now: number): boolean {
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

export function refreshNeed(config: MachineConfig, s: State, env: Env): RefreshReason | undefined {
  if (!s.tokens) return undefined;
  if (s.rejectedGeneration === s.generation) return 'unauthorized';
  if (s.refresh.wanted) return s.refresh.wanted;
  if (pastRefreshPoint(config, s.tokens, env.now) && inUse(config, s, env)) return 'proactive';
  return undefined;
}
