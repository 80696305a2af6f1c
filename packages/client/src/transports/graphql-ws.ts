/**
 * `tokenkeeper/graphql-ws`: options for graphql-ws `createClient` that keep a GraphQL-over-
 * WebSocket connection on the live token.
 */
import type { ClientOptions } from 'graphql-ws';
import { type Clock, systemClock } from '../clock.js';
import {
  isTokenkeeperError,
  SessionExpiredError,
  SignedOutError,
  type TokenkeeperError,
} from '../errors.js';
import { fingerprint } from '../redact.js';
import { backgroundAccessToken } from '../session/adapter-access.js';
import type { Session } from '../session/create-session.js';
import {
  createRefusalGuard,
  keepProcessAlive,
  REAUTHENTICATE_CLOSE_CODE,
  reconnectDelay,
  SESSION_ENDED_CLOSE_CODE,
  TOKEN_EXPIRED_CLOSE_CODE,
  TOKEN_REFUSED_CLOSE_CODE,
} from './socket-auth.js';

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
 * While connected, the socket holds the session (`retain()`), so the token is refreshed ahead of
 * its expiry and the reconnect happens before the server would close the socket.
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
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const params =
    options.connectionParams ?? ((token: string) => ({ authorization: `Bearer ${token}` }));
  const authCodes = new Set(
    options.authCloseCodes ?? [TOKEN_EXPIRED_CLOSE_CODE, TOKEN_REFUSED_CLOSE_CODE],
  );
  let socket: SocketLike | undefined;
  let connectedWith: string | undefined; // the token of the open socket
  let attemptedWith: string | undefined; // the token of the latest connection attempt
  let release: (() => void) | undefined;
  let pending: 'restart' | 'auth' | undefined;
  let ended: TokenkeeperError | undefined;
  const refusals = createRefusalGuard(fingerprint);
  const waking = new Set<() => void>();

  const stopFollowing = session.subscribe((event) => {
    if (event.type === 'refreshed' && socket && connectedWith !== undefined) {
      pending = 'restart';
      socket.close(REAUTHENTICATE_CLOSE_CODE, 'token refreshed');
    } else if (event.type === 'expired' || event.type === 'signedOut') {
      ended =
        event.type === 'expired' ? new SessionExpiredError(event.reason) : new SignedOutError();
      socket?.close(SESSION_ENDED_CLOSE_CODE, 'session ended');
    } else if (event.type === 'signedIn' || event.type === 'restored') {
      ended = undefined; // a new session: the client may connect again
    }
  });

  return {
    retryAttempts: options.retryAttempts ?? Number.POSITIVE_INFINITY,
    connectionParams: async () => {
      const token = await backgroundAccessToken(session);
      attemptedWith = token;
      return params(token);
    },
    shouldRetry: (errorOrClose: unknown) => {
      // Thrown here, the session's own error reaches every subscription's error sink.
      if (ended) throw ended;
      if (isTokenkeeperError(errorOrClose) && !errorOrClose.retryable) throw errorOrClose;
      const code = (errorOrClose as CloseLike | undefined)?.code;
      if (typeof code === 'number' && authCodes.has(code)) pending = 'auth';
      return true;
    },
    retryWait: async (retries: number) => {
      const reason = pending;
      pending = undefined;
      if (reason === 'restart') return;
      if (reason === 'auth' && attemptedWith !== undefined && refusals.mayRefresh(attemptedWith)) {
        try {
          refusals.refreshedTo(await session.handleUnauthorized(attemptedWith));
        } catch {
          // The session has ended or cannot refresh now: connectionParams will reject with the
          // typed error on the next attempt, and shouldRetry decides from there.
        }
        return;
      }
      // A network drop, or a token refused again right after its refresh: back off (dispose()
      // cuts the wait short, so client.dispose() need not wait it out).
      await new Promise<void>((resolve) => {
        const handle = keepProcessAlive(
          clock.setTimeout(
            () => {
              waking.delete(wake);
              resolve();
            },
            reconnectDelay(retries + 1, random),
          ),
        );
        const wake = () => {
          clock.clearTimeout(handle);
          resolve();
        };
        waking.add(wake);
      });
    },
    on: {
      ...options.on,
      connected: (connected, payload, wasRetry) => {
        socket = connected as SocketLike;
        connectedWith = attemptedWith;
        release ??= session.retain();
        options.on?.connected?.(connected, payload, wasRetry);
        // A refresh that landed while this connection was being made left it on the old token.
        if (
          connectedWith !== undefined &&
          fingerprint(connectedWith) !== session.getSnapshot().fingerprint
        ) {
          pending = 'restart';
          socket.close(REAUTHENTICATE_CLOSE_CODE, 'token refreshed');
        }
      },
      closed: (event) => {
        socket = undefined;
        connectedWith = undefined;
        release?.();
        release = undefined;
        options.on?.closed?.(event);
      },
    },
    dispose() {
      stopFollowing();
      for (const wake of [...waking]) wake();
      waking.clear();
      release?.();
      release = undefined;
    },
  };
}

/** The close codes of the resource-server contract, for servers. */
export { TOKEN_EXPIRED_CLOSE_CODE, TOKEN_REFUSED_CLOSE_CODE };
