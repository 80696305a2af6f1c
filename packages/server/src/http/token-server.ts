import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { createJsonLogger, type Logger } from '../logger.js';
import { createTokenService } from '../service/service.js';
import type { TokenService, TokenServiceOptions } from '../service/types.js';
import type { AccessTokenClaims } from '../verify/access-token.js';
import type { AccessTokenVerifier, AuthVariables } from '../verify/verifier.js';
import { defaultMaxBodyBytes } from './body.js';
import type { ServerEnv } from './env.js';
import { addFallbacks } from './fallbacks.js';
import {
  createIntrospectionAuthenticator,
  type IntrospectionClient,
} from './introspection-auth.js';
import { requestContext } from './request-context.js';
import { addTokenRoutes } from './token-routes.js';
import { addWellKnownRoutes } from './well-known-routes.js';

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

const requestIdShape = /^[A-Za-z0-9._-]{1,64}$/;

/** Creates the service and its HTTP routes. */
export async function createTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const service = await createTokenService(options);
  const verifier = service.verifier;
  const trustProxy = options.trustProxy ?? false;
  const app = new Hono<ServerEnv>();

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && requestIdShape.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    await next();
    c.res.headers.set('x-request-id', id);
  });
  addTokenRoutes(app, service, {
    maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes,
    context: (c) => requestContext(c, trustProxy),
    authenticateIntrospector: createIntrospectionAuthenticator(options.introspectionClients ?? []),
  });
  addWellKnownRoutes(app, service);
  addFallbacks(app, options.logger ?? createJsonLogger());

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
