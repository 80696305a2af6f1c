/**
 * A small, correct token server on node:http (in memory), which can be told to make one
 * mistake. The suite audits it clean and with each mistake, and expects each mistake to be
 * flagged by exactly the check named for it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyError, type Fields, parseFields } from './body.js';
import { createFamilies } from './families.js';
import { createAccessTokenKeys } from './jwt.js';
import type { Mistake } from './mistakes.js';

export const REF_USER = { username: 'alice', password: 'reference-password' };

export interface ReferenceServerOptions {
  mistake?: Mistake;
  /** Advertised access-token lifetime. @default 4 */
  accessTtlSeconds?: number;
  /** For grace-mints-second-successor: how long the predecessor mints siblings. @default 1500 */
  graceMs?: number;
  /**
   * How long a refresh holds its token (a store's row lock): requests for the same token that
   * arrive meanwhile share its answer. @default 20
   */
  storeLatencyMs?: number;
}

export interface ReferenceServer {
  readonly url: string;
  /** Every token it minted, to look for in the audit's output. */
  readonly minted: readonly string[];
  /** Sessions signed in and not revoked. */
  liveSessions(): number;
  close(): Promise<void>;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

export async function startReferenceServer(
  options: ReferenceServerOptions = {},
): Promise<ReferenceServer> {
  const { mistake } = options;
  const ttl = options.accessTtlSeconds ?? 4;
  const keys = createAccessTokenKeys();
  const families = createFamilies(mistake, options.graceMs ?? 1500);
  const minted: string[] = [];
  const issuedAt = new Map<string, number>();
  const inFlight = new Map<string, Promise<Answer>>();
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const noStore: Record<string, string> =
    mistake === 'no-no-store' ? {} : { 'cache-control': 'no-store', pragma: 'no-cache' };

  const tokenResponse = (family: { id: string; user: string }, refreshToken: string): Answer => {
    const now = Date.now();
    const accessToken = keys.mint({
      iss: url,
      sub: family.user,
      sid: family.id,
      ttlSeconds: ttl,
      nowMs: now,
    });
    minted.push(accessToken, refreshToken);
    issuedAt.set(accessToken, now);
    const body = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttl,
      refresh_token: refreshToken,
    };
    return { status: 200, body, headers: noStore };
  };
  const oauthError = (status: number, error: string, description: string): Answer => ({
    status,
    body: { error, error_description: description },
  });
  /** The access token's claims, when it is valid and its session alive. */
  const bearer = (header: string | undefined) => {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header ?? '')?.[1];
    const claims = token ? keys.check(token, Date.now()) : undefined;
    if (!token || !claims || !families.isAlive(String(claims.sid))) return undefined;
    // The mistake: the server's real lifetime is a quarter of what it advertises.
    if (mistake === 'lying-expires-in' && Date.now() - issuedAt.get(token)! > (ttl * 1000) / 4)
      return undefined;
    return claims;
  };

  function login(fields: Fields): Answer {
    if (!fields.username || !fields.password)
      return oauthError(400, 'invalid_request', 'username and password are required');
    if (fields.username !== REF_USER.username || fields.password !== REF_USER.password) {
      return oauthError(400, 'invalid_grant', 'wrong username or password');
    }
    const { family, refreshToken } = families.open(fields.username);
    const answer = tokenResponse(family, refreshToken);
    families.remember(family, {
      accessToken: (answer.body as { access_token: string }).access_token,
      refreshToken,
    });
    return answer;
  }

  async function token(fields: Fields, authorization: string | undefined): Promise<Answer> {
    if (fields.grant_type !== 'refresh_token')
      return oauthError(400, 'unsupported_grant_type', 'refresh_token only');
    const presented = fields.refresh_token;
    if (!presented) return oauthError(400, 'invalid_request', 'refresh_token is required');
    if (mistake === 'refresh-demands-access-token' && !bearer(authorization)) {
      return oauthError(401, 'invalid_token', 'an access token is required');
    }
    // Requests for the same token that overlap share one answer (a store would serialize them).
    const running = inFlight.get(presented);
    if (running) return running;
    const answer = (async () => {
      await new Promise((resolve) => setTimeout(resolve, options.storeLatencyMs ?? 20));
      const verdict = families.refresh(presented, Date.now());
      if (verdict.kind === 'refuse') return oauthError(400, 'invalid_grant', verdict.description);
      if (verdict.kind === 'stale')
        return {
          status: 200,
          body: {
            access_token: verdict.accessToken,
            token_type: 'Bearer',
            expires_in: ttl,
            refresh_token: verdict.refreshToken,
          },
          headers: noStore,
        };
      const fresh = tokenResponse(verdict.family, verdict.refreshToken);
      families.remember(verdict.family, {
        accessToken: (fresh.body as { access_token: string }).access_token,
        refreshToken: verdict.refreshToken,
      });
      return fresh;
    })();
    inFlight.set(presented, answer);
    try {
      return await answer;
    } finally {
      inFlight.delete(presented);
    }
  }

  function revoke(fields: Fields): Answer {
    if (!fields.token) return oauthError(400, 'invalid_request', 'token is required');
    const claims = keys.check(fields.token, Date.now());
    if (claims) families.revokeById(String(claims.sid));
    else families.revokeByToken(fields.token);
    return { status: 200, body: {} };
  }

  async function route(req: IncomingMessage, raw: string): Promise<Answer> {
    const path = new URL(req.url ?? '/', url).pathname;
    if (req.method === 'GET' && path === '/.well-known/oauth-authorization-server') {
      return {
        status: 200,
        body: {
          issuer: url,
          token_endpoint: `${url}/oauth/token`,
          revocation_endpoint: `${url}/oauth/revoke`,
          jwks_uri: `${url}/jwks`,
          tokenkeeper_login_endpoint: `${url}/login`,
        },
      };
    }
    if (req.method === 'GET' && path === '/jwks') return { status: 200, body: keys.jwks };
    if (req.method === 'GET' && path === '/api/me') {
      const claims = bearer(req.headers.authorization);
      return claims
        ? { status: 200, body: { sub: claims.sub } }
        : {
            status: 401,
            body: { error: 'invalid_token' },
            headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
          };
    }
    const post = { '/login': 'login', '/oauth/token': 'token', '/oauth/revoke': 'revoke' }[path];
    if (!post) return { status: 404, body: { error: 'not_found' } };
    if (req.method !== 'POST')
      return { status: 405, body: { error: 'method_not_allowed' }, headers: { allow: 'POST' } };
    if (raw.length > 16_384) return oauthError(413, 'invalid_request', 'body too large');
    let fields: Fields;
    try {
      fields = parseFields(req.headers['content-type'] ?? '', raw);
    } catch (error) {
      if (error instanceof BodyError)
        return oauthError(error.status, 'invalid_request', error.message);
      // The mistake: a parse failure escapes to the generic handler.
      if (mistake === 'crash-on-malformed-body')
        return { status: 500, body: { error: 'server_error' } };
      return oauthError(400, 'invalid_request', 'the body is not valid JSON');
    }
    if (post === 'login') return login(fields);
    if (post === 'revoke') return revoke(fields);
    return token(fields, req.headers.authorization);
  }

  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      route(req, Buffer.concat(chunks).toString('utf8')).then((answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      });
    });
  });

  return {
    url,
    minted,
    liveSessions: families.openCount,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
