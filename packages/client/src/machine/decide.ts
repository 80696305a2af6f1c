/**
 * What a caller asking for a token gets, given the session's state: the token, a wait (a refresh
 * or a restore is running), or the typed error that explains why not.
 */
import {
  OfflineError,
  RefreshFailedError,
  SessionExpiredError,
  SignedOutError,
  type TokenkeeperError,
} from '../errors.js';
import { type MachineConfig, type State, tokenUsable } from './reduce.js';

export type Decision = { token: string } | { error: TokenkeeperError } | 'wait';

export function decide(config: MachineConfig, state: State, now: number): Decision {
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
