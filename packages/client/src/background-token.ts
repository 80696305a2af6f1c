/**
 * How the socket adapters read the token without it counting as the user's activity. Private to
 * the package: `getAccessToken()` is a read for an API call and restarts the idle countdown of
 * a sliding session, but a socket reconnecting on its own after a refresh is no sign that the
 * user is there, and counting it would keep an idle session alive for as long as a feed is open.
 */
import type { Session } from './session-types.js';

export const BACKGROUND_TOKEN: unique symbol = Symbol.for('tokenkeeper.backgroundAccessToken');

interface BackgroundReadable {
  [BACKGROUND_TOKEN]?: () => Promise<string>;
}

/** The session's token, read without marking activity (any other session object: getAccessToken). */
export function backgroundAccessToken(session: Session): Promise<string> {
  const read = (session as BackgroundReadable)[BACKGROUND_TOKEN];
  return typeof read === 'function' ? read() : session.getAccessToken();
}

/** Gives a session its background read. */
export function withBackgroundRead<T extends Session>(session: T, read: () => Promise<string>): T {
  Object.defineProperty(session, BACKGROUND_TOKEN, { value: read });
  return session;
}
