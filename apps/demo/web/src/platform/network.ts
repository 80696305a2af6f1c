/**
 * The page's network, which the visitor can switch off: a visitor cannot unplug the browser, so
 * "offline" is simulated here. While offline, `fetch` fails the way a real one does (a
 * TypeError), open sockets drop and new ones fail to connect. It also records every attempt of a
 * request tagged with {@link REQUEST_ID_HEADER} (status and token fingerprint), so the page can
 * show "401, then retried, then 200" for requests whose retry the adapters do out of sight.
 */
import { fingerprint } from 'tokenkeeper';
import { createStore } from '../store.js';

/** Tags a request so its attempts can be looked up; the server ignores it. */
export const REQUEST_ID_HEADER = 'x-demo-request';

/** One attempt of a tagged request: its status (or a network failure) and the token it carried. */
export interface Attempt {
  readonly status: number | 'network-error';
  readonly fingerprint: string | undefined;
}

export interface SimulatedNetwork {
  online(): boolean;
  setOnline(online: boolean): void;
  subscribe(listener: () => void): () => void;
  /** The page's fetch: refuses while offline, records tagged requests. */
  readonly fetch: typeof fetch;
  /** The page's WebSocket class: drops and refuses sockets while offline. */
  readonly WebSocket: typeof WebSocket;
  /** The attempts of a tagged request, removed from the record. */
  takeAttempts(id: string): Attempt[];
}

/** Close code for sockets dropped when the simulated network goes away (4000-4999: private). */
export const NETWORK_LOST_CLOSE_CODE = 4000;

export function createSimulatedNetwork(): SimulatedNetwork {
  const state = createStore(true);
  const attempts = new Map<string, Attempt[]>();
  const sockets = new Set<WebSocket>();

  const record = (id: string | null, attempt: Attempt) => {
    if (id === null) return;
    const list = attempts.get(id) ?? [];
    list.push(attempt);
    attempts.set(id, list);
  };

  const netFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}));
    const id = headers.get(REQUEST_ID_HEADER);
    const bearer = headers.get('authorization');
    const print = bearer?.startsWith('Bearer ') ? fingerprint(bearer.slice(7)) : undefined;
    if (!state.get()) {
      record(id, { status: 'network-error', fingerprint: print });
      throw new TypeError('Failed to fetch: the demo is offline');
    }
    try {
      const response = await globalThis.fetch(input, init);
      record(id, { status: response.status, fingerprint: print });
      return response;
    } catch (error) {
      record(id, { status: 'network-error', fingerprint: print });
      throw error;
    }
  };

  class SimulatedWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      if (!state.get()) {
        // Closing before the handshake fails the connection: `error`, then `close` with 1006.
        this.close();
        return;
      }
      sockets.add(this);
      this.addEventListener('close', () => sockets.delete(this));
    }
  }

  return {
    online: state.get,
    setOnline(online) {
      state.set(online);
      if (online) return;
      for (const socket of [...sockets]) socket.close(NETWORK_LOST_CLOSE_CODE, 'network lost');
      sockets.clear();
    },
    subscribe: state.subscribe,
    fetch: netFetch as typeof fetch,
    WebSocket: SimulatedWebSocket,
    takeAttempts(id) {
      const list = attempts.get(id) ?? [];
      attempts.delete(id);
      return list;
    },
  };
}
