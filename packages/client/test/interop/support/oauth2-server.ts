/**
 * @node-oauth/oauth2-server 5.3.0 on node:http at 127.0.0.1: its password grant and its refresh
 * grant with rotation (`alwaysIssueNewRefreshToken`: the used refresh token is revoked through
 * the model and a new one issued), over an in-memory model written here. The library has no
 * revocation handler, so `/revoke` is an RFC 7009 route written here too, authenticating the
 * client the way the token endpoint does (HTTP Basic or form fields). `/me` is a resource
 * protected by the library's `authenticate()`.
 */
import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OAuth2Server from '@node-oauth/oauth2-server';

const { OAuthError, Request, Response } = OAuth2Server;

export const USER = { username: 'alice', password: 'correct horse battery staple' };
export const PUBLIC_CLIENT_ID = 'public-app';
export const BASIC_CLIENT = { id: 'basic-app', secret: 'basic0app0secret0123456789abcdef' };
/** Seconds an access token lives. */
export const ACCESS_TOKEN_TTL = 10;

type Token = OAuth2Server.Token;

interface ClientRecord extends OAuth2Server.Client {
  secret?: string;
}

/** Every answer of the token endpoint: what was asked and what the server said. */
export interface TokenLogEntry {
  grantType: string;
  status: number;
  error: string | undefined;
  description: string | undefined;
}

export interface OAuth2TestServer {
  readonly url: string;
  readonly tokens: readonly TokenLogEntry[];
  /** Requests to `/revoke`: status and error code. */
  readonly revocations: readonly { status: number; error: string | undefined }[];
  readonly accessTokens: Map<string, Token>;
  readonly refreshTokens: Map<string, Token>;
  /** Errors that were not OAuth errors (answered 500): any of these fails the test. */
  readonly serverErrors: unknown[];
  close(): Promise<void>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function createModel() {
  const clients = new Map<string, ClientRecord>([
    [PUBLIC_CLIENT_ID, { id: PUBLIC_CLIENT_ID, grants: ['password', 'refresh_token'] }],
    [
      BASIC_CLIENT.id,
      { id: BASIC_CLIENT.id, secret: BASIC_CLIENT.secret, grants: ['password', 'refresh_token'] },
    ],
  ]);
  const accessTokens = new Map<string, Token>();
  const refreshTokens = new Map<string, Token>();
  const model: OAuth2Server.PasswordModel & OAuth2Server.RefreshTokenModel = {
    async getClient(clientId, clientSecret) {
      const client = clients.get(clientId);
      if (client === undefined) return null;
      // A confidential client must prove it holds its secret; a public one sends none.
      if (client.secret !== undefined) {
        if (typeof clientSecret !== 'string' || !sameSecret(clientSecret, client.secret)) {
          return null;
        }
      }
      return client;
    },
    async getUser(username, password) {
      return username === USER.username && sameSecret(password, USER.password)
        ? { id: 'user-alice', username }
        : null;
    },
    async saveToken(token, client, user) {
      const saved: Token = { ...token, client: { id: client.id, grants: client.grants }, user };
      accessTokens.set(token.accessToken, saved);
      if (token.refreshToken !== undefined) refreshTokens.set(token.refreshToken, saved);
      return saved;
    },
    async getRefreshToken(refreshToken) {
      const token = refreshTokens.get(refreshToken);
      if (token === undefined || token.refreshToken === undefined) return null;
      return {
        refreshToken: token.refreshToken,
        refreshTokenExpiresAt: token.refreshTokenExpiresAt,
        scope: token.scope,
        client: token.client,
        user: token.user,
      };
    },
    // Rotation: false when the token is already gone, so that of two concurrent refreshes with
    // one token exactly one succeeds.
    async revokeToken(token) {
      return refreshTokens.delete(token.refreshToken);
    },
    async getAccessToken(accessToken) {
      return accessTokens.get(accessToken) ?? null;
    },
  };
  return { model, accessTokens, refreshTokens };
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
    ? Object.fromEntries(new URLSearchParams(raw))
    : {};
}

/** RFC 6749 §2.3.1: HTTP Basic (form-encoded id and secret) or the form's own fields. */
function clientCredentials(req: IncomingMessage, form: Record<string, string>) {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const pair = Buffer.from(basic[1]!, 'base64').toString();
    const colon = pair.indexOf(':');
    const decode = (part: string) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        return undefined; // not form-encoded: no credentials, answered as invalid_client
      }
    };
    return {
      basic: true,
      id: colon < 0 ? undefined : decode(pair.slice(0, colon)),
      secret: decode(pair.slice(colon + 1)),
    };
  }
  return { basic: false, id: form.client_id, secret: form.client_secret };
}

export async function startOAuth2Server(): Promise<OAuth2TestServer> {
  const { model, accessTokens, refreshTokens } = createModel();
  const oauth = new OAuth2Server({
    model,
    accessTokenLifetime: ACCESS_TOKEN_TTL,
    refreshTokenLifetime: 3600,
    alwaysIssueNewRefreshToken: true,
    // Public clients send only client_id; the model still demands the secret of a confidential one.
    requireClientAuthentication: { password: false, refresh_token: false },
  });
  const tokens: TokenLogEntry[] = [];
  const revocations: { status: number; error: string | undefined }[] = [];
  const serverErrors: unknown[] = [];

  function send(res: ServerResponse, status: number, headers: object, body?: unknown) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  /** RFC 7009: revokes a refresh token (and the client's access tokens) or an access token. */
  async function revoke(req: IncomingMessage, res: ServerResponse, form: Record<string, string>) {
    const credentials = clientCredentials(req, form);
    // The model checks the secret (undefined when none was sent), as for the token endpoint.
    const client = credentials.id
      ? await model.getClient(credentials.id, credentials.secret as string)
      : null;
    if (!client) {
      revocations.push({ status: 401, error: 'invalid_client' });
      const challenge = credentials.basic ? { 'www-authenticate': 'Basic realm="Service"' } : {};
      return send(res, 401, challenge, { error: 'invalid_client' });
    }
    if (!form.token) {
      revocations.push({ status: 400, error: 'invalid_request' });
      return send(res, 400, {}, { error: 'invalid_request' });
    }
    const refresh = refreshTokens.get(form.token);
    const access = accessTokens.get(form.token);
    const owned = refresh ?? access;
    if (owned !== undefined && owned.client.id === client.id) {
      refreshTokens.delete(form.token);
      accessTokens.delete(form.token);
      if (refresh !== undefined) {
        // The sign-out of this user at this client: its access tokens go with the refresh token.
        for (const [value, token] of accessTokens) {
          if (token.client.id === client.id && token.user.id === refresh.user.id) {
            accessTokens.delete(value);
          }
        }
      }
    }
    revocations.push({ status: 200, error: undefined });
    send(res, 200, { 'cache-control': 'no-store' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const form = req.method === 'POST' ? await readForm(req) : {};
    const request = new Request({
      headers: req.headers as Record<string, string>,
      method: req.method ?? 'GET',
      query: Object.fromEntries(url.searchParams),
      body: form,
    });
    const response = new Response({ headers: {} });
    try {
      if (url.pathname === '/token' && req.method === 'POST') {
        try {
          await oauth.token(request, response);
        } finally {
          const answer = response.body as { error?: string; error_description?: string };
          tokens.push({
            grantType: form.grant_type ?? '',
            status: response.status ?? 0,
            error: answer?.error,
            description: answer?.error_description,
          });
        }
        return send(res, response.status ?? 200, response.headers ?? {}, response.body);
      }
      if (url.pathname === '/revoke' && req.method === 'POST') return await revoke(req, res, form);
      if (url.pathname === '/me') {
        const token = await oauth.authenticate(request, response);
        return send(res, 200, {}, { sub: token.user.id });
      }
      send(res, 404, {}, { error: 'not_found' });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      const body = (response.body as { error?: string } | undefined)?.error
        ? response.body
        : { error: error.name, error_description: error.message };
      send(res, error.code, response.headers ?? {}, body);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      serverErrors.push(error);
      send(res, 500, {}, { error: 'server_error' });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    revocations,
    accessTokens,
    refreshTokens,
    serverErrors,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
