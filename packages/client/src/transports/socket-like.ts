/**
 * The WebSocket surface the adapters that open their own sockets use (`tokenkeeper/websocket`,
 * `tokenkeeper/actioncable`): the browser's `WebSocket` and Node's `ws` both fit, without a cast.
 */

/**
 * An event handler property. Declared through a method so that its parameter is checked
 * bivariantly: the DOM's `(event: MessageEvent) => void` and ws's `(event: WebSocket.MessageEvent)
 * => void` both fit, although each declares a richer event than the adapters read.
 */
type Handler<E> = { bivariant(event: E): void }['bivariant'];

/** The WebSocket surface used: the browser's `WebSocket` and `ws` both fit, without a cast. */
export interface WebSocketLike {
  readonly readyState: number;
  /** The subprotocol the server selected. */
  readonly protocol?: string;
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

/** `readyState` of an open socket. */
export const OPEN = 1;

/** Looks up the global WebSocket at call time (browsers, React Native, Node 22+). */
export function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

/**
 * `url` as an absolute ws(s) URL without a fragment: relative and http(s) URLs resolve against
 * the page, as the browser's WebSocket does. Throws a TypeError for a URL that cannot be parsed.
 */
export function toWebSocketUrl(url: string): URL {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  const target = new URL(url, base);
  target.protocol = target.protocol.replace(/^http/, 'ws');
  target.hash = '';
  return target;
}

/** `url` with the token in the query parameter `name` (RFC 6750 §2.3), replacing one already there. */
export function withQueryToken(url: string, name: string, token: string): string {
  const target = toWebSocketUrl(url);
  target.searchParams.set(name, token);
  return target.href;
}
