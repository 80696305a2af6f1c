/**
 * `tokenkeeper/socket.io`: keeps a Socket.IO client on the live token.
 */
import type { Socket } from 'socket.io-client';
import type { Clock } from '../clock.js';
import type { Session } from '../session/types.js';
import { createSocketDriver, type Reconnect } from './socket-driver.js';

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
 * While connecting or connected it holds the session (`retain()`), so the token is refreshed
 * ahead of expiry; not while it waits out a backoff.
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
  const originalAuth = socket.auth;
  let serverExpired = false;
  let detached = false;
  const reconnectNow = () => {
    socket.disconnect();
    socket.connect(); // the auth callback reads the new token
  };
  const driver = createSocketDriver(session, {
    clock: options.clock,
    random: options.random,
    onRefresh: reconnectNow,
    onEnd: () => socket.disconnect(),
  });
  /** Connects again when the driver says so: after one refresh, or after a backoff. */
  const reconnect = (plan: Reconnect) => {
    void plan.due.then((go) => {
      if (go && !detached && !socket.connected) socket.connect();
    });
  };

  socket.auth = (callback: (data: object) => void) => {
    driver.connect().then(
      (token) => callback(payload(token)),
      () => {
        // No token to be had: do not knock without one. The handshake is abandoned; a failure
        // that may pass (offline, a refresh that failed) is retried later, an ended session is not.
        socket.disconnect();
        if (driver.phase !== 'ended') reconnect(driver.closed('dropped'));
      },
    );
  };

  const onConnect = () => {
    serverExpired = false;
    const stale = driver.opened();
    driver.confirmed();
    // A refresh that landed while this connection was being made left it on the old token.
    if (stale) reconnectNow();
  };
  const onDisconnect = (reason: string) => {
    // Socket.IO reconnects by itself after transport drops, not after a server disconnect.
    if (reason === 'io server disconnect' && serverExpired && driver.phase === 'open') {
      reconnect(driver.closed('refused'));
    } else driver.disconnected();
  };
  const onConnectError = (error: Error) => {
    if (authErrors.has(error.message) && driver.token) reconnect(driver.closed('refused'));
    else driver.disconnected(); // Socket.IO's own reconnection decides
  };
  const onExpired = () => {
    serverExpired = true;
  };

  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  socket.on(expiredEvent, onExpired);

  if (!socket.connected) socket.connect();

  return () => {
    detached = true;
    driver.stop();
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
    socket.off('connect_error', onConnectError);
    socket.off(expiredEvent, onExpired);
    socket.auth = originalAuth;
  };
}
