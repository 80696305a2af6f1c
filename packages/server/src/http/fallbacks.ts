import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { isTokenServerError } from '../errors.js';
import { describeError, type Logger } from '../logger.js';
import type { ServerEnv } from './env.js';
import { errorResponse, json } from './responses.js';

const postOnly = ['/auth/login', '/oauth/token', '/oauth/revoke', '/oauth/introspect'];
const getOnly = ['/.well-known/jwks.json', '/.well-known/oauth-authorization-server'];

/** 405 for a wrong method on a known path, 404 JSON elsewhere, and the error handler. */
export function addFallbacks(app: Hono<ServerEnv>, logger: Logger): void {
  for (const path of postOnly) {
    app.all(path, () =>
      json(405, { error: 'invalid_request', error_description: 'use POST' }, { allow: 'POST' }),
    );
  }
  for (const path of getOnly) {
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
}
