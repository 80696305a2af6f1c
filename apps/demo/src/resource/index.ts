/**
 * The demo's resource API: REST, GraphQL over HTTP, GraphQL subscriptions over graphql-ws, a raw
 * WebSocket and Socket.IO, all behind access-token verification by tokenkeeper-server.
 */
import type { Server } from 'node:http';
import { type Clock, systemClock } from 'tokenkeeper';
import type { AccessTokenVerifier } from 'tokenkeeper-server/verify';
import { type AuthLog, createAuthLog } from './auth-log.js';
import { createFeed, type Feed, type Tick } from './feed.js';
import { createHttpRoutes } from './http.js';
import { createSchema } from './schema.js';
import { attachSocketEndpoints, type SocketEndpoints } from './sockets.js';

export type { AuthLog, AuthRecord } from './auth-log.js';
export type { Feed, Tick } from './feed.js';
export { TOKEN_EXPIRED, TOKEN_REFUSED } from './sockets.js';

export interface ResourceApiOptions {
  verifier: AccessTokenVerifier;
  /** Drives socket expiry and the feed. @default systemClock */
  clock?: Clock;
  /** Ms between feed ticks; 0 publishes only on `tick()`. @default 0 */
  feedInterval?: number;
}

export interface ResourceApi {
  /** REST (`/api/*`) and `POST /graphql`; undefined for other paths. */
  handle(request: Request): Promise<Response | undefined>;
  /** Adds the WebSocket endpoints to an HTTP server. */
  attach(server: Server): void;
  readonly feed: Feed;
  readonly authLog: AuthLog;
  /** Publishes one feed tick now. */
  tick(): Tick;
  counts(): { graphqlWs: number; ws: number; socketIo: number };
  close(): Promise<void>;
}

export function createResourceApi(options: ResourceApiOptions): ResourceApi {
  const clock = options.clock ?? systemClock;
  const feed = createFeed();
  const authLog = createAuthLog();
  const schema = createSchema(feed);
  const handle = createHttpRoutes({
    verifier: options.verifier,
    schema,
    authLog,
    now: () => clock.now(),
  });
  const endpoints: SocketEndpoints[] = [];
  let feedTimer: unknown;
  const interval = options.feedInterval ?? 0;
  const scheduleTick = () => {
    feedTimer = clock.setTimeout(() => {
      feed.publish(clock.now());
      scheduleTick();
    }, interval);
  };
  if (interval > 0) scheduleTick();
  return {
    handle,
    attach(server) {
      endpoints.push(
        attachSocketEndpoints(server, { verifier: options.verifier, schema, feed, authLog, clock }),
      );
    },
    feed,
    authLog,
    tick: () => feed.publish(clock.now()),
    counts() {
      const total = { graphqlWs: 0, ws: 0, socketIo: 0 };
      for (const endpoint of endpoints) {
        const c = endpoint.counts();
        total.graphqlWs += c.graphqlWs;
        total.ws += c.ws;
        total.socketIo += c.socketIo;
      }
      return total;
    },
    async close() {
      if (feedTimer !== undefined) clock.clearTimeout(feedTimer);
      await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    },
  };
}
