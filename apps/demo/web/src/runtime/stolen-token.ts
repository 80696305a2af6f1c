/**
 * The "thief" of the replay scenario: a copy of an early refresh token of this session, kept in
 * page memory only. It is never rendered, logged or stored; the replay button sends it to the
 * token endpoint once, as an attacker who copied it would.
 */
import type { RefreshFunction, Session } from 'tokenkeeper';

export interface StolenToken {
  /** Wraps the session's refresh function to copy the token of a restored session. */
  wrap(refresh: RefreshFunction): RefreshFunction;
  /** Copies the refresh token of a fresh sign-in. */
  capture(refreshToken: string | undefined): void;
  /** Counts the rotations since the copy; returns the unsubscribe. */
  follow(session: Session): () => void;
  /** A copy is held. */
  held(): boolean;
  /** Rotations of the session since the copy was taken. */
  rotationsSince(): number;
  /** Hands the copy over for the replay, and forgets it. */
  take(): string | undefined;
}

export function createStolenToken(): StolenToken {
  let copy: string | undefined;
  let rotations = 0;
  const capture = (token: string | undefined) => {
    copy = token;
    rotations = 0;
  };
  return {
    wrap(refresh) {
      return (context) => {
        if (copy === undefined) capture(context.refreshToken);
        return refresh(context);
      };
    },
    capture,
    follow(session) {
      return session.subscribe((event) => {
        if (event.type === 'refreshed') rotations++;
        else if (event.type === 'expired' || event.type === 'signedOut') capture(undefined);
      });
    },
    held: () => copy !== undefined,
    rotationsSince: () => rotations,
    take() {
      const token = copy;
      capture(undefined);
      return token;
    },
  };
}
