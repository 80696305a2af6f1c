/**
 * A small OAuth token endpoint and protected resource, as a Web-standard handler, that counts
 * what it is asked: `POST /login`, `POST /oauth/token` (refresh grant, rotating), `GET /me`.
 * Access tokens expire on the server's wall clock, so a stale token really gets a 401.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenApi {
  handler(request: Request): Promise<Response | undefined>;
  /** `expires_in` (s) of the next logins. */
  loginExpiresIn: number;
  readonly logins: number;
  readonly refreshes: number;
  /** Every `/me` call: the status answered and whether the token was the latest issued. */
  readonly me: { status: number; latest: boolean }[];
  /** Every token text issued, to search stored bytes and messages for. */
  readonly issued: string[];
  readonly lastLoginAt: number;
}

function randomText(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

export function createTokenApi(): TokenApi {
  const access = new Map<string, number>(); // token -> expires at (ms)
  let currentRefresh: string | undefined;
  let latestAccess: string | undefined;
  const state = { logins: 0, refreshes: 0, lastLoginAt: 0 };
  const me: { status: number; latest: boolean }[] = [];
  const issued: string[] = [];

  function issue(expiresIn: number): Response {
    const accessToken = `at-${randomText()}`;
    const refreshToken = `rt-${randomText()}`;
    access.set(accessToken, Date.now() + expiresIn * 1000);
    currentRefresh = refreshToken;
    latestAccess = accessToken;
    issued.push(accessToken, refreshToken);
    return Response.json({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
      refresh_token: refreshToken,
    });
  }

  const api: TokenApi = {
    loginExpiresIn: 3600,
    get logins() {
      return state.logins;
    },
    get refreshes() {
      return state.refreshes;
    },
    get lastLoginAt() {
      return state.lastLoginAt;
    },
    me,
    issued,
    async handler(request) {
      const { pathname } = new URL(request.url);
      if (request.method === 'POST' && pathname === '/login') {
        state.logins++;
        state.lastLoginAt = Date.now();
        return issue(api.loginExpiresIn);
      }
      if (request.method === 'POST' && pathname === '/oauth/token') {
        state.refreshes++;
        const form = new URLSearchParams(await request.text());
        const presented = form.get('refresh_token');
        if (
          form.get('grant_type') !== 'refresh_token' ||
          !presented ||
          presented !== currentRefresh
        ) {
          return Response.json({ error: 'invalid_grant' }, { status: 400 });
        }
        return issue(3600);
      }
      if (request.method === 'GET' && pathname === '/me') {
        const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
        const expiresAt = access.get(token);
        const status = expiresAt !== undefined && Date.now() < expiresAt ? 200 : 401;
        me.push({ status, latest: token === latestAccess });
        return status === 200
          ? Response.json({ user: 'alice' })
          : new Response(null, {
              status,
              headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
            });
      }
      return undefined;
    },
  };
  return api;
}

/** Serves a handler on 127.0.0.1 with node:http. */
export async function listen(handler: TokenApi['handler']) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = `http://127.0.0.1${req.url ?? '/'}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const method = req.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks);
    const response = await handler(new Request(url, { method, headers, body }));
    if (!response) {
      res.writeHead(404, { connection: 'close' }).end();
      return;
    }
    const out: Record<string, string> = { connection: 'close' };
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
