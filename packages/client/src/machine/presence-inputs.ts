import { emit, pastRefreshPoint, restartIdle } from './rules.js';
import type { State } from './state.js';
import type { InputOf, StepContext } from './step.js';

export function onActivity(ctx: StepContext, s: State): State {
  const { config, fx, now } = ctx;
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

export function onRemoteActivity(
  ctx: StepContext,
  s: State,
  input: InputOf<'remoteActivity'>,
): State {
  const { config, now } = ctx;
  // The user is active in another tab: the shared idle countdown restarts at that moment.
  if (s.status !== 'active' || s.lastActivityAt === undefined || input.at <= s.lastActivityAt)
    return s;
  return {
    ...restartIdle(config, s, Math.min(input.at, now)),
    persistedActivityAt: s.persistedActivityAt,
  };
}

export function onPause(ctx: StepContext, s: State): State {
  const { config, fx, now } = ctx;
  if (s.paused) return s;
  emit(fx, { type: 'paused' });
  // Going to the background is the likeliest moment to be killed: save the idle clock.
  if (s.status === 'active' && config.idleTimeout !== undefined) {
    fx.push({ type: 'persist' });
    return { ...s, paused: true, pausedAt: now, persistedActivityAt: s.lastActivityAt };
  }
  return { ...s, paused: true, pausedAt: now };
}

export function onResume(ctx: StepContext, s: State): State {
  const { config, fx, now } = ctx;
  if (!s.paused) return s;
  emit(fx, { type: 'resumed', awayMs: now - (s.pausedAt ?? now) });
  // What storage refused while in the background is written again now.
  fx.push({ type: 'retryStorage' });
  if (s.restoreError) {
    // The store could not be read at a background launch: read again, callers wait for it.
    fx.push({ type: 'restore' });
    return { ...s, paused: false, pausedAt: undefined, restoreError: undefined };
  }
  const next: State = { ...s, paused: false, pausedAt: undefined };
  if (next.status !== 'active' || !next.tokens || !config.canRefresh) return next;
  // A sliding session still alive extends itself on resume; any session past its refresh
  // point refreshes before the next request needs it.
  const due = config.idleTimeout !== undefined || pastRefreshPoint(config, next.tokens, now);
  return due
    ? { ...next, refresh: { ...next.refresh, wanted: next.refresh.wanted ?? 'resume' } }
    : next;
}

export function onOnline(ctx: StepContext, s: State, input: InputOf<'online'>): State {
  const { config, fx, now } = ctx;
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
  // Back from offline is like back from the background: a token past its refresh point is
  // refreshed now, once, rather than by the next request. (A paused app waits for its resume.)
  if (
    next.status === 'active' &&
    next.tokens &&
    config.canRefresh &&
    !next.paused &&
    !next.refresh.wanted &&
    pastRefreshPoint(config, next.tokens, now)
  ) {
    next = { ...next, refresh: { ...next.refresh, wanted: 'online' } };
  }
  return next;
}

export function onRetain(_ctx: StepContext, s: State): State {
  return { ...s, leases: s.leases + 1 };
}

export function onRelease(_ctx: StepContext, s: State): State {
  return { ...s, leases: Math.max(0, s.leases - 1) };
}
