/**
 * `tokenkeeper/graphql-ws`: options for graphql-ws `createClient` that keep a GraphQL-over-
 * WebSocket connection on the live token.
 */
import type { ClientOptions } from 'graphql-ws';
import type { Clock } from '../clock.js';
import { isTokenkeeperError } from '../errors.js';
import type { Session } from '../session/types.js';
import {
  REAUTHENTICATE_CLOSE_CODE,
  SESSION_ENDED_CLOSE_CODE,
  TOKEN_EXPIRED_CLOSE_CODE,
  TOKEN_REFUSED_CLOSE_CODE,
} from './socket-auth.js';
import { createSocketDriver, type SocketClose } from './socket-driver.js';

export interface GraphqlWsAuthOptions {
  /**
   * Builds the `connection_init` payload from the token.
   * @default (token) => ({ authorization: `Bearer ${token}` })
   */
  connectionParams?: (token: string) => Record<string, unknown>;
  /**
   * Close codes meaning "this token is refused or expired": each triggers one refresh and an
   * immediate reconnect. @default [4440 (token expired), 4403 (refused at connect)]
   */
  authCloseCodes?: readonly number[];
  /** Reconnection attempts after network failures. @default Infinity (until the session ends) */
  retryAttempts?: number;
  /** Your own graphql-ws event listeners, called after the adapter's. */
  on?: ClientOptions['on'];
  /** @default systemClock */
  clock?: Clock;
  /** @default Math.random */
  random?: () => number;
}

/** The options to spread into `createClient`, plus `dispose()` to stop following the session. */
export type GraphqlWsAuth = Pick<
  ClientOptions,
  'connectionParams' | 'shouldRetry' | 'retryWait' | 'retryAttempts' | 'on'
> & {
  /** Stops following the session and ends any backoff wait; call it before `client.dispose()`. */
  dispose(): void;
};

type SocketLike = { close(code?: number, reason?: string): void; readyState: number };
type CloseLike = { code?: unknown };

/**
 * Keeps a graphql-ws client on the live token:
 * - `connectionParams` reads the current token on every (re)connect;
 * - after every refresh (proactive or reactive) the socket reconnects with the new token and
 *   graphql-ws re-sends the active subscriptions on the new socket;
 * - the server closing with 4440 (token expired) or 4403 (refused) costs one refresh and an
 *   immediate reconnect; other drops reconnect with jittered backoff;
 * - when the session ends, the socket closes for good and every subscription errors with
 *   `SessionExpiredError` (or `SignedOutError`).
 * While connecting or connected, the socket holds the session (`retain()`), so the token is
 * refreshed ahead of its expiry and the reconnect happens before the server would close the
 * socket; not while it waits out a backoff.
 *
 * Across a reconnect, events the server publishes during the gap (usually milliseconds) are not
 * delivered unless the server replays them; the client never delivers one twice.
 * @example
 * import { createClient } from 'graphql-ws';
 * import { graphqlWsAuth } from 'tokenkeeper/graphql-ws';
 *
 * const auth = graphqlWsAuth(session);
 * const client = createClient({ url: 'wss://api.example.com/graphql', ...auth });
 * const stop = client.subscribe({ query: 'subscription { ticks }' }, {
 *   next: (result) => render(result),
 *   error: (error) => showSignIn(error), // SessionExpiredError when the session ends
 *   complete: () => {},
 * });
 */
export function graphqlWsAuth(session: Session, options: GraphqlWsAuthOptions = {}): GraphqlWsAuth {
  const params =
    options.connectionParams ?? ((token: string) => ({ authorization: `Bearer ${token}` }));
  const authCodes = new Set(
    options.authCloseCodes ?? [TOKEN_EXPIRED_CLOSE_CODE, TOKEN_REFUSED_CLOSE_CODE],
  );
  let socket: SocketLike | undefined;
  let restarting = false; // the adapter closed the socket to move to a newer token
  let lastClose: SocketClose = 'dropped';
  const restart = () => {
    if (!socket) return;
    restarting = true;
    socket.close(REAUTHENTICATE_CLOSE_CODE, 'token refreshed');
  };
  const driver = createSocketDriver(session, {
    clock: options.clock,
    random: options.random,
    onRefresh: restart,
    onEnd: () => socket?.close(SESSION_ENDED_CLOSE_CODE, 'session ended'),
  });

  return {
    retryAttempts: options.retryAttempts ?? Number.POSITIVE_INFINITY,
    connectionParams: async () => params(await driver.connect()),
    shouldRetry: (errorOrClose: unknown) => {
      // Thrown here, the session's own error reaches every subscription's error sink.
      if (driver.error) throw driver.error;
      if (isTokenkeeperError(errorOrClose) && !errorOrClose.retryable) throw errorOrClose;
      const code = (errorOrClose as CloseLike | undefined)?.code;
      const refused = typeof code === 'number' && authCodes.has(code);
      lastClose = restarting ? 'reauthenticate' : refused ? 'refused' : 'dropped';
      restarting = false;
      return true;
    },
    retryWait: async () => {
      const why = lastClose;
      lastClose = 'dropped';
      // dispose() ends a backoff wait, so client.dispose() need not wait it out.
      await driver.closed(why).due;
    },
    on: {
      ...options.on,
      connected: (connected, payload, wasRetry) => {
        socket = connected as SocketLike;
        const stale = driver.opened();
        driver.confirmed();
        options.on?.connected?.(connected, payload, wasRetry);
        // A refresh that landed while this connection was being made left it on the old token.
        if (stale) restart();
      },
      closed: (event) => {
        socket = undefined;
        driver.disconnected();
        options.on?.closed?.(event);
      },
    },
    dispose: () => driver.stop(),
  };
}

/** The close codes of the resource-server contract, for servers. */
export { TOKEN_EXPIRED_CLOSE_CODE, TOKEN_REFUSED_CLOSE_CODE };
