/**
 * Session events in plain words, for a reader who does not know the library.
 */
import type { RefreshReason, SessionEvent } from 'tokenkeeper';
import { formatDuration } from '../format.js';
import type { NewEntry } from './timeline.js';

const REFRESHED: Record<RefreshReason | 'remote', string> = {
  proactive: 'Proactive refresh: renewed before it expired',
  demand: 'Refreshed on demand: a request needed a fresh token',
  unauthorized: 'Refreshed after a 401',
  resume: 'Refreshed on return from the background',
  online: 'Refreshed when the network came back',
  extend: 'Refreshed on request: the session is extended',
  remote: 'Refreshed in another tab: this tab adopted the new token',
};

const REFRESHING: Record<RefreshReason, string> = {
  proactive: 'the access token is near its end and a live feed is using it',
  demand: 'a request needs a token and the current one is used up',
  unauthorized: 'the server refused the current token (401)',
  resume: 'the app came back from the background',
  online: 'the network is back and a refresh was due',
  extend: 'asked for: "stay signed in" or "refresh now"',
};

/** Why a session ended, in one sentence. */
export function expiryReasonText(reason: string | undefined): string {
  switch (reason) {
    case 'idle':
      return 'No activity for the whole idle window of this sliding session, so it ended on this device.';
    case 'invalid_grant':
      return 'The server refused the refresh token (invalid_grant): the session was revoked or has expired on the server.';
    case 'unauthorized':
      return 'The token endpoint answered 401 to the refresh.';
    case 'refresh_token_expired':
      return 'The refresh token reached the end of its lifetime.';
    case 'token_expired':
      return 'The access token expired and this session cannot refresh.';
    default:
      return 'The server refused the refresh for good.';
  }
}

/** The timeline entry for a session event; undefined for events not worth a line. */
export function describeSessionEvent(event: SessionEvent): NewEntry | undefined {
  switch (event.type) {
    case 'signedIn':
      return {
        kind: event.remote ? 'signedIn:remote' : 'signedIn',
        tone: 'good',
        title: event.remote ? 'Signed in (in another tab)' : 'Signed in',
        detail: `access token ${event.fingerprint}`,
      };
    case 'restored':
      return {
        kind: 'restored',
        tone: 'good',
        title: 'Session restored from encrypted storage',
        detail: `access token ${event.fingerprint}; no sign-in needed`,
      };
    case 'refreshing':
      return {
        kind: `refreshing:${event.reason}`,
        tone: 'muted',
        title: event.attempt > 1 ? `Refreshing (attempt ${event.attempt})` : 'Refreshing',
        detail: REFRESHING[event.reason],
      };
    case 'refreshed':
      return {
        kind: `refreshed:${event.reason}`,
        tone: 'good',
        title: REFRESHED[event.reason],
        detail: `${event.previousFingerprint ?? 'none'} → ${event.fingerprint}`,
      };
    case 'refreshFailed':
      return {
        kind: 'refreshFailed',
        tone: 'warn',
        title: `Refresh failed (${event.error.kind}); the session is kept`,
        detail:
          event.retryAt === undefined
            ? 'will retry when the network is back'
            : `retry #${event.attempt + 1} scheduled with backoff`,
      };
    case 'unauthorized':
      return {
        kind: 'unauthorized',
        tone: 'warn',
        title: event.stale ? '401 for an older token' : '401: the server refused the token',
        detail: event.stale
          ? `${event.fingerprint} was already replaced: retry with the current one, no refresh`
          : `${event.fingerprint}: one refresh for all requests that got it`,
      };
    case 'expiring':
      return {
        kind: 'expiring',
        tone: 'warn',
        title: `Session expiring in ${formatDuration(event.remaining)}`,
        detail: 'no activity lately: the "stay signed in" prompt is shown',
      };
    case 'expired':
      return {
        kind: `expired:${event.reason}`,
        tone: 'bad',
        title: `Session ended (${event.reason})${event.remote ? ' in another tab' : ''}`,
        detail: expiryReasonText(event.reason),
      };
    case 'signedOut':
      return {
        kind: 'signedOut',
        tone: 'info',
        title: event.remote ? 'Signed out in another tab' : 'Signed out',
      };
    case 'storageError':
      return {
        kind: 'storageError',
        tone: 'bad',
        title: 'Storage error',
        detail: event.error.message,
      };
    case 'paused':
      return { kind: 'paused', tone: 'muted', title: 'App went to the background' };
    case 'resumed':
      return {
        kind: 'resumed',
        tone: 'info',
        title: 'App is back in the foreground',
        detail: `away for ${formatDuration(event.awayMs)}`,
      };
    case 'online':
      return { kind: 'online', tone: 'info', title: 'Network is back' };
    case 'offline':
      return { kind: 'offline', tone: 'warn', title: 'Network lost' };
  }
}
