/**
 * How the socket adapters read the token without it counting as the user's activity. Private to
 * the package: `getAccessToken()` is a read for an API call and restarts the idle countdown of
 * a sliding session, but a socket reconnecting on its own after a refresh is no sign that the
 * user is there, and counting it would keep an idle session alive for as long as a feed is open.
 */
import type { Session } from './session-types.js';

export const BACKGROUND_TOKEN: unique symbol = Symbol.for('tokenkeeper.backgroundAccessToken');
export const PEEK_TOKEN: unique symbol = Symbol.for('tokenkeeper.peekAccessToken');

interface BackgroundReadable {
  [BACKGROUND_TOKEN]?: () => Promise<string>;
  [PEEK_TOKEN]?: () => string | undefined;
}

/** The session's token, read without marking activity (any other session object: getAccessToken). */
export function backgroundAccessToken(session: Session): Promise<string> {
  const read = (session as BackgroundReadable)[BACKGROUND_TOKEN];
  return typeof read === 'function' ? read() : session.getAccessToken();
}

/**
 * For adapters whose hook must answer synchronously (axios' synchronous interceptors): the token
 * at once when `getAccessToken()` would resolve to it without a decision, else undefined, and
 * then the caller waits with `backgroundAccessToken`. Either way it counts as activity, like
 * `getAccessToken()`. Any other session object: always undefined.
 */
export function peekAccessToken(session: Session): string | undefined {
  const peek = (session as BackgroundReadable)[PEEK_TOKEN];
  if (typeof peek === 'function') return peek();
  session.markActivity();
  return undefined;
}

/** Gives a session its background read and its peek. */
export function withBackgroundRead<T extends Session>(
  session: T,
  read: () => Promise<string>,
  peek: () => string | undefined,
): T {
  Object.defineProperty(session, BACKGROUND_TOKEN, { value: read });
  Object.defineProperty(session, PEEK_TOKEN, { value: peek });
  return session;
}
