/**
 * `tokenkeeper/socket.io`: keeps a Socket.IO client on the live token.
 */
import type { Socket } from 'socket.io-client';
import { fingerprint } from '../redact.js';
import type { Session } from '../session.js';

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
  let usedToken: string | undefined;
  let connectedWith: string | undefined;
  let release: (() => void) | undefined;
  let serverExpired = false;
  let detached = false;

  socket.auth = (callback: (data: object) => void) => {
    session.getAccessToken().then(
      (token) => {
        usedToken = token;
        callback(payload(token));
      },
      () => {
        // No token to be had (the session ended, or a refresh failed): do not knock without one.
        callback({});
        socket.disconnect();
      },
    );
  };

  const reauthenticate = (refused: string | undefined) => {
    const retry =
      refused === undefined ? session.getAccessToken() : session.handleUnauthorized(refused);
    retry.then(
      () => {
        if (!detached && !socket.connected) socket.connect();
      },
      () => undefined, // the session is over or offline: its own events decide what follows
    );
  };

  const onConnect = () => {
    connectedWith = usedToken;
    serverExpired = false;
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
    if (reason === 'io server disconnect' && serverExpired && token) reauthenticate(token);
  };
  const onConnectError = (error: Error) => {
    if (authErrors.has(error.message) && usedToken) reauthenticate(usedToken);
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
    stopFollowing();
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
    socket.off('connect_error', onConnectError);
    socket.off(expiredEvent, onExpired);
    release?.();
    release = undefined;
  };
}
