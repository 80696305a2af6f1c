/**
 * The raw WebSocket feed `/ws` through `createAuthWebSocket` in message mode: the token goes in
 * a first message, and after every refresh the new token goes over the same open socket (the
 * server answers `reauthenticated` and moves the socket's expiry), so there is no reconnect.
 */
import type { Session } from 'tokenkeeper';
import { TOKEN_EXPIRED_CLOSE_CODE } from 'tokenkeeper/graphql-ws';
import { createAuthWebSocket, type WebSocketConstructor } from 'tokenkeeper/websocket';
import { NETWORK_LOST_CLOSE_CODE, type SimulatedNetwork } from '../platform/network.js';
import { endNote, type OpenStream, socketUrl } from './stream.js';

/** Close code of a connection that failed before it opened. */
const ABNORMAL_CLOSURE = 1006;

function closeReason(code: number): string {
  if (code === TOKEN_EXPIRED_CLOSE_CODE) return 'the server closed it: token expired';
  if (code === NETWORK_LOST_CLOSE_CODE || code === ABNORMAL_CLOSURE) return 'network lost';
  return `closed (${code})`;
}

function tickOf(data: unknown): number | undefined {
  let message: { type?: unknown; seq?: unknown };
  try {
    message = JSON.parse(String(data));
  } catch {
    return undefined; // the server only sends JSON; anything else is not a tick
  }
  return message.type === 'tick' && typeof message.seq === 'number' ? message.seq : undefined;
}

export function wsStream(session: Session, network: SimulatedNetwork): OpenStream {
  return (sink) => {
    sink.update(() => ({ status: 'connecting', note: undefined }));
    const socket = createAuthWebSocket(session, {
      url: socketUrl('/ws'),
      // A subclass of the browser's WebSocket, which the adapter's structural type does not see.
      WebSocket: network.WebSocket as unknown as WebSocketConstructor,
    });
    let dropped = false; // one timeline line per outage, not one per reconnect attempt
    let live = true; // events after the page let go of the socket change nothing
    socket.on((event) => {
      if (!live) return;
      if (event.type === 'open') {
        sink.update(() => ({ status: 'open', note: undefined }));
        if (dropped) {
          sink.log({
            kind: 'ws:reconnected',
            tone: 'good',
            title: 'WebSocket reconnected',
            detail: `authenticated with ${sink.fingerprint()}`,
          });
        }
        dropped = false;
      } else if (event.type === 'message') {
        const seq = tickOf(event.data);
        if (seq !== undefined) sink.update(() => ({ lastSeq: seq }));
      } else if (event.type === 'reauthenticated') {
        sink.update((s) => ({ renewals: s.renewals + 1 }));
        sink.log({
          kind: 'ws:reauthenticated',
          tone: 'good',
          title: 'WebSocket re-authenticated',
          detail: `sent ${sink.fingerprint()} on the open socket: no reconnect, no gap`,
        });
      } else if (event.type === 'close') {
        const why = closeReason(event.code);
        sink.update(() => ({ status: 'reconnecting', note: why }));
        if (!dropped)
          sink.log({ kind: 'ws:closed', tone: 'warn', title: 'WebSocket dropped', detail: why });
        dropped = true;
      } else {
        sink.update(() => ({ status: 'ended', note: endNote(event.error) }));
      }
    });
    return () => {
      live = false;
      socket.close();
    };
  };
}
