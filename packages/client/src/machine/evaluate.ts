/**
 * Time decides: after every input the reducer re-reads the clock, ends the session, warns of an
 * idle deadline or starts a refresh; and it tells the runtime when to look again.
 */
import { activeWindowOf, refreshAt } from './policy.js';
import { emit, expire, type Fx, refreshNeed } from './rules.js';
import type { Env, MachineConfig, State } from './state.js';

/** Re-reads the clock: ends the session, warns, or starts a refresh as the time demands. */
export function evaluate(config: MachineConfig, s: State, env: Env, fx: Fx): State {
  const tokens = s.tokens;
  if (s.status !== 'active' || !tokens) return s;
  const { now } = env;
  if (s.idleDeadline !== undefined && now >= s.idleDeadline)
    return expire(config, s, fx, now, 'idle');
  if (tokens.refreshExpiresAt !== undefined && now >= tokens.refreshExpiresAt) {
    return expire(config, s, fx, now, 'refresh_token_expired');
  }
  if (!config.canRefresh) {
    if (tokens.expiresAt !== undefined && now >= tokens.expiresAt)
      return expire(config, s, fx, now, 'token_expired');
    if (s.rejectedGeneration === s.generation) return expire(config, s, fx, now, 'unauthorized');
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
