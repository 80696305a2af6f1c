/**
 * The demo: the token server, the resource API (REST, GraphQL, WebSocket) and the web page on one
 * origin, with short lifetimes so a visitor sees the lifecycle happen within a minute.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';

import { type Clock, systemClock } from 'tokenkeeper';
import {
  ConfigError,
  createJsonLogger,
  createTokenServer,
  dataDirSecret,
  type LifetimeOptions,
  type Logger,
  openStore,
  type TokenServer,
} from 'tokenkeeper-server';
import { buildPage } from './page.js';
import { createResourceApi, type ResourceApi } from './resource/index.js';
import { revocableVerifier } from './revocable-verifier.js';

export const DEMO_USER = { username: 'demo', password: 'tokenkeeper-demo' };

/**
 * Demo lifetimes. `web` is a sliding session (seed 002): 30 s tokens, ended by 2 minutes without
 * activity. `mobile` keeps the same 30 s tokens but a 90-day idle window (seed 003's mobile
 * advice), so "five days in the background" ends in one refresh instead of a sign-in.
 */
export const DEMO_LIFETIMES: Record<'web' | 'mobile', LifetimeOptions> = {
  web: { accessTtl: '30s', idleTimeout: '2m', absoluteTimeout: '1h' },
  mobile: { accessTtl: '30s', idleTimeout: '90d', absoluteTimeout: '365d' },
};
export const DEMO_REUSE_GRACE = '10s';

export interface DemoOptions {
  /** @default 8080; 0 picks a free port */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Embedded store directory; without it the store lives in memory. */
  dataDir?: string;
  /** @default systemClock */
  clock?: Clock;
  /** Ms between live-feed ticks. @default 1000 */
  feedInterval?: number;
  /** Override the demo lifetimes (tests use shorter ones). */
  lifetimes?: Partial<Record<'web' | 'mobile', LifetimeOptions>>;
  /** @default JSON lines on stderr */
  logger?: Logger;
}

export interface RunningDemo {
  readonly url: string;
  readonly tokenServer: TokenServer;
  readonly api: ResourceApi;
  close(): Promise<void>;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const clock = options.clock ?? systemClock;
  const host = options.host ?? '127.0.0.1';
  const http: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8080, host, () => resolve());
  });
  const url = `http://${host}:${(http.address() as AddressInfo).port}`;
  const lifetimes = {
    web: { ...DEMO_LIFETIMES.web, ...options.lifetimes?.web },
    mobile: { ...DEMO_LIFETIMES.mobile, ...options.lifetimes?.mobile },
  };
  let tokenServer: TokenServer;
  try {
    const store = await openStore({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      clock,
    });
    tokenServer = await createTokenServer({
      store,
      ownsStore: true,
      issuer: url,
      audience: 'tokenkeeper-demo',
      clock,
      lifetimes,
      reuseGrace: DEMO_REUSE_GRACE,
      sliding: true,
      logger: options.logger ?? createJsonLogger(),
      ...(options.dataDir ? { secret: dataDirSecret(options.dataDir) } : {}),
    });
  } catch (error) {
    http.close();
    throw error;
  }
  try {
    await tokenServer.service.users.add(DEMO_USER.username, DEMO_USER.password);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error; // the demo user exists from an earlier run
  }

  const verifier = revocableVerifier(tokenServer);
  const api = createResourceApi({ verifier, clock, feedInterval: options.feedInterval ?? 1000 });
  const page = await buildPage();
  async function demoRoutes(request: Request): Promise<Response | undefined> {
    const path = new URL(request.url).pathname;
    if (path === '/demo/config' && request.method === 'GET') {
      const settings = tokenServer.service.settings;
      return json(200, {
        user: DEMO_USER.username,
        lifetimes: settings.lifetimes,
        reuseGraceMs: settings.reuseGraceMs,
      });
    }
    if (path === '/demo/audit' && request.method === 'GET') {
      const rows = await tokenServer.service.audit({ limit: 40 });
      return json(
        200,
        rows.map(({ at, outcome, familyId, generation, clientType }) => ({
          at,
          outcome,
          familyId,
          generation,
          clientType,
        })),
      );
    }
    if (path === '/demo/revoke-access-token' && request.method === 'POST') {
      try {
        const claims = await verifier.verifyRequest(request);
        verifier.revoke(claims.jti);
        return json(200, { revoked: true });
      } catch {
        return json(401, { error: 'invalid_token' });
      }
    }
    return undefined;
  }

  const handle = getRequestListener(async (request) => {
    const path = new URL(request.url).pathname;
    if (
      path.startsWith('/auth/') ||
      path.startsWith('/oauth/') ||
      path.startsWith('/.well-known/')
    ) {
      return tokenServer.fetch(request);
    }
    return (
      (await demoRoutes(request)) ??
      (await api.handle(request)) ??
      json(404, { error: 'not_found' })
    );
  });
  const servePage = getRequestListener(page.serve);
  http.on('request', (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const ours =
      /^\/(auth|oauth|\.well-known|demo|api)\//.test(path) ||
      (path === '/graphql' && req.method === 'POST');
    void (ours ? handle(req, res) : servePage(req, res));
  });
  api.attach(http);

  return {
    url,
    tokenServer,
    api,
    async close() {
      await api.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await tokenServer.close();
      page.remove();
    },
  };
}
