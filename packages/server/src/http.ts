import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { AccessTokenClaims } from './access-token.js';
import {
  type BodyParams,
  defaultMaxBodyBytes,
  optionalString,
  readParams,
  requiredString,
} from './body.js';
import { isTokenServerError, OAuthError, type TokenServerError } from './errors.js';
import { createJsonLogger, describeError, type Logger } from './logger.js';
import {
  createTokenService,
  type RequestContext,
  type TokenService,
  type TokenServiceOptions,
} from './service.js';
import type { ClientType } from './store/records.js';
import { stripControlCharacters } from './text.js';
import type { AccessTokenVerifier, AuthVariables } from './verify.js';

/** A resource server allowed to call the introspection endpoint (HTTP Basic, RFC 7662 §2.1). */
export interface IntrospectionClient {
  id: string;
  secret: string;
}

/** Options of {@link createTokenServer}: the service's, plus HTTP concerns. */
export interface TokenServerOptions extends TokenServiceOptions {
  /** Credentials that may call /oauth/introspect. Without any, it always answers 401. */
  introspectionClients?: readonly IntrospectionClient[];
  /** Request bodies above this answer 413. @default 16384 */
  maxBodyBytes?: number;
  /**
   * Take the client IP (for the audit log) from the rightmost X-Forwarded-For entry: the one a
   * single trusted reverse proxy appended. Enable only behind such a proxy. @default false
   */
  trustProxy?: boolean;
  /** @default JSON lines on stderr */
  logger?: Logger;
  /** Close the store when the server closes. @default false */
  ownsStore?: boolean;
}

/** A token server: Web-standard `fetch`, the hono app, and the resource-server verifier. */
export interface TokenServer extends AccessTokenVerifier {
  readonly service: TokenService;
  readonly app: Hono<ServerEnv>;
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

type ServerEnv = {
  Variables: AuthVariables & { requestId: string };
  Bindings: Partial<{ incoming: IncomingMessage }>;
};

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;
const requestIdShape = /^[A-Za-z0-9._-]{1,64}$/;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...noStore, ...headers },
  });
}

function errorResponse(error: TokenServerError): Response {
  const headers: Record<string, string> =
    error.code === 'invalid_client' ? { 'www-authenticate': 'Basic realm="tokenkeeper"' } : {};
  return json(error.status, error.toJSON(), headers);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Creates the service and its HTTP routes. */
export async function createTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const service = await createTokenService(options);
  const logger = options.logger ?? createJsonLogger();
  const limit = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const introspectors = (options.introspectionClients ?? []).map((client) => ({
    id: client.id,
    secret: digest(client.secret),
  }));
  const verifier = service.verifier;

  const context = (c: Context<ServerEnv>): RequestContext => {
    const forwarded = options.trustProxy ? c.req.header('x-forwarded-for') : undefined;
    // The rightmost entry is the one the trusted proxy appended; everything left of it came
    // from the client and can say anything.
    const ip = forwarded?.split(',').at(-1)?.trim() || c.env?.incoming?.socket?.remoteAddress;
    const agent = c.req.header('user-agent');
    return {
      ip: ip?.slice(0, 64),
      userAgent: agent === undefined ? undefined : stripControlCharacters(agent).slice(0, 256),
      requestId: c.get('requestId'),
    };
  };

  /** RFC 6749 §2.3.1 client_secret_basic, compared in constant time whatever the id. */
  const authenticateIntrospector = (header: string | undefined): boolean => {
    const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header?.trim() ?? '');
    const decoded = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    let id = '';
    let secret = '';
    try {
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      return false;
    }
    const given = digest(secret);
    let ok = false;
    for (const client of introspectors) {
      ok = timingSafeEqual(given, client.secret) && client.id === id && colon > 0 ? true : ok;
    }
    return ok;
  };

  const app = new Hono<ServerEnv>();

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && requestIdShape.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    await next();
    c.res.headers.set('x-request-id', id);
  });

  const params = (c: Context<ServerEnv>): Promise<BodyParams> => readParams(c.req.raw, limit);

  app.post('/auth/login', async (c) => {
    const body = await params(c);
    const clientType = optionalString(body, 'client_type', 16) ?? 'web';
    if (clientType !== 'web' && clientType !== 'mobile') {
      throw new OAuthError('invalid_request', 'client_type must be "web" or "mobile"');
    }
    const response = await service.login(
      {
        username: requiredString(body, 'username', 1024),
        password: requiredString(body, 'password', 4096),
        clientType: clientType as ClientType,
      },
      context(c),
    );
    return json(200, response);
  });

  app.post('/oauth/token', async (c) => {
    const body = await params(c);
    const grantType = requiredString(body, 'grant_type', 256);
    if (grantType !== 'refresh_token') {
      throw new OAuthError('unsupported_grant_type', 'only grant_type=refresh_token is supported');
    }
    const token = requiredString(body, 'refresh_token', 1024);
    return json(200, await service.refresh(token, context(c)));
  });

  app.post('/oauth/revoke', async (c) => {
    const body = await params(c);
    const token = requiredString(body, 'token', 8192);
    optionalString(body, 'token_type_hint', 64);
    await service.revoke(token, context(c));
    return new Response(null, { status: 200, headers: noStore });
  });

  app.post('/oauth/introspect', async (c) => {
    if (!authenticateIntrospector(c.req.header('authorization'))) {
      throw new OAuthError('invalid_client', 'introspection requires client authentication');
    }
    const body = await params(c);
    const token = requiredString(body, 'token', 8192);
    optionalString(body, 'token_type_hint', 64);
    return json(200, await service.introspect(token));
  });

  app.get('/.well-known/jwks.json', () =>
    json(200, service.jwks(), { 'cache-control': 'public, max-age=300', pragma: '' }),
  );

  app.get('/.well-known/oauth-authorization-server', (c) => {
    const base = /^https?:\/\//.test(service.issuer)
      ? service.issuer.replace(/\/+$/, '')
      : new URL(c.req.url).origin;
    return json(
      200,
      {
        issuer: service.issuer,
        token_endpoint: `${base}/oauth/token`,
        revocation_endpoint: `${base}/oauth/revoke`,
        introspection_endpoint: `${base}/oauth/introspect`,
        jwks_uri: `${base}/.well-known/jwks.json`,
        response_types_supported: [],
        grant_types_supported: ['refresh_token'],
        token_endpoint_auth_methods_supported: ['none'],
        revocation_endpoint_auth_methods_supported: ['none'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
        // Not in RFC 8414: where first-party clients send a username and password.
        tokenkeeper_login_endpoint: `${base}/auth/login`,
      },
      { 'cache-control': 'public, max-age=300', pragma: '' },
    );
  });

  for (const path of ['/auth/login', '/oauth/token', '/oauth/revoke', '/oauth/introspect']) {
    app.all(path, () =>
      json(405, { error: 'invalid_request', error_description: 'use POST' }, { allow: 'POST' }),
    );
  }
  for (const path of ['/.well-known/jwks.json', '/.well-known/oauth-authorization-server']) {
    app.all(path, () =>
      json(405, { error: 'invalid_request', error_description: 'use GET' }, { allow: 'GET, HEAD' }),
    );
  }

  app.notFound(() => json(404, { error: 'not_found', error_description: 'no such endpoint' }));

  app.onError((error, c) => {
    if (isTokenServerError(error) && error.status < 500) return errorResponse(error);
    // Never swallowed (seed 003, cause 1): logged with the request id and answered 500.
    const requestId = c.get('requestId') ?? randomUUID();
    logger.error('request failed', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      error: describeError(error),
    });
    return json(
      500,
      {
        error: 'server_error',
        error_description: `internal error; request id ${requestId}`,
        request_id: requestId,
      },
      { 'x-request-id': requestId },
    );
  });

  return {
    service,
    app,
    fetch: async (request) => app.fetch(request),
    verifyAccessToken: (token: string): Promise<AccessTokenClaims> =>
      verifier.verifyAccessToken(token),
    verifyRequest: (request, opts) => verifier.verifyRequest(request, opts),
    requireAuth: (opts): MiddlewareHandler<{ Variables: AuthVariables }> =>
      verifier.requireAuth(opts),
    close: async () => {
      if (options.ownsStore) await service.store.close();
    },
  };
}
