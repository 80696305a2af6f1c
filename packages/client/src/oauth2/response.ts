/**
 * Processing a token endpoint's answer (the second half of each exchange), testable on canned
 * responses: a checked token set, or the typed error that says whether the session is over.
 */
import { type Clock, systemClock } from '../clock.js';
import { RefreshFailedError, RefreshRejectedError, TokenResponseError } from '../errors.js';
import { readTokenSet } from '../tokens/read.js';
import type { TokenSet } from '../tokens/types.js';
import { FINAL_OAUTH_ERRORS, oauthErrorOf } from './grant-errors.js';

/** The parts of a fetch Response read here, so a hand-made response in a test works too. */
export type ResponseLike = Pick<Response, 'ok' | 'status'> &
  Partial<Pick<Response, 'headers' | 'text' | 'json' | 'body'>>;

export function headerOf(response: ResponseLike, name: string): string | null {
  return typeof response.headers?.get === 'function' ? response.headers.get(name) : null;
}

/**
 * `Retry-After` as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3), the date measured
 * against `now` (the answer's `Date`, else the clock).
 */
export function parseRetryAfter(
  value: string | null,
  now: number = systemClock.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function serverDateOf(response: ResponseLike): number | undefined {
  const header = headerOf(response, 'date');
  const at = header ? Date.parse(header) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

/** The body as JSON, or undefined when it is not JSON (a failure to read it still throws). */
export async function readJson(response: ResponseLike): Promise<unknown> {
  if (typeof response.text !== 'function') {
    return typeof response.json === 'function' ? response.json().catch(() => undefined) : undefined;
  }
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Turns a token endpoint's answer into a {@link TokenSet}, or throws:
 * `RefreshRejectedError` for RFC 6749 §5.2 errors and 401 (the session is over);
 * `RefreshFailedError` for 429, 5xx and other failures (retry later, honouring `Retry-After`);
 * `TokenResponseError` for a 2xx that is not a valid token response (an HTML page from a
 * captive portal, a missing `access_token`, an absurd `expires_in`).
 */
export async function processTokenResponse(
  response: ResponseLike,
  options: { clock?: Clock } = {},
): Promise<TokenSet> {
  return processTokenAnswer(response, await readJson(response), options);
}

/** `processTokenResponse` for an answer whose body was read already (`undefined`: not JSON). */
export function processTokenAnswer(
  response: ResponseLike,
  body: unknown,
  options: { clock?: Clock } = {},
): TokenSet {
  const serverTime = serverDateOf(response);
  if (response.ok) {
    if (body === undefined) {
      throw new TokenResponseError(
        'not_json',
        'Token endpoint answered with something that is not JSON',
      );
    }
    return { ...readTokenSet(body), serverTime };
  }
  const { status } = response;
  const code = oauthErrorOf(body);
  if (code !== undefined && FINAL_OAUTH_ERRORS.has(code)) {
    throw new RefreshRejectedError(code, { status });
  }
  if (status === 401) throw new RefreshRejectedError('unauthorized', { status });
  const now = serverTime ?? (options.clock ?? systemClock).now();
  const retryAfter = parseRetryAfter(headerOf(response, 'retry-after'), now);
  const kind = status === 429 ? 'rate_limited' : status >= 500 ? 'server' : 'unknown';
  throw new RefreshFailedError(kind, `Token endpoint answered HTTP ${status}`, {
    status,
    retryAfter,
  });
}
