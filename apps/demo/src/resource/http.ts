/**
 * REST and GraphQL over HTTP: Web-standard Request -> Response. Every route verifies the bearer
 * token; refusals are 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750).
 */
import { type GraphQLSchema, graphql } from 'graphql';
import {
  type AccessTokenClaims,
  type AccessTokenVerifier,
  BearerError,
  bearerErrorResponse,
} from 'tokenkeeper-server/verify';
import type { AuthLog } from './auth-log.js';

export interface HttpRoutesOptions {
  verifier: AccessTokenVerifier;
  schema: GraphQLSchema;
  authLog: AuthLog;
  now: () => number;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

function bearerOf(request: Request): string | undefined {
  const header = request.headers.get('authorization') ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Answers `/api/*` and `POST /graphql`; undefined for any other path. */
export function createHttpRoutes(options: HttpRoutesOptions) {
  const { verifier, schema, authLog, now } = options;

  async function authenticate(
    request: Request,
    transport: 'http' | 'graphql',
  ): Promise<AccessTokenClaims | Response> {
    try {
      const claims = await verifier.verifyRequest(request);
      authLog.record(transport, bearerOf(request) ?? '', now(), true);
      return claims;
    } catch (error) {
      const token = bearerOf(request);
      if (token) authLog.record(transport, token, now(), false);
      if (error instanceof BearerError) return bearerErrorResponse(error);
      throw error;
    }
  }

  return async function handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.pathname === '/graphql' && request.method === 'POST') {
      const claims = await authenticate(request, 'graphql');
      if (claims instanceof Response) return claims;
      let body: { query?: unknown; variables?: unknown; operationName?: unknown };
      try {
        body = (await request.json()) as typeof body;
      } catch {
        return json(400, { errors: [{ message: 'Body must be JSON' }] });
      }
      if (typeof body?.query !== 'string')
        return json(400, { errors: [{ message: 'query must be a string' }] });
      const result = await graphql({
        schema,
        source: body.query,
        variableValues: (body.variables as Record<string, unknown> | undefined) ?? undefined,
        operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
        contextValue: { claims },
      });
      return json(200, result);
    }
    if (!url.pathname.startsWith('/api/')) return undefined;
    const claims = await authenticate(request, 'http');
    if (claims instanceof Response) return claims;
    if (url.pathname === '/api/me')
      return json(200, { sub: claims.sub, clientType: claims.client_type, exp: claims.exp });
    if (url.pathname.startsWith('/api/items/')) {
      return json(200, {
        id: url.pathname.slice('/api/items/'.length),
        seenBy: claims.sub,
        at: now(),
      });
    }
    if (url.pathname === '/api/echo' && request.method === 'POST')
      return json(200, { echo: await request.text() });
    return json(404, { error: 'not_found' });
  };
}
