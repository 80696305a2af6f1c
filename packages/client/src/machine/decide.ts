/**
 * What a caller asking for a token gets, given the session's state: the token, a wait (a refresh
 * or a restore is running), or the typed error that explains why not.
 */
import {
  OfflineError,
  RefreshFailedError,
  SessionExpiredError,
  SignedOutError,
} from '../errors.js';
import { refreshAt, usableUntil } from './policy.js';
import { tokenUsable } from './rules.js';
import type { MachineConfig, Outcome, State } from './state.js';

export type Decision = Outcome | 'wait';

export function decide(config: MachineConfig, state: State, now: number): Decision {
  switch (state.status) {
    case 'loading':
      return state.restoreError ? { error: state.restoreError } : 'wait';
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

/**
 * The token a caller can have without any decision, and until when: the answer `decide` would
 * give, memoised for the hot path of `getAccessToken()` until the first moment (refresh point,
 * end of usability, idle deadline, refresh-token expiry) at which it could change.
 */
export function servable(
  config: MachineConfig,
  state: State,
): { readonly token: string; readonly until: number } | undefined {
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
