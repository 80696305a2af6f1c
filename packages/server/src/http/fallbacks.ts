import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { isTokenServerError, TokenServerError } from '../errors.js';
import { describeError, type Logger } from '../logger.js';
import type { ServerEnv } from './env.js';
import { errorResponse, json } from './responses.js';

const postOnly = ['/auth/login', '/oauth/token', '/oauth/revoke', '/oauth/introspect'];
const getOnly = ['/.well-known/jwks.json', '/.well-known/oauth-authorization-server'];

const usePost = new TokenServerError('method_not_allowed', 'use POST');
const useGet = new TokenServerError('method_not_allowed', 'use GET');
const notFound = new TokenServerError('not_found', 'no such endpoint');

/** 405 for a wrong method on a known path, 404 JSON elsewhere, and the error handler. */
export function addFallbacks(app: Hono<ServerEnv>, logger: Logger): void {
  for (const path of postOnly) {
    app.all(path, () => json(405, usePost.toJSON(), { allow: 'POST' }));
  }
  for (const path of getOnly) {
    app.all(path, () => json(405, useGet.toJSON(), { allow: 'GET, HEAD' }));
  }

  app.notFound(() => errorResponse(notFound));

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
    const answer = new TokenServerError('server_error', `internal error; request id ${requestId}`);
    return json(
      answer.status,
      { ...answer.toJSON(), request_id: requestId },
      { 'x-request-id': requestId },
    );
  });
}
