/**
 * `tokenkeeper/websocket`: a reconnecting WebSocket that authenticates with the live token.
 */
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { Session } from '../session/types.js';
import {
  REAUTHENTICATE_CLOSE_CODE,
  SESSION_ENDED_CLOSE_CODE,
  TOKEN_EXPIRED_CLOSE_CODE,
  TOKEN_REFUSED_CLOSE_CODE,
} from './socket-auth.js';
import { createSocketDriver, type Reconnect, type SocketClose } from './socket-driver.js';
import {
  globalWebSocket,
  OPEN,
  type WebSocketConstructor,
  type WebSocketLike,
  withQueryToken,
} from './socket-like.js';

export type { WebSocketConstructor, WebSocketLike } from './socket-like.js';

/**
 * How the token reaches the server:
 * - `message` (default): a first message `{"type":"auth","token":...}` after open, and the same
 *   message again after every refresh (in-band re-authentication, no reconnect);
 * - `protocol`: a subprotocol `bearer.<token>` offered beside yours (works in browsers);
 * - `header`: an `Authorization: Bearer` header (Node's `ws` only; browsers cannot set headers);
 * - `query`: a query parameter (`queryParameter`, RFC 6750 §2.3), for servers that read it there
 *   (works in browsers). Trade-off: URLs end up in access logs of servers and proxies, so a token
 *   in one is recorded wherever the URL is; keep access tokens short-lived and have the server
 *   redact the parameter from its logs.
 * `protocol`, `header` and `query` reconnect after every refresh.
 */
export type WebSocketAuthMode = 'message' | 'protocol' | 'header' | 'query';

/** What {@link AuthWebSocketOptions.isRefusal} inspects. */
export type WebSocketRefusalEvent =
  | { type: 'message'; data: unknown }
  | { type: 'close'; code: number; reason: string };

export interface AuthWebSocketOptions {
  url: string | URL;
  /** @default 'message' */
  auth?: WebSocketAuthMode;
  /** `message` mode: the auth message. @default (token) => JSON.stringify({ type: 'auth', token }) */
  authMessage?: (token: string) => string;
  /** `query` mode: the parameter's name. @default 'access_token' */
  queryParameter?: string;
  /** Your own subprotocols. */
  protocols?: readonly string[];
  /** @default globalThis.WebSocket (pass `WebSocket` from 'ws' in Node) */
  WebSocket?: WebSocketConstructor;
  /** Close codes meaning "token refused or expired": one refresh, then reconnect at once. @default [4440, 4403] */
  authCloseCodes?: readonly number[];
  /**
   * For servers that refuse in band: true when a message (or a close) says the token was refused
   * or expired. Handled like the `authCloseCodes`: the socket closes, one refresh, reconnect. A
   * refusal message is not delivered as a `message` event.
   * @example (event) => event.type === 'close' ? event.code === 1008 : String(event.data).includes('"unauthorized"')
   */
  isRefusal?: (event: WebSocketRefusalEvent) => boolean;
  /** @default systemClock */
  clock?: Clock;
  /** @default Math.random */
  random?: () => number;
}

export type AuthWebSocketEvent =
  | { type: 'open'; reconnect: boolean }
  | { type: 'message'; data: unknown }
  | { type: 'reauthenticated' }
  | { type: 'close'; code: number; reason: string; willReconnect: boolean; retryIn?: number }
  | { type: 'ended'; error: unknown };

export interface AuthWebSocket {
  /** Sends on the open socket; returns false (nothing sent) while not connected. */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): boolean;
  /** Closes for good. */
  close(code?: number, reason?: string): void;
  /** `connecting`, `open`, `reconnecting` (waiting to), or `closed` (for good). */
  readonly state: 'connecting' | 'open' | 'reconnecting' | 'closed';
  on(listener: (event: AuthWebSocketEvent) => void): () => void;
}

/**
 * A WebSocket that always carries the live token, for the seed-003 failure: a socket that kept
 * reconnecting with a token captured before a refresh. Every (re)connect reads the current token;
 * after every refresh it re-authenticates; a close with 4440 (expired) or 4403 (refused), or an
 * in-band refusal (`isRefusal`), costs one refresh and an immediate reconnect; network drops
 * reconnect with jittered backoff; when the session ends it closes for good (`ended` event with
 * the session's typed error). While connecting or connected it holds the session (`retain()`),
 * so the token is refreshed ahead of its expiry. The first message from the server counts as
 * its acceptance of the token: a token accepted and refused later costs one refresh again.
 * @example
 * import WebSocket from 'ws'; // browsers: omit
 * import { createAuthWebSocket } from 'tokenkeeper/websocket';
 *
 * const socket = createAuthWebSocket(session, { url: 'wss://api.example.com/ws', WebSocket });
 * socket.on((event) => {
 *   if (event.type === 'message') console.log(event.data);
 *   if (event.type === 'ended') showSignIn();
 * });
 * socket.send(JSON.stringify({ type: 'subscribe', topic: 'prices' }));
 */
export function createAuthWebSocket(
  session: Session,
  options: AuthWebSocketOptions,
): AuthWebSocket {
  const found = options.WebSocket ?? globalWebSocket();
  if (!found) {
    throw new ConfigError(
      'createAuthWebSocket needs a WebSocket implementation (pass `ws` in Node)',
    );
  }
  const Impl: WebSocketConstructor = found;
  const { auth: mode = 'message', queryParameter = 'access_token', isRefusal } = options;
  const authMessage =
    options.authMessage ?? ((token: string) => JSON.stringify({ type: 'auth', token }));
  const authCodes = new Set(
    options.authCloseCodes ?? [TOKEN_EXPIRED_CLOSE_CODE, TOKEN_REFUSED_CLOSE_CODE],
  );
  const url = String(options.url);
  const listeners = new Set<(event: AuthWebSocketEvent) => void>();
  let state: AuthWebSocket['state'] = 'connecting';
  // Read through a function: the state changes while connect() awaits a token.
  const isClosed = () => state === 'closed';
  let socket: WebSocketLike | undefined;
  let opened = false;
  let unconfirmed = true; // no word from the server since the token last changed
  const reauthenticate = (open: WebSocketLike) => {
    if (mode === 'message') reauthenticateInBand(open);
    else open.close(REAUTHENTICATE_CLOSE_CODE, 'token refreshed');
  };
  const driver = createSocketDriver(session, {
    clock: options.clock,
    random: options.random,
    onRefresh: () => socket?.readyState === OPEN && reauthenticate(socket),
    onEnd: (error) => end(error),
  });

  const emit = (event: AuthWebSocketEvent) => {
    for (const listener of [...listeners]) listener(event);
  };

  function end(error: unknown, code = SESSION_ENDED_CLOSE_CODE, reason = 'session ended'): void {
    if (state === 'closed') return;
    state = 'closed';
    const open = socket;
    socket = undefined;
    if (open && open.readyState <= OPEN) open.close(code, reason);
    driver.stop();
    emit({ type: 'ended', error });
  }

  /** Connects again when the driver says so: at once, after one refresh, or after a backoff. */
  function reconnect(plan: Reconnect): void {
    state = plan.retryIn > 0 ? 'reconnecting' : 'connecting';
    void plan.due.then((go) => {
      if (go) void connect();
    });
  }

  /** Opens a socket carrying `token` as the mode says; throws what the constructor throws. */
  function open(token: string): WebSocketLike {
    const protocols = [...(options.protocols ?? [])];
    if (mode === 'protocol') protocols.push(`bearer.${token}`);
    const headers =
      mode === 'header' ? { headers: { authorization: `Bearer ${token}` } } : undefined;
    const target = mode === 'query' ? withQueryToken(url, queryParameter, token) : url;
    return new Impl(target, protocols.length > 0 ? protocols : undefined, headers);
  }

  async function connect(): Promise<void> {
    if (state === 'closed') return;
    state = 'connecting';
    let token: string;
    try {
      token = await driver.connect();
    } catch {
      // An ended session has closed the socket already (onEnd); anything else may pass.
      return isClosed() ? undefined : reconnect(driver.closed('dropped'));
    }
    if (isClosed()) return;
    let next: WebSocketLike;
    try {
      next = open(token);
    } catch {
      // The constructor refuses a bad URL, or a token that is not a valid subprotocol name.
      const reason =
        mode === 'protocol'
          ? 'the token cannot travel as a WebSocket subprotocol; use auth "message" or "header"'
          : 'the WebSocket could not be created';
      return end(new ConfigError(`createAuthWebSocket: ${reason}`), 1000, 'configuration');
    }
    socket = next;
    unconfirmed = true;
    let refused = false; // the server refused the token in a message
    next.onopen = () => {
      if (socket !== next) return;
      const stale = driver.opened();
      if (stale && mode !== 'message') return reauthenticate(next);
      if (mode === 'message') next.send(authMessage(token));
      state = 'open';
      emit({ type: 'open', reconnect: opened });
      opened = true;
      if (stale) reauthenticateInBand(next);
    };
    next.onmessage = ({ data }) => {
      if (socket !== next || refused) return;
      if (isRefusal?.({ type: 'message', data })) {
        refused = true;
        return next.close(1000, 'token refused');
      }
      if (unconfirmed) driver.confirmed(); // the server talks to us: it accepted the token
      unconfirmed = false;
      emit({ type: 'message', data });
    };
    next.onerror = () => undefined; // a close always follows; it decides what happens
    next.onclose = ({ code, reason }) => {
      if (socket !== next || isClosed()) return;
      socket = undefined;
      let why: SocketClose = 'dropped';
      if (code === REAUTHENTICATE_CLOSE_CODE) why = 'reauthenticate';
      if (refused || authCodes.has(code) || isRefusal?.({ type: 'close', code, reason })) {
        why = 'refused';
      }
      const plan = driver.closed(why);
      emit({ type: 'close', code, reason, willReconnect: true, retryIn: plan.retryIn });
      reconnect(plan);
    };
  }

  /** Message mode: the server re-verifies and moves the socket's deadline; no gap, no reconnect. */
  function reauthenticateInBand(open: WebSocketLike): void {
    driver.reauthenticate().then(
      (token) => {
        if (token === undefined || socket !== open) return;
        unconfirmed = true;
        open.send(authMessage(token));
        emit({ type: 'reauthenticated' });
      },
      () => undefined, // the session ended meanwhile: its own event closes the socket
    );
  }

  void connect();

  return {
    send(data) {
      if (!socket || socket.readyState !== OPEN || state !== 'open') return false;
      socket.send(data);
      return true;
    },
    close(code = 1000, reason = 'closed') {
      end(undefined, code, reason);
    },
    get state() {
      return state;
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
