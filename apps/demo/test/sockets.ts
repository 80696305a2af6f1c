/** Opens one live subscription per socket transport and records what arrives. */
import { createClient } from 'graphql-ws';
import { io } from 'socket.io-client';
import type { Session } from 'tokenkeeper';
import { graphqlWsAuth } from 'tokenkeeper/graphql-ws';
import { attachSocketIo } from 'tokenkeeper/socket.io';
import type { VirtualClock } from 'tokenkeeper/testing';
import { type AuthWebSocketEvent, createAuthWebSocket } from 'tokenkeeper/websocket';
import WebSocket from 'ws';

export interface LiveSockets {
  /** Tick sequence numbers received per transport. */
  seen: { graphqlWs: number[]; ws: number[]; socketIo: number[] };
  /** Errors delivered to the graphql-ws subscription. */
  graphqlErrors: unknown[];
  wsEvents: AuthWebSocketEvent[];
  socketIoConnected(): boolean;
  close(): Promise<void>;
}

export function openLiveSockets(session: Session, wsUrl: string, clock: VirtualClock): LiveSockets {
  const seen = { graphqlWs: [] as number[], ws: [] as number[], socketIo: [] as number[] };
  const graphqlErrors: unknown[] = [];
  const wsEvents: AuthWebSocketEvent[] = [];

  const auth = graphqlWsAuth(session, { clock });
  const client = createClient({ url: `${wsUrl}/graphql`, webSocketImpl: WebSocket, ...auth });
  const stopSubscription = client.subscribe<{ ticks: { seq: number } }>(
    { query: 'subscription { ticks { seq } }' },
    {
      next: (result) => result.data && seen.graphqlWs.push(result.data.ticks.seq),
      error: (error) => graphqlErrors.push(error),
      complete: () => undefined,
    },
  );

  const raw = createAuthWebSocket(session, {
    url: `${wsUrl}/ws`,
    WebSocket,
    clock,
  });
  raw.on((event) => {
    wsEvents.push(event);
    if (event.type === 'message') {
      const message = JSON.parse(String(event.data)) as { type: string; seq?: number };
      if (message.type === 'tick' && message.seq !== undefined) seen.ws.push(message.seq);
    }
  });

  const socket = io(wsUrl.replace('ws:', 'http:'), {
    autoConnect: false,
    transports: ['websocket'],
    reconnection: true,
  });
  socket.on('tick', (tick: { seq: number }) => seen.socketIo.push(tick.seq));
  const detach = attachSocketIo(session, socket);

  return {
    seen,
    graphqlErrors,
    wsEvents,
    socketIoConnected: () => socket.connected,
    async close() {
      stopSubscription();
      auth.dispose();
      await client.dispose();
      raw.close();
      detach();
      socket.disconnect();
    },
  };
}
