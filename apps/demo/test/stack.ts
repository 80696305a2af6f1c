/**
 * The whole system on 127.0.0.1 for integration tests: the real token server (in-memory
 * PGlite), the demo resource API, and a session, all on one virtual clock so lifetimes pass in
 * milliseconds while every byte goes over real sockets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import {
  type Clock,
  createSession,
  oauth2Refresh,
  type Session,
  type SessionOptions,
  type TokenResponse,
} from 'tokenkeeper';
import { createVirtualClock, type VirtualClock } from 'tokenkeeper/testing';
import {
  type AccessTokenVerifier,
  type AuditRecord,
  createAccessTokenVerifier,
  type RunningTokenServer,
  serve,
  silentLogger,
} from 'tokenkeeper-server';
import { createResourceApi, type ResourceApi } from '../src/resource/index.js';

export const USER = { username: 'ada', password: 'correct horse battery' };

export interface Stack {
  clock: VirtualClock;
  token: RunningTokenServer;
  api: ResourceApi;
  /** `http://127.0.0.1:PORT` of the resource API */
  apiUrl: string;
  /** `ws://127.0.0.1:PORT` of the resource API */
  wsUrl: string;
  /** Another resource API on its own port whose clock is `offset` ms ahead (a skewed server). */
  resourceApi(offset: number): Promise<RunningResourceApi>;
  login(): Promise<TokenResponse>;
  session(options?: Partial<SessionOptions>): Session;
  /** Audit rows of one outcome, oldest first. */
  audit(outcome: AuditRecord['outcome']): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export interface RunningResourceApi {
  api: ResourceApi;
  url: string;
  close(): Promise<void>;
}

/** The resource API on its own HTTP server, verifying with a clock `offset` ms ahead. */
/** Wraps the resource API's verifier (e.g. to hold verifications at a gate). */
export type VerifierWrapper = (verifier: AccessTokenVerifier) => AccessTokenVerifier;

async function startResourceApi(
  token: RunningTokenServer,
  clock: VirtualClock,
  offset: number,
  wrap: VerifierWrapper = (verifier) => verifier,
): Promise<RunningResourceApi> {
  const resourceClock: Clock =
    offset === 0
      ? clock
      : {
          now: () => clock.now() + offset,
          setTimeout: clock.setTimeout,
          clearTimeout: clock.clearTimeout,
        };
  const verifier =
    offset === 0
      ? token.tokenServer
      : createAccessTokenVerifier({
          issuer: token.tokenServer.service.issuer,
          audience: token.tokenServer.service.audience,
          keys: token.tokenServer.service.jwks(),
          clock: resourceClock,
        });
  const api = createResourceApi({ verifier: wrap(verifier), clock: resourceClock });
  const server: Server = createServer(
    getRequestListener(
      async (request) => (await api.handle(request)) ?? new Response('not found', { status: 404 }),
    ),
  );
  api.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    api,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await api.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function startStack(
  options: { accessTtl?: string; wrapVerifier?: VerifierWrapper } = {},
): Promise<Stack> {
  const clock = createVirtualClock(Date.UTC(2030, 0, 1));
  const token = await serve({
    clock,
    lifetimes: { web: { accessTtl: options.accessTtl ?? '60s' } },
    passwordHashing: { N: 1024, r: 8, p: 1 },
    logger: silentLogger,
  });
  await token.tokenServer.service.users.add(USER.username, USER.password);
  const resources: RunningResourceApi[] = [];
  const startResource = async (
    offset: number,
    wrap?: VerifierWrapper,
  ): Promise<RunningResourceApi> => {
    const running = await startResourceApi(token, clock, offset, wrap);
    resources.push(running);
    return running;
  };
  const primary = await startResource(0, options.wrapVerifier);
  const sessions: Session[] = [];
  return {
    clock,
    token,
    api: primary.api,
    apiUrl: primary.url,
    wsUrl: primary.url.replace('http:', 'ws:'),
    resourceApi: startResource,
    async login() {
      const response = await fetch(`${token.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(USER),
      });
      if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
      return (await response.json()) as TokenResponse;
    },
    session(extra = {}) {
      const session = createSession({
        clock,
        refresh: oauth2Refresh({ tokenEndpoint: `${token.url}/oauth/token` }),
        ...extra,
      });
      sessions.push(session);
      return session;
    },
    async audit(outcome) {
      const rows = await token.tokenServer.service.audit({ limit: 1000 });
      return rows.filter((row) => row.outcome === outcome).reverse();
    },
    async close() {
      for (const session of sessions) session.dispose();
      for (const resource of resources) await resource.close();
      await token.close();
    },
  };
}
