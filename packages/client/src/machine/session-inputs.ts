import {
  answer,
  dropRefresh,
  emit,
  end,
  restartIdle,
  settleRefreshCalls,
  tokenUsable,
  withTokens,
} from './rules.js';
import { idleRefresh, type State } from './state.js';
import type { InputOf, StepContext } from './step.js';

export function onRestored(ctx: StepContext, s: State, input: InputOf<'restored'>): State {
  const { config, fx, now } = ctx;
  if (s.status !== 'loading') return s;
  // Callers that asked while the store was read (a token, or a refresh) get what it held.
  answer(fx, 'all');
  const idle = { ...idleRefresh, seq: s.refresh.seq };
  if (!input.tokens) return { ...s, status: 'signedOut', refresh: idle, restoreError: undefined };
  emit(fx, {
    type: 'restored',
    fingerprint: input.tokens.fingerprint,
    expiresAt: input.tokens.expiresAt,
  });
  const restored = restartIdle(
    config,
    withTokens({ ...s, restoreError: undefined }, input.tokens),
    Math.min(input.lastActivityAt ?? now, now),
  );
  // A demand made while loading needs a refresh only if the restored token cannot serve it.
  return tokenUsable(config, restored, now) ? { ...restored, refresh: idle } : restored;
}

export function onRestoreFailed(
  ctx: StepContext,
  s: State,
  input: InputOf<'restoreFailed'>,
): State {
  const { fx } = ctx;
  if (s.status !== 'loading') return s;
  emit(fx, { type: 'storageError', error: input.error });
  // A store that is unavailable during a background launch (an iOS keychain before the first
  // unlock) is read again on the next resume; callers meanwhile get the retryable error.
  if (s.paused && input.error.retryable) {
    answer(fx, 'all');
    return { ...s, restoreError: input.error };
  }
  // Otherwise the session starts signed out, but what could not be read stays where it is
  // until the next sign-in replaces it: a wrong key may be a configuration mistake that gets
  // corrected. Deleting would turn it into a lost session.
  return onRestored(ctx, s, { type: 'restored', tokens: undefined, lastActivityAt: undefined });
}

export function onSignIn(ctx: StepContext, s: State, input: InputOf<'signIn'>): State {
  const { config, fx, now } = ctx;
  const refresh = dropRefresh(s, fx);
  const next = restartIdle(
    config,
    withTokens({ ...s, refresh, restoreError: undefined }, input.tokens),
    now,
  );
  fx.push({ type: 'persist' }, { type: 'announce', what: 'signedIn' });
  emit(fx, {
    type: 'signedIn',
    fingerprint: input.tokens.fingerprint,
    expiresAt: input.tokens.expiresAt,
    remote: false,
  });
  // A sign-in supersedes a refresh that was running: its callers get the new token.
  settleRefreshCalls(fx, { token: input.tokens.accessToken });
  answer(fx);
  return next;
}

export function onSignOut(ctx: StepContext, s: State, input: InputOf<'signOut'>): State {
  const { fx, now } = ctx;
  if (s.status === 'signedOut' && !input.remote) {
    fx.push({ type: 'clearStorage' });
    return s;
  }
  return end(s, fx, undefined, input.remote, now, ctx.config.dpop);
}

export function onRemoteEnd(ctx: StepContext, s: State, input: InputOf<'remoteEnd'>): State {
  const { fx, now } = ctx;
  if (s.status !== 'active' && s.status !== 'loading') return s;
  return end(
    s,
    fx,
    input.reason ? { reason: input.reason, error: input.error } : undefined,
    true,
    now,
    ctx.config.dpop,
  );
}

export function onAdopt(ctx: StepContext, s: State, input: InputOf<'adopt'>): State {
  const { config, fx, now } = ctx;
  // Tokens from another tab or from storage: only ever move forward in time, and a session
  // that ended here follows a new sign-in elsewhere, never a refresh of the ended one.
  if (s.tokens?.accessToken === input.tokens.accessToken) return s;
  if (s.status !== 'active' && input.origin !== 'signIn') return s;
  if (s.tokens && input.tokens.receivedAt < s.tokens.receivedAt) return s;
  if (s.status !== 'active' && s.endedAt !== undefined && input.tokens.receivedAt <= s.endedAt) {
    return s;
  }
  const wasActive = s.status === 'active';
  const previous = s.tokens?.fingerprint;
  // A sign-in elsewhere comes with its own DPoP key: read it from the store, not the cache.
  if (!wasActive && ctx.config.dpop) fx.push({ type: 'dpopKey', action: 'forget' });
  const refresh = dropRefresh(s, fx);
  let next = withTokens({ ...s, refresh }, input.tokens);
  // Another tab's activity counts; a session that had ended starts its countdown now.
  if (!wasActive) next = restartIdle(config, next, input.lastActivityAt ?? now);
  else if (input.lastActivityAt !== undefined && input.lastActivityAt > (s.lastActivityAt ?? 0)) {
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
  // Newer tokens from elsewhere answer a refresh() that was waiting here.
  settleRefreshCalls(fx, { token: input.tokens.accessToken });
  answer(fx);
  return next;
}
