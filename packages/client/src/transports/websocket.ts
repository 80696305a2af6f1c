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
import { createSocketDriver, type Reconnect } from './socket-driver.js';

/**
 * An event handler property. Declared through a method so that its parameter is checked
 * bivariantly: the DOM's `(event: MessageEvent) => void` and ws's `(event: WebSocket.MessageEvent)
 * => void` both fit, although each declares a richer event than the adapter reads.
 */
type Handler<E> = { bivariant(event: E): void }['bivariant'];

/** The WebSocket surface used: the browser's `WebSocket` and `ws` both fit, without a cast. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}

export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/**
 * How the token reaches the server:
 * - `message` (default): a first message `{"type":"auth","token":...}` after open, and the same
 *   message again after every refresh (in-band re-authentication, no reconnect);
 * - `protocol`: a subprotocol `bearer.<token>` offered beside yours (works in browsers);
 * - `header`: an `Authorization: Bearer` header (Node's `ws` only; browsers cannot set headers).
 * `protocol` and `header` reconnect after every refresh.
 */
export type WebSocketAuthMode = 'message' | 'protocol' | 'header';

export interface AuthWebSocketOptions {
  url: string | URL;
  /** @default 'message' */
  auth?: WebSocketAuthMode;
  /** `message` mode: the auth message. @default (token) => JSON.stringify({ type: 'auth', token }) */
  authMessage?: (token: string) => string;
  /** Your own subprotocols. */
  protocols?: readonly string[];
  /** @default globalThis.WebSocket (pass `WebSocket` from 'ws' in Node) */
  WebSocket?: WebSocketConstructor;
  /** Close codes meaning "token refused or expired": one refresh, then reconnect at once. @default [4440, 4403] */
  authCloseCodes?: readonly number[];
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

const OPEN = 1;

/**
 * A WebSocket that always carries the live token, for the seed-003 failure: a socket that kept
 * reconnecting with a token captured before a refresh. Every (re)connect reads the current token;
 * after every refresh it re-authenticates; a close with 4440 (expired) or 4403 (refused) costs one
 * refresh and an immediate reconnect; network drops reconnect with jittered backoff; when the
 * session ends it closes for good (`ended` event with the session's typed error). While it is
 * active it holds the session (`retain()`), so the token is refreshed ahead of its expiry.
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
  const found = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!found) {
    throw new ConfigError(
      'createAuthWebSocket needs a WebSocket implementation (pass `ws` in Node)',
    );
  }
  const Impl: WebSocketConstructor = found;
  const mode = options.auth ?? 'message';
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
  const driver = createSocketDriver(session, {
    clock: options.clock,
    random: options.random,
    onRefresh: () => {
      if (!socket || socket.readyState !== OPEN) return;
      if (mode === 'message') reauthenticateInBand(socket);
      else socket.close(REAUTHENTICATE_CLOSE_CODE, 'token refreshed');
    },
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
    const protocols = [...(options.protocols ?? [])];
    if (mode === 'protocol') protocols.push(`bearer.${token}`);
    const headers = mode === 'header' ? { authorization: `Bearer ${token}` } : undefined;
    let next: WebSocketLike;
    try {
      next = new Impl(url, protocols.length > 0 ? protocols : undefined, headers && { headers });
    } catch {
      // The constructor refuses a bad URL, or a token that is not a valid subprotocol name.
      const reason =
        mode === 'protocol'
          ? 'the token cannot travel as a WebSocket subprotocol; use auth "message" or "header"'
          : 'the WebSocket could not be created';
      return end(new ConfigError(`createAuthWebSocket: ${reason}`), 1000, 'configuration');
    }
    socket = next;
    next.onopen = () => {
      if (socket !== next) return;
      const stale = driver.opened();
      if (stale && mode !== 'message')
        return next.close(REAUTHENTICATE_CLOSE_CODE, 'token refreshed');
      if (mode === 'message') next.send(authMessage(token));
      state = 'open';
      emit({ type: 'open', reconnect: opened });
      opened = true;
      if (stale) reauthenticateInBand(next);
    };
    next.onmessage = (event) => {
      if (socket !== next) return;
      driver.confirmed(); // the server talks to us: it accepted the token
      emit({ type: 'message', data: event.data });
    };
    next.onerror = () => undefined; // a close always follows; it decides what happens
    next.onclose = (event) => {
      if (socket !== next || isClosed()) return;
      socket = undefined;
      const { code, reason } = event;
      const why =
        code === REAUTHENTICATE_CLOSE_CODE
          ? 'reauthenticate'
          : authCodes.has(code)
            ? 'refused'
            : 'dropped';
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
