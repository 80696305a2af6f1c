import type { Context, Hono } from 'hono';
import type { ClientType } from '../client-type.js';
import { BearerError, OAuthError } from '../errors.js';
import type { RequestContext, TokenService } from '../service/types.js';
import { bearerErrorResponse } from '../verify/bearer.js';
import { optionalString, readParams, requiredString } from './body.js';
import type { ServerEnv } from './env.js';
import { json, noStore } from './responses.js';

/** What the token routes need besides the service. */
export interface TokenRoutesOptions {
  /** Request body limit in bytes. */
  maxBodyBytes: number;
  context(c: Context<ServerEnv>): RequestContext;
  /** True when the Authorization header authenticates an introspection client. */
  authenticateIntrospector(authorization: string | undefined): boolean;
}

/** POST /auth/login, /oauth/token (RFC 6749), /oauth/revoke (RFC 7009), /oauth/introspect
 * (RFC 7662). */
export function addTokenRoutes(
  app: Hono<ServerEnv>,
  service: TokenService,
  options: TokenRoutesOptions,
): void {
  const { context } = options;
  const params = (c: Context<ServerEnv>) => readParams(c.req.raw, options.maxBodyBytes);

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
    const authorization = c.req.header('authorization');
    // Who may ask (RFC 7662 §2.1): an introspection client (HTTP Basic) about any token, or
    // the holder of a valid access token about the tokens of its own user.
    let onlyUser: string | undefined;
    if (!options.authenticateIntrospector(authorization)) {
      const bearer = /^Bearer +([\x21-\x7e]+)$/i.exec(authorization ?? '')?.[1];
      if (bearer === undefined) {
        throw new OAuthError('invalid_client', 'introspection requires client authentication');
      }
      try {
        onlyUser = (await service.verifyAccessToken(bearer)).sub;
      } catch (error) {
        if (error instanceof BearerError) return bearerErrorResponse(error);
        throw error;
      }
    }
    const body = await params(c);
    const token = requiredString(body, 'token', 8192);
    optionalString(body, 'token_type_hint', 64);
    const answer = await service.introspect(token);
    // Another user's token reads as inactive (§2.2): a user's token is no key to anyone else's.
    if (onlyUser !== undefined && answer.active && answer.sub !== onlyUser) {
      return json(200, { active: false });
    }
    return json(200, answer);
  });
}
