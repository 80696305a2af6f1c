import type { ClientCredentials, Target } from '../target/target.js';
import type { HttpRequest } from './http-client.js';

const FORM = 'application/x-www-form-urlencoded';

/** RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/** Headers and body fields that authenticate the client, per its `auth` method. */
export function clientAuthentication(client: ClientCredentials): {
  headers: Record<string, string>;
  fields: Record<string, string>;
} {
  if (client.auth === 'basic' && client.id !== undefined) {
    const pair = `${formEncode(client.id)}:${formEncode(client.secret ?? '')}`;
    return {
      headers: { authorization: `Basic ${Buffer.from(pair).toString('base64')}` },
      fields: {},
    };
  }
  const fields: Record<string, string> = {};
  if (client.id !== undefined) fields.client_id = client.id;
  if (client.auth === 'post' && client.secret !== undefined) fields.client_secret = client.secret;
  return { headers: {}, fields };
}

/** A form POST to `url` with the client's authentication and `params`. */
export function clientFormRequest(
  url: string,
  client: ClientCredentials,
  params: Record<string, string>,
  extraHeaders: Record<string, string> = {},
): HttpRequest {
  const auth = clientAuthentication(client);
  return {
    method: 'POST',
    url,
    headers: { 'content-type': FORM, accept: 'application/json', ...auth.headers, ...extraHeaders },
    body: new URLSearchParams({ ...params, ...auth.fields }).toString(),
  };
}

/**
 * The refresh grant (RFC 6749 §6). With `bearer`, the access token goes along as
 * `Authorization: Bearer` (only to find out whether the server demands it); that replaces HTTP
 * Basic client authentication, so the client id and secret then travel in the body.
 */
export function refreshRequest(
  target: Target,
  refreshToken: string,
  options: { bearer?: string } = {},
): HttpRequest {
  const params = { grant_type: 'refresh_token', refresh_token: refreshToken };
  if (!options.bearer) return clientFormRequest(target.tokenEndpoint, target.client, params);
  const client: ClientCredentials =
    target.client.auth === 'basic' ? { ...target.client, auth: 'post' } : target.client;
  return clientFormRequest(target.tokenEndpoint, client, params, {
    authorization: `Bearer ${options.bearer}`,
  });
}

/** RFC 7009 §2.1. */
export function revocationRequest(
  target: Target & { revocationEndpoint: string },
  token: string,
  hint?: 'refresh_token' | 'access_token',
): HttpRequest {
  const params: Record<string, string> = { token };
  if (hint) params.token_type_hint = hint;
  return clientFormRequest(target.revocationEndpoint, target.client, params);
}

/** A call to the protected resource with `token` as the bearer. */
export function resourceRequest(resource: string, token: string): HttpRequest {
  return {
    method: 'GET',
    url: resource,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  };
}
