/**
 * The session's side of cross-tab coordination: what it tells other tabs, and which reducer
 * input each of their messages becomes.
 */
import type { CoordinationMessage, Coordinator } from '../coordination/types.js';
import type { Log } from '../logger.js';
import type { Effect, Input, State } from '../machine/reduce.js';
import { decodeRecord, encodeRecord } from '../storage/record.js';

type Announcement = Extract<Effect, { type: 'announce' }>['what'];

/** Publishes what the reducer asked to announce, read from the state it just produced. */
export function announce(coordinator: Coordinator, state: State, what: Announcement): void {
  switch (what) {
    case 'signedOut':
      coordinator.publish({ type: 'signedOut' });
      return;
    case 'expired':
      coordinator.publish({
        type: 'expired',
        reason: state.expired?.reason ?? 'rejected',
        error: state.expired?.error,
      });
      return;
    case 'activity':
      if (state.lastActivityAt !== undefined)
        coordinator.publish({ type: 'activity', at: state.lastActivityAt });
      return;
    case 'signedIn':
    case 'refreshed':
      if (!state.tokens) return;
      coordinator.publish({
        type: 'tokens',
        record: encodeRecord(state.tokens, state.lastActivityAt),
        origin: what === 'signedIn' ? 'signIn' : 'refresh',
      });
      return;
  }
}

/** The reducer input for another tab's message, or undefined for an unreadable one. */
export function inputFor(message: CoordinationMessage, log: Log): Input | undefined {
  switch (message.type) {
    case 'tokens':
      try {
        const { tokens, lastActivityAt } = decodeRecord(message.record);
        return { type: 'adopt', tokens, lastActivityAt, origin: message.origin };
      } catch (error) {
        log('warn', 'ignored an unreadable message from another tab', { error });
        return undefined;
      }
    case 'activity':
      return { type: 'remoteActivity', at: message.at };
    case 'signedOut':
      return { type: 'remoteEnd', reason: undefined, error: undefined };
    case 'expired':
      return { type: 'remoteEnd', reason: message.reason, error: message.error };
  }
}
