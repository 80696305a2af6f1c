/**
 * The WebSocket side of the resource API: graphql-ws on /graphql, a raw WebSocket on /ws and
 * Socket.IO on /socket.io. Each verifies the access token when the socket connects AND closes
 * the socket when that token expires (the other half of the seed 003 bug: a server that never
 * re-checks a long-lived socket). Close codes: 4403 for a refused token, 4440 `token_expired`.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { Server as SocketIoServer } from 'socket.io';
import type { Clock } from 'tokenkeeper';
import type { AccessTokenClaims, AccessTokenVerifier } from 'tokenkeeper-server/verify';
import { type WebSocket, WebSocketServer } from 'ws';
import type { AuthLog, AuthRecord } from './auth-log.js';
import type { Feed } from './feed.js';

/** Close code for a token refused at connect (graphql-ws `Forbidden`). */
export const TOKEN_REFUSED = 4403;
/** Close code when the token a socket authenticated with expires. */
export const TOKEN_EXPIRED = 4440;

export interface SocketEndpointsOptions {
  verifier: AccessTokenVerifier;
  schema: GraphQLSchema;
  feed: Feed;
  authLog: AuthLog;
  clock: Clock;
  /** A raw /ws socket must authenticate within this many ms. @default 5000 */
  authTimeout?: number;
}

export interface SocketEndpoints {
  /** Open sockets per transport. */
  counts(): { graphqlWs: number; ws: number; socketIo: number };
  close(): Promise<void>;
}

function bearer(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value.startsWith('Bearer ') ? value.slice(7) : value;
}

export function attachSocketEndpoints(
  server: Server,
  options: SocketEndpointsOptions,
): SocketEndpoints {
  const { verifier, schema, feed, authLog, clock } = options;
  const authTimeout = options.authTimeout ?? 5000;

  /** Verifies `token`, logs the attempt, and returns the claims or undefined. */
  async function verify(
    transport: AuthRecord['transport'],
    token: string,
  ): Promise<AccessTokenClaims | undefined> {
    try {
      const claims = await verifier.verifyAccessToken(token);
      authLog.record(transport, token, clock.now(), true);
      return claims;
    } catch {
      if (token) authLog.record(transport, token, clock.now(), false);
      return undefined;
    }
  }

  /** Calls `onExpire` when the token behind `claims` expires; returns the cancel. */
  function atExpiry(claims: AccessTokenClaims, onExpire: () => void): () => void {
    const handle = clock.setTimeout(onExpire, Math.max(0, claims.exp * 1000 - clock.now()));
    return () => clock.clearTimeout(handle);
  }

  // graphql-ws: the token arrives in connection_init's payload.
  const graphqlWss = new WebSocketServer({ noServer: true });
  const claimsOf = new WeakMap<WebSocket, AccessTokenClaims>();
  // biome-ignore lint/correctness/useHookAtTopLevel: graphql-ws's useServer is not a React hook
  const graphqlServer = useServer(
    {
      schema,
      context: (ctx) => ({ claims: claimsOf.get(ctx.extra.socket) }),
      onConnect: async (ctx) => {
        const claims = await verify('graphql-ws', bearer(ctx.connectionParams?.authorization));
        if (!claims) return false; // closes with 4403 Forbidden
        const socket = ctx.extra.socket;
        claimsOf.set(socket, claims);
        const cancel = atExpiry(claims, () => socket.close(TOKEN_EXPIRED, 'token_expired'));
        socket.once('close', cancel);
        return true;
      },
    },
    graphqlWss,
  );

  // Raw WebSocket: the token in an Authorization header, a `bearer.<token>` subprotocol, or a
  // first message {"type":"auth","token":...}, which may be sent again to re-authenticate.
  const rawWss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => [...protocols].find((p) => !p.startsWith('bearer.')) ?? false,
  });
  rawWss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    let authenticated = false;
    let cancelExpiry: (() => void) | undefined;
    const send = (message: unknown) =>
      socket.readyState === socket.OPEN && socket.send(JSON.stringify(message));
    const stopFeed = feed.listen((tick) => authenticated && send({ type: 'tick', ...tick }));
    const authTimer = clock.setTimeout(
      () => !authenticated && socket.close(TOKEN_REFUSED, 'auth_timeout'),
      authTimeout,
    );
    const accept = async (token: string) => {
      const claims = await verify('ws', token);
      if (socket.readyState !== socket.OPEN) return;
      if (!claims) return socket.close(TOKEN_REFUSED, 'invalid_token');
      cancelExpiry?.();
      cancelExpiry = atExpiry(claims, () => socket.close(TOKEN_EXPIRED, 'token_expired'));
      send({ type: authenticated ? 'reauthenticated' : 'ready', exp: claims.exp });
      authenticated = true;
      clock.clearTimeout(authTimer);
    };
    socket.on('message', (data) => {
      let message: { type?: unknown; token?: unknown };
      try {
        message = JSON.parse(String(data));
      } catch {
        return socket.close(1003, 'messages must be JSON');
      }
      if (message?.type === 'auth' && typeof message.token === 'string') void accept(message.token);
      else if (message?.type === 'ping') send({ type: 'pong' });
    });
    socket.on('close', () => {
      stopFeed();
      cancelExpiry?.();
      clock.clearTimeout(authTimer);
    });
    const offered = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .find((p) => p.startsWith('bearer.'));
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) void accept(header.slice(7));
    else if (offered) void accept(offered.slice('bearer.'.length));
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const target = path === '/graphql' ? graphqlWss : path === '/ws' ? rawWss : undefined;
    if (target)
      target.handleUpgrade(request, socket, head, (ws) => target.emit('connection', ws, request));
    // Anything else is Socket.IO's (it listens on its own path) or nobody's (it destroys those).
  };
  server.on('upgrade', onUpgrade);

  // Socket.IO: the token in the handshake's `auth`; at expiry the server says so and disconnects.
  const io = new SocketIoServer(server, { path: '/socket.io', serveClient: false });
  io.use(async (socket, next) => {
    const claims = await verify('socket.io', String(socket.handshake.auth?.token ?? ''));
    if (!claims)
      return next(Object.assign(new Error('invalid_token'), { data: { code: 'invalid_token' } }));
    socket.data.claims = claims;
    next();
  });
  io.on('connection', (socket) => {
    const claims = socket.data.claims as AccessTokenClaims;
    const cancel = atExpiry(claims, () => {
      socket.emit('token_expired');
      socket.disconnect(true);
    });
    const stopFeed = feed.listen((tick) => socket.emit('tick', tick));
    socket.on('disconnect', () => {
      cancel();
      stopFeed();
    });
  });

  return {
    counts: () => ({
      graphqlWs: graphqlWss.clients.size,
      ws: rawWss.clients.size,
      socketIo: io.of('/').sockets.size,
    }),
    async close() {
      server.off('upgrade', onUpgrade);
      for (const client of [...graphqlWss.clients, ...rawWss.clients]) client.terminate();
      await graphqlServer.dispose();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      graphqlWss.close();
      rawWss.close();
    },
  };
}
