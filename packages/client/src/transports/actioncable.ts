/**
 * `tokenkeeper/actioncable`: a Rails ActionCable consumer (`@rails/actioncable`) whose every
 * (re)connect carries the live token in the cable URL.
 */
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { Session } from '../session/types.js';
import { REAUTHENTICATE_CLOSE_CODE, SESSION_ENDED_CLOSE_CODE } from './socket-auth.js';
import { type CableRoute, cableRouter } from './socket-cable-router.js';
import { createSocketDriver, type SocketClose } from './socket-driver.js';
import { type WebSocketConstructor, type WebSocketLike, withQueryToken } from './socket-like.js';

/** The part of `@rails/actioncable` used: pass `import * as ActionCable from '@rails/actioncable'`. */
export interface ActionCableModule<C extends CableConsumerLike> {
  createConsumer(url: () => string): C;
  /** ActionCable's settings object; the adapter routes its consumer's sockets through `WebSocket`. */
  adapters: { WebSocket: unknown };
}

/** The part of ActionCable's `Consumer` used. */
export interface CableConsumerLike {
  connect(): unknown;
  disconnect(): unknown;
}

export interface AuthCableOptions {
  /** The cable's URL without a token, e.g. `wss://api.example.com/cable` (relative in browsers). */
  url: string | URL;
  /** The query parameter the server reads the token from (RFC 6750 §2.3). @default 'access_token' */
  queryParameter?: string;
  /** `reason`s of a `disconnect` message that mean "token refused". @default ['unauthorized', 'token_expired'] */
  refusalReasons?: readonly string[];
  /** The real WebSocket. @default the one ActionCable would use (`adapters.WebSocket`), else globalThis.WebSocket */
  WebSocket?: WebSocketConstructor;
  /** @default systemClock */
  clock?: Clock;
  /** @default Math.random */
  random?: () => number;
}

export interface AuthCable<C> {
  /** ActionCable's consumer: `consumer.subscriptions.create(...)` as usual. */
  readonly consumer: C;
  /** Disconnects for good and stops following the session. */
  close(): void;
}

/**
 * An ActionCable consumer on the live token, for seed 003's failure (a cable that reconnected
 * with a token captured before a refresh, after the app had been in the background):
 * - ActionCable's URL function is synchronous, so the adapter hands ActionCable a WebSocket class
 *   that first awaits the live token (refreshed first when it ran out) and then opens the real
 *   socket with it in the URL: the token is obtained before the socket opens, at every reconnect;
 * - a Rails refusal (`{"type":"disconnect","reason":"unauthorized"}`, then close 1000) costs one
 *   refresh and a reconnect; a token refused right after its refresh backs off instead (no loop);
 *   subscriptions resume (ActionCable re-subscribes after `welcome`);
 * - after every refresh the cable reconnects, so the server always holds the current token;
 *   network drops reconnect with jittered backoff (ActionCable's own monitor may come first);
 * - when the session ends the cable disconnects for good: after a new sign-in, call
 *   `consumer.connect()` (subscriptions still on the consumer resubscribe: remove the previous
 *   user's first).
 * Done with the cable: `close()` (not only `consumer.disconnect()`: it also stops following the
 * session).
 * While connecting or connected it holds the session (`retain()`).
 * In Node, ActionCable's monitor needs `addEventListener`/`removeEventListener` globals.
 * @example
 * import * as ActionCable from '@rails/actioncable';
 * import { createAuthCable } from 'tokenkeeper/actioncable';
 *
 * const { consumer } = createAuthCable(session, ActionCable, { url: 'wss://api.example.com/cable' });
 * consumer.subscriptions.create({ channel: 'ChatChannel', room: 'lobby' }, {
 *   received: (message) => render(message),
 * });
 */
export function createAuthCable<C extends CableConsumerLike>(
  session: Session,
  ActionCable: ActionCableModule<C>,
  options: AuthCableOptions,
): AuthCable<C> {
  const router = cableRouter(ActionCable.adapters);
  if (!(options.WebSocket ?? router.original)) {
    throw new ConfigError('createAuthCable needs a WebSocket (pass `ws` in Node)');
  }
  const { queryParameter = 'access_token' } = options;
  const refusals = new Set(options.refusalReasons ?? ['unauthorized', 'token_expired']);
  let current: CableSocket | undefined;
  const driver = createSocketDriver(session, {
    clock: options.clock,
    random: options.random,
    onRefresh: () => current?.stop('reauthenticate', REAUTHENTICATE_CLOSE_CODE),
    onEnd: () => disconnect(),
  });
  let route: CableRoute;
  try {
    route = router.add(String(options.url), (url, protocols) => {
      current = cableSocket(url, protocols);
      return current;
    });
  } catch {
    throw new ConfigError(
      'createAuthCable: the cable URL cannot be parsed (relative URLs need a page)',
    );
  }
  const consumer = ActionCable.createConsumer(() => route.url);
  const disconnect = () => {
    consumer.disconnect(); // stops ActionCable's monitor; closes an open socket
    current?.stop(undefined, SESSION_ENDED_CLOSE_CODE); // ActionCable leaves a connecting one
  };
  /** Reconnects when the driver says so; `undefined`: the app or ActionCable decides. */
  const after = (why: SocketClose | undefined) => {
    if (why === undefined) return driver.disconnected();
    void driver.closed(why).due.then((go) => go && consumer.connect());
  };

  type CableSocket = WebSocketLike & { stop(why: SocketClose | undefined, code: number): void };

  /** One socket ActionCable asked for: the live token first, then the real socket. */
  function cableSocket(url: string, protocols: string | string[] | undefined): CableSocket {
    let real: WebSocketLike | undefined;
    let stopped = false;
    // Why it closes; the server closing without saying why is a drop.
    let why: SocketClose | undefined | 'unset' = 'unset';
    const closed = () => after(why === 'unset' ? 'dropped' : why);
    const self: CableSocket = {
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      get readyState() {
        return real ? real.readyState : stopped ? 3 : 0;
      },
      get protocol() {
        return real?.protocol ?? '';
      },
      send: (data) => real?.send(data),
      // ActionCable closes after a `disconnect` message (why is set), or for the app or its monitor.
      close: () => self.stop(why === 'unset' ? undefined : why, 1000),
      stop(reason, code) {
        if (why === 'unset') why = reason;
        stopped = true;
        real?.close(code);
      },
    };
    driver.connect().then(
      (token) => {
        if (stopped) {
          self.onclose?.({ code: 1000, reason: '' });
          return current === self && closed();
        }
        const Impl = (options.WebSocket ?? router.original) as WebSocketConstructor;
        real = new Impl(withQueryToken(url, queryParameter, token), protocols);
        real.onopen = (event) => {
          self.onopen?.(event);
          if (driver.opened()) self.stop('reauthenticate', REAUTHENTICATE_CLOSE_CODE);
        };
        real.onmessage = (event) => {
          const message = parse(event.data);
          if (message.type === 'welcome') driver.confirmed();
          if (message.type === 'disconnect' && why === 'unset') {
            if (refusals.has(String(message.reason))) why = 'refused';
            else why = message.reconnect === true ? 'dropped' : undefined;
          }
          self.onmessage?.(event);
        };
        real.onerror = (event) => self.onerror?.(event);
        real.onclose = (event) => {
          self.onclose?.(event);
          if (current === self) closed();
        };
      },
      () => {
        stopped = true;
        self.onclose?.({ code: 1006, reason: '' });
        if (driver.phase === 'ended')
          consumer.disconnect(); // stop ActionCable's monitor too
        else if (current === self) after('dropped');
      },
    );
    return self;
  }

  return {
    consumer,
    close() {
      driver.stop();
      route.remove();
      disconnect();
    },
  };
}

function parse(data: unknown): { type?: unknown; reason?: unknown; reconnect?: unknown } {
  try {
    const value: unknown = JSON.parse(String(data));
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}
