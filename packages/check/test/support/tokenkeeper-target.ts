/**
 * tokenkeeper-server on 127.0.0.1 with an in-memory store, one user, and a resource route
 * (`GET /api/me`, verified by the server's own verifier) for the checks that call one.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import {
  BearerError,
  bearerErrorResponse,
  createTokenServer,
  type LifetimeOptions,
  openStore,
  silentLogger,
  type TokenServer,
} from 'tokenkeeper-server';

export const TK_USER = { username: 'alice', password: 'correct horse battery' };

export interface TokenkeeperTarget {
  readonly url: string;
  readonly tokenServer: TokenServer;
  close(): Promise<void>;
}

export async function startTokenkeeper(
  options: { reuseGrace?: string | number; web?: LifetimeOptions } = {},
): Promise<TokenkeeperTarget> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const tokenServer = await createTokenServer({
    store: await openStore(),
    ownsStore: true,
    issuer: url,
    audience: 'tokenkeeper-check-test',
    passwordHashing: { N: 1024, r: 8, p: 1 },
    logger: silentLogger,
    ...(options.reuseGrace === undefined ? {} : { reuseGrace: options.reuseGrace }),
    ...(options.web ? { lifetimes: { web: options.web } } : {}),
  });
  await tokenServer.service.users.add(TK_USER.username, TK_USER.password);
  http.on(
    'request',
    getRequestListener(async (request) => {
      if (new URL(request.url).pathname !== '/api/me') return tokenServer.fetch(request);
      try {
        const claims = await tokenServer.verifyRequest(request);
        return Response.json({ sub: claims.sub });
      } catch (error) {
        if (error instanceof BearerError) return bearerErrorResponse(error);
        throw error;
      }
    }),
  );
  return {
    url,
    tokenServer,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await tokenServer.close();
    },
  };
}
