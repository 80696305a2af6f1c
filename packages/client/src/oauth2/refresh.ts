/**
 * The refresh-token grant against a standard token endpoint (RFC 6749 §6), as a pair: sending
 * (`refreshTokenGrantRequest`) and processing (`processTokenResponse`), so processing can be
 * tested on canned responses. `oauth2Refresh` combines them into a session `refresh` option.
 */
import { systemClock } from './clock.js';
import {
  ConfigError,
  RefreshFailedError,
  RefreshRejectedError,
  TokenResponseError,
} from './errors.js';
import type { RefreshFunction, RevokeFunction } from './session/create-session.js';
import { FINAL_OAUTH_ERRORS } from './session/refresh-outcome.js';
import { parseTokenInput, type TokenSet } from './tokens.js';

export interface OAuth2RefreshOptions {
  /** The token endpoint, e.g. `https://auth.example.com/oauth/token`. */
  tokenEndpoint: string | URL;
  /** Sent as `client_id` (public clients, RFC 6749 §3.2.1). */
  clientId?: string;
  /**
   * For confidential clients only (never in a browser or app bundle): sent with HTTP Basic
   * authentication (`client_secret_basic`).
   */
  clientSecret?: string;
  /** Requested scope, when narrowing it on refresh. */
  scope?: string;
  /**
   * The fetch used for the refresh call. It must NOT be a fetch wrapped by `createFetch`: the
   * refresh call never passes through an intercepted transport. @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /** Extra headers for the token request. */
  headers?: Record<string, string>;
  /** Extra form parameters for the token request. */
  extraParams?: Record<string, string>;
}

/**
 * Checks the endpoint once and gives what fetch is called with: the caller's own string (a
 * relative one resolves against the page in a browser, as fetch does), or a URL's href.
 */
function endpointOf(endpoint: string | URL, name: string): string {
  try {
    const base = (globalThis as { location?: { href?: string } }).location?.href;
    const url = new URL(endpoint, base);
    return typeof endpoint === 'string' ? endpoint : url.href;
  } catch {
    throw new ConfigError(`${name} must be a URL (absolute outside a browser)`);
  }
}

/** The parts of a fetch Response read here, so a hand-made response in a test works too. */
type ResponseLike = Pick<Response, 'ok' | 'status'> &
  Partial<Pick<Response, 'headers' | 'text' | 'json' | 'body'>>;

function headerOf(response: ResponseLike, name: string): string | null {
  return typeof response.headers?.get === 'function' ? response.headers.get(name) : null;
}

/**
 * Sends `grant_type=refresh_token` (form-encoded) and resolves to the raw `Response`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function refreshTokenGrantRequest(
  options: OAuth2RefreshOptions,
  refreshToken: string,
  signal?: AbortSignal,
): Promise<Response> {
  const url = endpointOf(options.tokenEndpoint, 'oauth2Refresh: tokenEndpoint');
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
  if (options.clientId !== undefined && options.clientSecret === undefined) {
    body.set('client_id', options.clientId);
  }
  if (options.scope !== undefined) body.set('scope', options.scope);
  for (const [key, value] of Object.entries(options.extraParams ?? {})) body.set(key, value);
  const headers: Record<string, string> = {
    ...options.headers,
    'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
    accept: 'application/json',
  };
  if (options.clientSecret !== undefined) {
    const id = encodeURIComponent(options.clientId ?? '');
    headers.authorization = `Basic ${btoa(`${id}:${encodeURIComponent(options.clientSecret)}`)}`;
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  return doFetch(url, {
    method: 'POST',
    headers,
    body: body.toString(),
    signal,
    redirect: 'error',
  });
}

/** `Retry-After` as ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, serverDate?: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - (serverDate ?? systemClock.now()));
}

function serverDateOf(response: ResponseLike): number | undefined {
  const header = headerOf(response, 'date');
  const at = header ? Date.parse(header) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

/** The body as JSON, or undefined when it is not JSON (a failure to read it still throws). */
async function readJson(response: ResponseLike): Promise<unknown> {
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
export async function processTokenResponse(response: ResponseLike): Promise<TokenSet> {
  const serverTime = serverDateOf(response);
  const body = await readJson(response);
  if (response.ok) {
    if (body === undefined)
      throw new TokenResponseError(
        'not_json',
        'Token endpoint answered with something that is not JSON',
      );
    parseTokenInput(body, 0, { serverTime }); // validates; throws a typed error
    const raw = body as Record<string, unknown>;
    return {
      accessToken: raw.access_token as string,
      refreshToken: (raw.refresh_token as string | undefined) ?? undefined,
      expiresIn: raw.expires_in === undefined ? undefined : Number(raw.expires_in),
      refreshExpiresIn:
        raw.refresh_expires_in === undefined ? undefined : Number(raw.refresh_expires_in),
      tokenType: 'Bearer',
      scope: raw.scope as string | undefined,
      idToken: raw.id_token as string | undefined,
      serverTime,
    };
  }
  const { status } = response;
  const code = (body as { error?: unknown } | undefined)?.error;
  if (typeof code === 'string' && FINAL_OAUTH_ERRORS.has(code))
    throw new RefreshRejectedError(code, { status });
  if (status === 401) throw new RefreshRejectedError('unauthorized', { status });
  const retryAfter = parseRetryAfter(headerOf(response, 'retry-after'), serverTime);
  const kind = status === 429 ? 'rate_limited' : status >= 500 ? 'server' : 'unknown';
  throw new RefreshFailedError(kind, `Token endpoint answered HTTP ${status}`, {
    status,
    retryAfter,
  });
}

/**
 * A session `refresh` option for an OAuth 2.0 token endpoint.
 * @example
 * createSession({ refresh: oauth2Refresh({ tokenEndpoint: '/oauth/token', clientId: 'web' }) })
 */
export function oauth2Refresh(options: OAuth2RefreshOptions): RefreshFunction {
  endpointOf(options.tokenEndpoint, 'oauth2Refresh: tokenEndpoint');
  return async ({ refreshToken, signal }) => {
    if (refreshToken === undefined) throw new RefreshRejectedError('invalid_grant');
    const response = await refreshTokenGrantRequest(options, refreshToken, signal);
    return processTokenResponse(response);
  };
}

export interface OAuth2RevokeOptions {
  /** The RFC 7009 revocation endpoint, e.g. `https://auth.example.com/oauth/revoke`. */
  revocationEndpoint: string | URL;
  /** Sent as `client_id` (public clients). */
  clientId?: string;
  /** For confidential clients only: HTTP Basic authentication. */
  clientSecret?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * A session `revoke` option for an RFC 7009 revocation endpoint: revokes the refresh token (the
 * whole family, on servers that rotate), or the access token when there is no refresh token.
 * @see https://www.rfc-editor.org/rfc/rfc7009
 * @example
 * createSession({ refresh, revoke: oauth2Revoke({ revocationEndpoint: '/oauth/revoke' }) })
 */
export function oauth2Revoke(options: OAuth2RevokeOptions): RevokeFunction {
  const url = endpointOf(options.revocationEndpoint, 'oauth2Revoke: revocationEndpoint');
  return async ({ refreshToken, accessToken, signal }) => {
    const body = new URLSearchParams(
      refreshToken === undefined
        ? { token: accessToken, token_type_hint: 'access_token' }
        : { token: refreshToken, token_type_hint: 'refresh_token' },
    );
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      accept: 'application/json',
    };
    if (options.clientSecret !== undefined) {
      const id = encodeURIComponent(options.clientId ?? '');
      headers.authorization = `Basic ${btoa(`${id}:${encodeURIComponent(options.clientSecret)}`)}`;
    } else if (options.clientId !== undefined) body.set('client_id', options.clientId);
    const doFetch = options.fetch ?? globalThis.fetch;
    const response: ResponseLike = await doFetch(url, {
      method: 'POST',
      headers,
      body: body.toString(),
      signal,
      redirect: 'error',
    });
    await response.body?.cancel();
    // RFC 7009 §2.2: 200 even for tokens the server does not know.
    if (!response.ok) {
      throw new RefreshFailedError(
        response.status >= 500 ? 'server' : 'unknown',
        `Revocation endpoint answered HTTP ${response.status}`,
        { status: response.status },
      );
    }
  };
}
