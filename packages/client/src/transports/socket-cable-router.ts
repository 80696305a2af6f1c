/**
 * Routes the sockets ActionCable opens to the `tokenkeeper/actioncable` adapter that made their
 * consumer. ActionCable opens every socket with `new adapters.WebSocket(url, protocols)`: one
 * class, shared by every consumer of the module. The router installs itself as that class once
 * per module (kept on the class, so no module state here); each adapter's consumer URL carries
 * a marker in its fragment, which the router strips before the URL goes anywhere; a consumer
 * that is not an adapter's gets the WebSocket ActionCable had before.
 */
import { ConfigError } from '../errors.js';
import {
  globalWebSocket,
  toWebSocketUrl,
  type WebSocketConstructor,
  type WebSocketLike,
} from './socket-like.js';

const ROUTER = Symbol.for('tokenkeeper.actioncable.router.v1');
const MARK = '#tokenkeeper-cable=';

type Open = (url: string, protocols: string | string[] | undefined) => WebSocketLike;

export interface CableRoute {
  /** The consumer's URL: `base` as an absolute ws(s) URL, marked for this route. */
  readonly url: string;
  remove(): void;
}

export interface CableRouter {
  /** The WebSocket ActionCable had before the router, or was given since (or the global one). */
  readonly original: WebSocketConstructor | undefined;
  /** Routes sockets opened for the returned URL to `open`. Throws TypeError for a bad `base`. */
  add(base: string, open: Open): CableRoute;
}

export function cableRouter(adapters: { WebSocket: unknown }): CableRouter {
  const installed = (adapters.WebSocket as { [ROUTER]?: CableRouter } | undefined)?.[ROUTER];
  if (installed) return installed;
  let original = (adapters.WebSocket as WebSocketConstructor | undefined) ?? globalWebSocket();
  const routes = new Map<string, Open>();
  let next = 0;
  // Called with `new`: returning an object makes it the result, so a route's socket (or the
  // original WebSocket) is what ActionCable gets.
  function RoutingWebSocket(url: string, protocols?: string | string[]): WebSocketLike {
    const at = url.lastIndexOf(MARK);
    const open = at >= 0 ? routes.get(url.slice(at + MARK.length)) : undefined;
    if (open) return open(url.slice(0, at), protocols);
    if (!original) throw new ConfigError('ActionCable has no WebSocket (set adapters.WebSocket)');
    return new original(url, protocols);
  }
  const router: CableRouter = {
    get original() {
      return original;
    },
    add(base, open) {
      const id = String(++next);
      const url = `${toWebSocketUrl(base).href}${MARK}${id}`;
      routes.set(id, open);
      return { url, remove: () => routes.delete(id) };
    },
  };
  // ActionCable maps readyState to a name by enumerating these on the class.
  Object.assign(RoutingWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  Object.defineProperty(RoutingWebSocket, ROUTER, { value: router });
  // An app that sets `adapters.WebSocket` later (a Node app giving ActionCable `ws`) changes
  // the WebSocket behind the router, not the router.
  Object.defineProperty(adapters, 'WebSocket', {
    configurable: true,
    enumerable: true,
    get: () => RoutingWebSocket,
    set: (value: WebSocketConstructor | undefined) => {
      original = value ?? original;
    },
  });
  return router;
}
