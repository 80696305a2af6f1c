import type { TokenServerError } from '../errors.js';

/** RFC 6749 §5.1: token responses (and errors) must not be cached. */
export const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/**
 * A JSON response, not cacheable unless `headers` say otherwise (a `cache-control` of their own
 * replaces `no-store` and drops the `Pragma` that goes with it).
 */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  const caching = 'cache-control' in headers ? {} : noStore;
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...caching, ...headers },
  });
}

/** The RFC 6749 §5.2 answer for an error; `invalid_client` carries the Basic challenge. */
export function errorResponse(error: TokenServerError): Response {
  const headers: Record<string, string> =
    error.code === 'invalid_client' ? { 'www-authenticate': 'Basic realm="tokenkeeper"' } : {};
  return json(error.status, error.toJSON(), headers);
}
