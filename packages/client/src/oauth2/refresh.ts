/**
 * The refresh-token grant against a standard token endpoint (RFC 6749 §6), as a pair: sending
 * (`refreshTokenGrantRequest`) and processing (`processTokenResponse`). `oauth2Refresh`
 * combines them into a session `refresh` option.
 */
import { RefreshRejectedError } from '../errors.js';
import type { RefreshFunction } from '../session/types.js';
import {
  type ClientAuth,
  formBody,
  type OAuth2ClientOptions,
  resolveClientAuth,
} from './client-auth.js';
import { sendWithProof } from './dpop-retry.js';
import { endpointOf } from './endpoint.js';
import { processTokenAnswer } from './response.js';

export interface OAuth2RefreshOptions extends OAuth2ClientOptions {
  /** The token endpoint, e.g. `https://auth.example.com/oauth/token`. */
  tokenEndpoint: string | URL;
  /** Requested scope, when narrowing it on refresh. */
  scope?: string;
}

const NAME = 'oauth2Refresh';

function send(
  options: OAuth2RefreshOptions,
  url: string,
  auth: ClientAuth,
  refreshToken: string,
  signal: AbortSignal | undefined,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const fields: Record<string, string> = {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  };
  if (options.scope !== undefined) fields.scope = options.scope;
  const doFetch = options.fetch ?? globalThis.fetch;
  return doFetch(url, {
    method: 'POST',
    headers: { ...auth.headers, ...extraHeaders },
    body: formBody(fields, auth),
    signal,
    redirect: 'error',
  });
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
  const url = endpointOf(options.tokenEndpoint, `${NAME}: tokenEndpoint`);
  return send(options, url, resolveClientAuth(options, NAME), refreshToken, signal);
}

/**
 * A session `refresh` option for an OAuth 2.0 token endpoint.
 * @example
 * createSession({ refresh: oauth2Refresh({ tokenEndpoint: '/oauth/token', clientId: 'web' }) })
 */
export function oauth2Refresh(options: OAuth2RefreshOptions): RefreshFunction {
  const url = endpointOf(options.tokenEndpoint, `${NAME}: tokenEndpoint`);
  const auth = resolveClientAuth(options, NAME);
  return async ({ refreshToken, signal, dpop }) => {
    if (refreshToken === undefined) throw new RefreshRejectedError('invalid_grant');
    const { response, body } = await sendWithProof(url, dpop, (extra) =>
      send(options, url, auth, refreshToken, signal, extra),
    );
    return processTokenAnswer(response, body, options);
  };
}
