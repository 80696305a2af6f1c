import type { Hono } from 'hono';
import type { TokenService } from '../service/types.js';
import type { ServerEnv } from './env.js';
import { json } from './responses.js';

const publicCache = { 'cache-control': 'public, max-age=300' };

/** GET /.well-known/jwks.json and /.well-known/oauth-authorization-server (RFC 8414). */
export function addWellKnownRoutes(app: Hono<ServerEnv>, service: TokenService): void {
  app.get('/.well-known/jwks.json', () => json(200, service.jwks(), publicCache));

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
      publicCache,
    );
  });
}
