/**
 * Issue 12.1: a token the server accepted and later refused costs one refresh again, for every
 * socket adapter. The scenario, as a new user meets it: sign in, open a socket; the server
 * refuses the first token (4440); one refresh, the socket reconnects with B and the server
 * accepts B. Later the server refuses B too (revocation, key rotation) and closes with 4440:
 * exactly one more refresh, and the socket reconnects with C. No refresh loop either: the
 * guard still stops a token refused right after the refresh that produced it.
 */
import { createServer } from 'node:http';
import { GraphQLInt, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { Server as SocketIoServer, type Socket as SocketIoServerSocket } from 'socket.io';
import { io } from 'socket.io-client';
import { fingerprint } from 'tokenkeeper';
import { graphqlWsAuth } from 'tokenkeeper/graphql-ws';
import { attachSocketIo } from 'tokenkeeper/socket.io';
import { createAuthWebSocket } from 'tokenkeeper/websocket';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  cleanupAfterEach,
  listen,
  runUntil,
  SECOND,
  sessionWithEndpoint,
  tokenLedger,
} from './socket-support.js';

const defer = cleanupAfterEach();

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { ok: { type: GraphQLInt, resolve: () => 1 } },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      ticks: {
        type: GraphQLInt,
        subscribe: async function* () {
          await new Promise(() => {});
        },
      },
    },
  }),
});

/**
 * Runs the scenario once the adapter is connecting. `kick(print)` makes the server drop the
 * open connection of the token with that fingerprint the way its adapter hears a refusal.
 */
async function refusedAfterAcceptance(
  setup: ReturnType<typeof sessionWithEndpoint>,
  ledger: ReturnType<typeof tokenLedger>,
  kick: (print: string) => void,
) {
  const { clock, endpoint, session } = setup;
  const a = session.getSnapshot().fingerprint!;
  const current = () => session.getSnapshot().fingerprint;
  await runUntil(clock, () => endpoint.refreshCount === 1 && ledger.accepted(current()), SECOND);
  const b = current()!;
  expect(b).not.toBe(a);
  expect(ledger.seen).toEqual([
    { token: a, accepted: false },
    { token: b, accepted: true },
  ]);
  expect(endpoint.refreshCount).toBe(1);

  await clock.advance(60 * SECOND); // the socket lives on B for a while
  ledger.refuse(b); // then the server revokes B...
  kick(b); // ...and closes its connection
  await runUntil(clock, () => current() !== b && ledger.accepted(current()), SECOND);
  const c = current()!;
  expect(endpoint.refreshCount).toBe(2);
  expect(c).not.toBe(b);
  // The refused B was not tried again: straight from the refusal to one refresh and C.
  expect(ledger.seen.slice(2)).toEqual([{ token: c, accepted: true }]);
  // And nothing more happens: C is kept, no further refresh.
  await runUntil(clock, () => false, 5 * SECOND);
  expect(endpoint.refreshCount).toBe(2);
}

describe('a token accepted, then refused, costs one refresh again (issue 12.1)', () => {
  it('WebSocket', async () => {
    const setup = sessionWithEndpoint(defer);
    const { clock, endpoint, session } = setup;
    const ledger = tokenLedger();
    const open = new Map<string, WebSocket>();
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket, request) => {
      const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!ledger.check(token)) return socket.close(4440, 'token_expired');
      open.set(fingerprint(token), socket);
      socket.send(JSON.stringify({ type: 'ready' }));
    });
    defer(() => wss.close());
    const host = await listen(http, defer);
    const tokens = endpoint.login();
    await session.signIn(tokens);
    ledger.refuse(fingerprint(tokens.access_token)); // refused from the start
    const socket = createAuthWebSocket(session, {
      url: `ws://${host}`,
      auth: 'header',
      WebSocket,
      clock,
      random: () => 0.5,
    });
    defer(() => socket.close());
    await refusedAfterAcceptance(setup, ledger, (print) =>
      open.get(print)?.close(4440, 'token_expired'),
    );
  });

  it('graphql-ws', async () => {
    const setup = sessionWithEndpoint(defer);
    const { clock, endpoint, session } = setup;
    const ledger = tokenLedger();
    const open = new Map<string, WebSocket>();
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    const server = useServer(
      {
        schema,
        onConnect: (ctx) => {
          const token = String(ctx.connectionParams?.authorization ?? '').replace(/^Bearer /, '');
          if (!ledger.check(token)) {
            ctx.extra.socket.close(4440, 'token_expired');
            return false;
          }
          open.set(fingerprint(token), ctx.extra.socket);
          return true;
        },
      },
      wss,
    );
    defer(() => server.dispose());
    const address = await listen(http, defer);
    const tokens = endpoint.login();
    await session.signIn(tokens);
    ledger.refuse(fingerprint(tokens.access_token));
    const auth = graphqlWsAuth(session, { clock, random: () => 0.5 });
    const client = createClient({ url: `ws://${address}`, webSocketImpl: WebSocket, ...auth });
    defer(() => Promise.resolve(client.dispose()).catch(() => undefined));
    defer(() => auth.dispose());
    const errors: unknown[] = [];
    client.subscribe(
      { query: 'subscription { ticks }' },
      { next: () => {}, error: (error) => errors.push(error), complete: () => {} },
    );
    await refusedAfterAcceptance(setup, ledger, (print) =>
      open.get(print)?.close(4440, 'token_expired'),
    );
    expect(errors).toEqual([]);
  });

  it('Socket.IO', async () => {
    const setup = sessionWithEndpoint(defer);
    const { clock, endpoint, session } = setup;
    const ledger = tokenLedger();
    const open = new Map<string, SocketIoServerSocket>();
    const http = createServer();
    const ioServer = new SocketIoServer(http);
    ioServer.use((socket, next) => {
      const token = String(socket.handshake.auth?.token ?? '');
      if (!ledger.check(token))
        return next(Object.assign(new Error('invalid_token'), { data: {} }));
      open.set(fingerprint(token), socket);
      next();
    });
    defer(() => new Promise((resolve) => ioServer.close(() => resolve(undefined))));
    const address = await listen(http, defer);
    const tokens = endpoint.login();
    await session.signIn(tokens);
    ledger.refuse(fingerprint(tokens.access_token));
    const socket = io(`http://${address}`, {
      autoConnect: false,
      transports: ['websocket'],
      reconnection: false,
    });
    defer(() => socket.disconnect());
    defer(attachSocketIo(session, socket, { clock, random: () => 0.5 }));
    await refusedAfterAcceptance(setup, ledger, (print) => {
      const connected = open.get(print);
      connected?.emit('token_expired');
      connected?.disconnect(true);
    });
  });
});
