/**
 * The parts of the socket policy that are plain data and arithmetic: the close codes of the
 * resource-server contract, the backoff between reconnections, and the refusal guard. The
 * policy itself is `socket-driver.ts`. Private to the adapters.
 */

/**
 * Close code a resource server uses when the token a socket authenticated with expires while the
 * socket is open (reason `token_expired`). The adapters answer it with one refresh and a
 * reconnect. 4401 would be the obvious choice, but graphql-ws treats 4401 as fatal.
 */
export const TOKEN_EXPIRED_CLOSE_CODE = 4440;
/** Close code for a token refused when the socket connects (graphql-ws `Forbidden`). */
export const TOKEN_REFUSED_CLOSE_CODE = 4403;
/** Close code an adapter uses to drop its own socket and reconnect with a newer token. */
export const REAUTHENTICATE_CLOSE_CODE = 4205;
/** Close code an adapter uses when the session has ended. */
export const SESSION_ENDED_CLOSE_CODE = 4001;

/**
 * Marks a reconnection timer as work that keeps a Node process alive. The session's own timers
 * are unref'd (a pending refresh must not keep a finished script running), but a socket waiting
 * to reconnect is an open connection in all but name: a process whose only work is that socket
 * would otherwise exit in the middle of its backoff. Browsers, React Native and virtual clocks
 * have no `ref`, and nothing happens there.
 */
export function keepProcessAlive<T>(handle: T): T {
  (handle as { ref?: () => unknown } | undefined)?.ref?.();
  return handle;
}

/** Reconnection backoff: equal jitter, doubling from `base` up to `max`. */
export function reconnectDelay(
  attempt: number,
  random: () => number,
  base = 500,
  max = 30_000,
): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/**
 * Answers a refused token with one refresh, and only one: if the token obtained after a
 * refusal is refused too, the server refuses for another reason (audience, permissions), and a
 * refresh per reconnect would only rotate tokens in a loop. Once the server has accepted that
 * token, though, a later refusal of it is news (revocation, key rotation) and costs one refresh
 * again. Keeps fingerprints, not tokens.
 */
export interface RefusalGuard {
  /** True when a refusal of `token` should be answered with a refresh. */
  mayRefresh(token: string): boolean;
  /** Records the token a refresh after a refusal produced. */
  refreshedTo(token: string): void;
  /** The server accepted `token` (the connection was confirmed). */
  accepted(token: string): void;
}

export function createRefusalGuard(fingerprintOf: (token: string) => string): RefusalGuard {
  let fromRefusal: string | undefined;
  return {
    mayRefresh: (token) => fingerprintOf(token) !== fromRefusal,
    refreshedTo: (token) => {
      fromRefusal = fingerprintOf(token);
    },
    accepted: (token) => {
      if (fingerprintOf(token) === fromRefusal) fromRefusal = undefined;
    },
  };
}
