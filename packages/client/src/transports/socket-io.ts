/**
 * `tokenkeeper/socket.io`: keeps a Socket.IO client on the live token.
 */
import type { Socket } from 'socket.io-client';
import { type Clock, systemClock } from '../clock.js';
import { isRetryableError } from '../errors.js';
import { fingerprint } from '../redact.js';
import { backgroundAccessToken } from '../session/adapter-access.js';
import type { Session } from '../session/create-session.js';
import { createRefusalGuard, keepProcessAlive, reconnectDelay } from './socket-auth.js';

export interface SocketIoAuthOptions {
  /** Builds the handshake `auth` payload. @default (token) => ({ token }) */
  auth?: (token: string) => Record<string, unknown>;
  /**
   * `connect_error` messages meaning "token refused": one refresh, then reconnect.
   * @default ['invalid_token', 'token_expired', 'unauthorized']
   */
  authErrors?: readonly string[];
  /** Event the server emits just before it disconnects a socket whose token expired. @default 'token_expired' */
  expiredEvent?: string;
  /** Timers for reconnecting after a transient failure. @default systemClock */
  clock?: Clock;
  /** @default Math.random */
  random?: () => number;
}

/**
 * Wires a Socket.IO client socket to the session:
 * - its `auth` is the callback form, which reads the live token on every (re)connect;
 * - after every refresh (proactive or reactive) it reconnects, so the server sees the new token;
 * - a `connect_error` whose message is `invalid_token`/`token_expired` (the server middleware's
 *   refusal) costs one refresh and a reconnect (Socket.IO does not retry those by itself);
 * - the server emitting `token_expired` and disconnecting does the same;
 * - when the session ends, it disconnects for good.
 * While connected it holds the session (`retain()`), so the token is refreshed ahead of expiry.
 * Returns the detach function.
 * @example
 * import { io } from 'socket.io-client';
 * import { attachSocketIo } from 'tokenkeeper/socket.io';
 *
 * const socket = io('https://api.example.com', { autoConnect: false });
 * const detach = attachSocketIo(session, socket); // connects
 * socket.on('price', (price) => render(price));
 * socket.on('disconnect', () => {
 *   if (session.getSnapshot().status !== 'active') showSignIn();
 * });
 */
export function attachSocketIo(
  session: Session,
  socket: Socket,
  options: SocketIoAuthOptions = {},
): () => void {
  const payload = options.auth ?? ((token: string) => ({ token }));
  const authErrors = new Set(
    options.authErrors ?? ['invalid_token', 'token_expired', 'unauthorized'],
  );
  const expiredEvent = options.expiredEvent ?? 'token_expired';
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const refusals = createRefusalGuard(fingerprint);
  const originalAuth = socket.auth;
  let usedToken: string | undefined;
  let connectedWith: string | undefined;
  let release: (() => void) | undefined;
  let serverExpired = false;
  let detached = false;
  let attempts = 0;
  let retryTimer: unknown;

  /** Reconnects later with backoff: after a transient failure, or a token refused again. */
  const reconnectLater = () => {
    if (detached || retryTimer !== undefined) return;
    attempts++;
    retryTimer = keepProcessAlive(
      clock.setTimeout(
        () => {
          retryTimer = undefined;
          if (!detached && !socket.connected && session.getSnapshot().status === 'active')
            socket.connect();
        },
        reconnectDelay(attempts, random),
      ),
    );
  };

  socket.auth = (callback: (data: object) => void) => {
    backgroundAccessToken(session).then(
      (token) => {
        usedToken = token;
        callback(payload(token));
      },
      (error: unknown) => {
        // No token to be had: do not knock without one. The handshake is abandoned; a failure
        // that may pass (offline, a refresh that failed) is retried later, an ended session is not.
        socket.disconnect();
        if (isRetryableError(error)) reconnectLater();
      },
    );
  };

  /** The server refused `token`: one refresh and a reconnect, unless that token came from one. */
  const refused = (token: string) => {
    if (!refusals.mayRefresh(token)) return reconnectLater();
    session.handleUnauthorized(token).then(
      (fresh) => {
        refusals.refreshedTo(fresh);
        if (!detached && !socket.connected) socket.connect();
      },
      (error: unknown) => isRetryableError(error) && reconnectLater(),
    );
  };

  const onConnect = () => {
    connectedWith = usedToken;
    serverExpired = false;
    attempts = 0;
    release ??= session.retain();
    // A refresh that landed while this connection was being made left it on the old token.
    if (
      connectedWith !== undefined &&
      fingerprint(connectedWith) !== session.getSnapshot().fingerprint
    ) {
      socket.disconnect();
      socket.connect();
    }
  };
  const onDisconnect = (reason: string) => {
    release?.();
    release = undefined;
    const token = connectedWith;
    connectedWith = undefined;
    // Socket.IO reconnects by itself after transport drops, not after a server disconnect.
    if (reason === 'io server disconnect' && serverExpired && token) refused(token);
  };
  const onConnectError = (error: Error) => {
    if (authErrors.has(error.message) && usedToken) refused(usedToken);
  };
  const onExpired = () => {
    serverExpired = true;
  };

  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  socket.on(expiredEvent, onExpired);

  const stopFollowing = session.subscribe((event) => {
    if (event.type === 'refreshed' && socket.connected && connectedWith !== undefined) {
      socket.disconnect();
      socket.connect(); // the auth callback reads the new token
    } else if (event.type === 'expired' || event.type === 'signedOut') {
      socket.disconnect();
    }
  });

  if (!socket.connected) socket.connect();

  return () => {
    detached = true;
    if (retryTimer !== undefined) clock.clearTimeout(retryTimer);
    stopFollowing();
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
    socket.off('connect_error', onConnectError);
    socket.off(expiredEvent, onExpired);
    socket.auth = originalAuth;
    release?.();
    release = undefined;
  };
}
