import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLInt, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { Server as SocketIoServer } from 'socket.io';
import { io } from 'socket.io-client';
import { ConfigError, createSession, type Session } from 'tokenkeeper';
import { graphqlWsAuth } from 'tokenkeeper/graphql-ws';
import { attachSocketIo } from 'tokenkeeper/socket.io';
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';
import { createAuthWebSocket, type WebSocketConstructor } from 'tokenkeeper/websocket';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';

const SECOND = 1000;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function signedInSession() {
  const clock = createVirtualClock();
  const endpoint = createTokenEndpoint({ clock });
  const session = createSession({ clock, refresh: endpoint.refresh, random: () => 0.5 });
  cleanups.push(() => session.dispose());
  return { clock, endpoint, session };
}

/** Advances virtual time in steps while real I/O happens, until `done()` or the steps run out. */
async function runUntil(
  clock: ReturnType<typeof createVirtualClock>,
  done: () => boolean,
  step = 5 * SECOND,
) {
  for (let i = 0; i < 40 && !done(); i++) {
    await clock.advance(step);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A subscription that stays open and never yields: all these tests need is a live socket. */
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

describe('graphql-ws adapter', () => {
  it('a server that refuses every token costs one refresh, then backs off instead of looping', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    let connects = 0;
    const server = useServer(
      {
        schema,
        onConnect: () => {
          connects++;
          return false;
        },
      },
      wss,
    );
    const address = await listen(http);
    cleanups.push(() => server.dispose());
    const { clock, endpoint, session } = signedInSession();
    await session.signIn(endpoint.login());
    const auth = graphqlWsAuth(session, { clock });
    const client = createClient({ url: `ws://${address}`, webSocketImpl: WebSocket, ...auth });
    // auth first: it ends the backoff wait. graphql-ws's dispose() rejects with the last close
    // event when a connection attempt was being refused; that is not what this test checks.
    cleanups.push(
      () => Promise.resolve(client.dispose()).catch(() => undefined),
      () => auth.dispose(),
    );
    client.subscribe(
      { query: 'subscription { ticks }' },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    await runUntil(clock, () => connects >= 5);
    expect(connects).toBeGreaterThanOrEqual(5);
    expect(endpoint.refreshCount).toBe(1);
  });

  it('after a sign-out and a new sign-in, a dropped connection reconnects', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    let connects = 0;
    const server = useServer(
      {
        schema,
        onConnect: () => {
          connects++;
          return true;
        },
      },
      wss,
    );
    const address = await listen(http);
    cleanups.push(() => server.dispose());
    const { clock, endpoint, session } = signedInSession();
    await session.signIn(endpoint.login());
    const auth = graphqlWsAuth(session, { clock });
    const client = createClient({
      url: `ws://${address}`,
      webSocketImpl: WebSocket,
      ...auth,
    });
    cleanups.push(
      () => Promise.resolve(client.dispose()).catch(() => undefined),
      () => auth.dispose(),
    );
    const sink = { next: () => {}, error: vi.fn(), complete: () => {} };
    client.subscribe({ query: 'subscription { ticks }' }, sink);
    await vi.waitFor(() => expect(connects).toBe(1));
    await session.signOut();
    await vi.waitFor(() => expect(sink.error).toHaveBeenCalledTimes(1)); // the old session's end
    await session.signIn(endpoint.login());
    const again = { next: () => {}, error: vi.fn(), complete: () => {} };
    client.subscribe({ query: 'subscription { ticks }' }, again);
    await vi.waitFor(() => expect(connects).toBe(2));
    for (const socket of wss.clients) socket.terminate(); // a network drop
    await runUntil(clock, () => connects >= 3, SECOND);
    expect(connects).toBe(3);
    expect(again.error).not.toHaveBeenCalled();
  });
});

describe('Socket.IO adapter', () => {
  function socketIoServer(refuse: () => boolean) {
    const http = createServer();
    const ioServer = new SocketIoServer(http);
    let handshakes = 0;
    ioServer.use((_socket, next) => {
      handshakes++;
      next(refuse() ? Object.assign(new Error('invalid_token'), { data: {} }) : undefined);
    });
    cleanups.push(() => new Promise((resolve) => ioServer.close(() => resolve(undefined))));
    return { http, handshakes: () => handshakes };
  }

  it('a server that refuses every token costs one refresh, then backs off instead of looping', async () => {
    const server = socketIoServer(() => true);
    const address = await listen(server.http);
    const { clock, endpoint, session } = signedInSession();
    await session.signIn(endpoint.login());
    const socket = io(`http://${address}`, {
      autoConnect: false,
      transports: ['websocket'],
      reconnection: false,
    });
    cleanups.push(() => socket.disconnect());
    cleanups.push(attachSocketIo(session, socket, { clock, random: () => 0.5 }));
    await runUntil(clock, () => server.handshakes() >= 5);
    expect(server.handshakes()).toBeGreaterThanOrEqual(5);
    expect(endpoint.refreshCount).toBe(1);
  });

  it('one transient failure to get a token delays the connection; it does not end it', async () => {
    const server = socketIoServer(() => false);
    const address = await listen(server.http);
    const { clock, endpoint, session } = signedInSession();
    await session.signIn(endpoint.login());
    clock.jump(20 * 60 * SECOND); // the token ran out while the app was away...
    endpoint.script({ status: 503 }); // ...and the first refresh meets a busy server
    const socket = io(`http://${address}`, {
      autoConnect: false,
      transports: ['websocket'],
      reconnection: false,
    });
    cleanups.push(() => socket.disconnect());
    cleanups.push(attachSocketIo(session, socket, { clock, random: () => 0.5 }));
    await runUntil(clock, () => socket.connected, SECOND);
    expect(socket.connected).toBe(true);
    expect(endpoint.refreshCount).toBe(2);
  });

  it('detaching gives the socket its own auth back', () => {
    const { session } = signedInSession();
    const own = { token: 'app-managed' };
    const socket = io('http://127.0.0.1:1', { autoConnect: false, auth: own });
    const detach = attachSocketIo(session as Session, socket);
    expect(socket.auth).not.toBe(own);
    detach();
    socket.disconnect();
    expect(socket.auth).toBe(own);
  });
});

describe('WebSocket adapter', () => {
  it('its reconnections after a refresh are not user activity: the idle countdown runs on', async () => {
    const clock = createVirtualClock();
    const endpoint = createTokenEndpoint({ clock, accessTokenTtl: 5 * 60 * SECOND });
    const session = createSession({
      clock,
      refresh: endpoint.refresh,
      idleTimeout: 15 * 60 * SECOND,
      random: () => 0.5,
    });
    cleanups.push(() => session.dispose());
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    const seen: string[] = [];
    wss.on('connection', (_socket, request) => seen.push(request.headers.authorization ?? ''));
    cleanups.push(() => wss.close());
    const host = await listen(http);
    await session.signIn(endpoint.login());
    const deadline = session.getSnapshot().idleDeadline;
    const socket = createAuthWebSocket(session, {
      url: `ws://${host}`,
      auth: 'header',
      WebSocket,
      clock,
    });
    cleanups.push(() => socket.close());
    // The open socket holds the session: its timer refreshes ahead of expiry, the socket follows.
    await runUntil(clock, () => seen.length === 2, 10 * SECOND);
    expect(endpoint.refreshCount).toBe(1);
    expect(seen[1]).not.toBe(seen[0]); // it reconnected with the new token...
    expect(session.getSnapshot().idleDeadline).toBe(deadline); // ...and that was no activity
  });

  it('takes the WebSocket of ws and of browsers as they are, without a cast (checked by tsc)', () => {
    const constructors: WebSocketConstructor[] = [WebSocket];
    // Node 20 has no global WebSocket at run time; the point is that its DOM type fits.
    const browser: typeof globalThis.WebSocket | undefined = globalThis.WebSocket;
    if (browser) constructors.push(browser);
    expect(constructors[0]).toBe(WebSocket);
  });

  it('a token that cannot be a subprotocol ends the socket with a ConfigError instead of hanging', async () => {
    const clock = createVirtualClock();
    const session = createSession({ clock });
    cleanups.push(() => session.dispose());
    await session.signIn({ access_token: 'abc/def+ghi=', expires_in: 600 });
    const socket = createAuthWebSocket(session, {
      url: 'ws://127.0.0.1:1/ws',
      auth: 'protocol',
      WebSocket,
      clock,
    });
    const ended = new Promise((resolve) =>
      socket.on((event) => event.type === 'ended' && resolve(event.error)),
    );
    expect(await ended).toBeInstanceOf(ConfigError);
    expect(socket.state).toBe('closed');
  });
});
