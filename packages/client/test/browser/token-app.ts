/**
 * Node side of the browser tests: the real token server (rotation, grace 0 unless told) and a
 * protected resource, mounted on the page's origin, on a virtual clock that starts at real time.
 */
import { createVirtualClock, type VirtualClock } from 'tokenkeeper/testing';
import {
  type AuditRecord,
  createTokenServer,
  openStore,
  silentLogger,
  type TokenServer,
} from 'tokenkeeper-server';
import { type BrowserApp, startBrowserApp } from '../../../../test/browser/harness.js';

export const USER = { username: 'grace', password: 'hopper-1906-cobol' };

export interface TokenApp {
  app: BrowserApp;
  clock: VirtualClock;
  server: TokenServer;
  audit(outcome: AuditRecord['outcome']): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export async function startTokenApp(
  pages: Record<string, string>,
  options: { reuseGrace?: string } = {},
): Promise<TokenApp> {
  // Pages use Date.now() plus an offset the test moves; the server's clock moves with it.
  const clock = createVirtualClock(Date.now());
  const store = await openStore({ clock });
  const server = await createTokenServer({
    store,
    ownsStore: true,
    issuer: 'http://tokenkeeper.test',
    audience: 'tokenkeeper',
    clock,
    reuseGrace: options.reuseGrace ?? '0s',
    passwordHashing: { N: 1024, r: 8, p: 1 },
    logger: silentLogger,
  });
  await server.service.users.add(USER.username, USER.password);
  const app = await startBrowserApp({
    pages,
    handler: async (request) => {
      const path = new URL(request.url).pathname;
      if (
        path.startsWith('/auth/') ||
        path.startsWith('/oauth/') ||
        path.startsWith('/.well-known/')
      ) {
        return server.fetch(request);
      }
      if (path === '/api/me') {
        try {
          const claims = await server.verifyRequest(request);
          return Response.json({ sub: claims.sub });
        } catch {
          return new Response('{"error":"invalid_token"}', {
            status: 401,
            headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
          });
        }
      }
      return undefined;
    },
  });
  return {
    app,
    clock,
    server,
    async audit(outcome) {
      return (await server.service.audit({ limit: 1000 })).filter((row) => row.outcome === outcome);
    },
    async close() {
      await app.close();
      await server.close();
    },
  };
}
