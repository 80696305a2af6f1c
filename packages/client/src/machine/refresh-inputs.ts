/**
 * Reducer transitions: asking for tokens, 401s, and how refreshes settle.
 */
import { ConfigError, OfflineError, RefreshFailedError } from '../errors.js';
import { fingerprint } from '../redact.js';
import {
  answer,
  dropRefresh,
  emit,
  expire,
  restartIdle,
  settleRefreshCalls,
  tokenUsable,
  withTokens,
} from './rules.js';
import type { State } from './state.js';
import type { InputOf, StepContext } from './step.js';

export function onDemand(ctx: StepContext, s: State): State {
  const { config, fx, now } = ctx;
  // While stored tokens are still being read, remember the demand: the restore answers it.
  // (A store unavailable at a background launch answers at once, with its retryable error.)
  if (s.status === 'loading') {
    if (s.restoreError) answer(fx);
    return { ...s, refresh: { ...s.refresh, wanted: 'demand' } };
  }
  // Answered from the state this step ends in: the token, a wait for the refresh that starts
  // now, or why there is none (offline, backing off, signed out).
  answer(fx);
  if (s.status !== 'active' || tokenUsable(config, s, now) || s.refresh.wanted) return s;
  return { ...s, refresh: { ...s.refresh, wanted: 'demand' } };
}

export function onUnauthorized(ctx: StepContext, s: State, input: InputOf<'unauthorized'>): State {
  const { fx } = ctx;
  if (s.status !== 'active' || !s.tokens) return s;
  const { usedToken } = input;
  // A 401 for a token older than the current one is answered by a retry with the current
  // token, never by another refresh.
  const stale = usedToken !== s.tokens.accessToken;
  const print = usedToken === undefined ? 'none' : fingerprint(usedToken);
  emit(fx, { type: 'unauthorized', fingerprint: print, stale });
  if (stale || s.rejectedGeneration === s.generation) return s;
  return { ...s, rejectedGeneration: s.generation };
}

export function onExtend(ctx: StepContext, s: State): State {
  const { config, fx, now } = ctx;
  // Not signed in: the call is answered like a token request (after the restore, if loading).
  if (s.status === 'loading') return onDemand(ctx, s);
  if (s.status !== 'active') {
    answer(fx, 'all');
    return s;
  }
  if (!config.canRefresh) {
    settleRefreshCalls(fx, { error: new ConfigError('The session has no refresh option') });
    return s;
  }
  if (!s.online) {
    settleRefreshCalls(fx, { error: new OfflineError() });
    return s;
  }
  // An explicit request (a "stay signed in" button) is the user, here now: the countdown
  // restarts at once (a refresh already running for a socket would not restart it), and the
  // refresh that tells the server does not wait out the backoff.
  const here = restartIdle(config, s, now);
  return { ...here, refresh: { ...here.refresh, wanted: 'extend', retryAt: undefined } };
}

export function onRefreshSucceeded(
  ctx: StepContext,
  s: State,
  input: InputOf<'refreshSucceeded'>,
): State {
  const { config, fx, now } = ctx;
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
  settleRefreshCalls(fx, { token: input.tokens.accessToken });
  answer(fx);
  return next;
}

export function onRefreshFailed(
  ctx: StepContext,
  s: State,
  input: InputOf<'refreshFailed'>,
): State {
  const { config, env, fx, now } = ctx;
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
  settleRefreshCalls(fx, { error });
  answer(fx);
  // Keep a rotated refresh token even from an unusable answer: the old one is dead now.
  const rotated = input.rotatedRefreshToken;
  const tokens =
    rotated && s.tokens
      ? { ...s.tokens, refreshToken: rotated, refreshExpiresAt: undefined }
      : s.tokens;
  if (tokens !== s.tokens) fx.push({ type: 'persist' });
  return {
    ...s,
    tokens,
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

export function onRefreshRejected(
  ctx: StepContext,
  s: State,
  input: InputOf<'refreshRejected'>,
): State {
  const { fx, now } = ctx;
  if (s.refresh.inFlight?.seq !== input.seq) return s;
  // The attempt has settled: nothing left to abort.
  const settled = { ...s, refresh: { ...s.refresh, inFlight: undefined } };
  return expire(ctx.config, settled, fx, now, input.reason, input.error);
}
