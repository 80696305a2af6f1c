/**
 * tokenkeeper-server on 127.0.0.1 with an in-memory store, one user, and a resource route
 * (`GET /api/me`, verified by the server's own verifier) for the checks that call one. Several
 * servers with different settings can share one store (and so one PGlite start, seconds each).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import {
  BearerError,
  bearerErrorResponse,
  createTokenServer,
  type LifetimeOptions,
  openStore,
  type Store,
  silentLogger,
  type TokenServer,
} from 'tokenkeeper-server';

export const TK_PASSWORD = 'correct horse battery';

export interface TokenkeeperOptions {
  reuseGrace?: string | number;
  web?: LifetimeOptions;
}

export interface TokenkeeperTarget {
  readonly url: string;
  readonly tokenServer: TokenServer;
  /** Each server has its own user, so its sessions can be told apart in the shared audit log. */
  readonly username: string;
  readonly userId: string;
  /** Families this server's user signed in that were never revoked; and how many there were. */
  familiesLeftOpen(): Promise<{ logins: number; open: string[] }>;
}

async function startOn(store: Store, secret: string, options: TokenkeeperOptions, index: number) {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const tokenServer = await createTokenServer({
    store,
    secret,
    issuer: url,
    audience: 'tokenkeeper-check-test',
    passwordHashing: { N: 1024, r: 8, p: 1 },
    logger: silentLogger,
    ...(options.reuseGrace === undefined ? {} : { reuseGrace: options.reuseGrace }),
    ...(options.web ? { lifetimes: { web: options.web } } : {}),
  });
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
  const username = `user-${index}`;
  const { id: userId } = await tokenServer.service.users.add(username, TK_PASSWORD);
  const familiesLeftOpen = async () => {
    const rows = (await tokenServer.service.audit({ limit: 10_000 })).filter(
      (r) => r.userId === userId,
    );
    const logins = new Set(rows.filter((r) => r.outcome === 'login').map((r) => r.familyId));
    const ended = new Set(
      rows
        .filter((r) => r.outcome === 'revoke' || r.outcome === 'reuse_revoked')
        .map((r) => r.familyId),
    );
    return {
      logins: logins.size,
      open: [...logins].filter((id): id is string => !!id && !ended.has(id)),
    };
  };
  const close = async () => {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await tokenServer.close();
  };
  return { target: { url, tokenServer, username, userId, familiesLeftOpen }, close };
}

/** One server per entry of `configs`, all on one in-memory store. */
export async function startTokenkeepers(
  configs: readonly TokenkeeperOptions[],
): Promise<{ targets: TokenkeeperTarget[]; close(): Promise<void> }> {
  const store = await openStore();
  const secret = randomBytes(32).toString('base64url');
  const started = await Promise.all(
    configs.map((config, index) => startOn(store, secret, config, index)),
  );
  return {
    targets: started.map((s) => s.target),
    async close() {
      await Promise.all(started.map((s) => s.close()));
      await store.close();
    },
  };
}
