/**
 * What the socket adapters share: the close codes of the resource-server contract and the
 * backoff between reconnections. Private to the adapters.
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
