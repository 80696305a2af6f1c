/**
 * How a client authenticates to the token and revocation endpoints, one model for both:
 * `none` (a public client sends its `client_id`), `client_secret_basic` (HTTP Basic, RFC 6749
 * §2.3.1), `client_secret_post` (`client_id` and `client_secret` in the form body), plus extra
 * headers and form parameters. Resolved once, when the refresh or revoke function is made.
 */
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/** What `oauth2Refresh` and `oauth2Revoke` share: the client, how it authenticates, the wire. */
export interface OAuth2ClientOptions {
  /** Sent as `client_id` (`none` and `client_secret_post`) or as the Basic user name. */
  clientId?: string;
  /**
   * For confidential clients only (never in a browser or app bundle): how it is sent is
   * `clientAuth`.
   */
  clientSecret?: string;
  /**
   * @default 'client_secret_basic' when `clientSecret` is set, else 'none'
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
   */
  clientAuth?: ClientAuthMethod;
  /** Extra headers for every request (`content-type` is always the form's; Basic sets `authorization`). */
  headers?: Record<string, string>;
  /** Extra form parameters for every request. */
  extraParams?: Record<string, string>;
  /**
   * The fetch to call. It must NOT be a fetch wrapped by `createFetch`: token and revocation
   * calls never pass through an intercepted transport. @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /** For `Retry-After` dates when the answer has no `Date` header. @default systemClock */
  clock?: Clock;
}

/** The headers and form parameters every request of this client carries. */
export interface ClientAuth {
  readonly method: ClientAuthMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
}

// RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined for Basic.
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/** Checks the options once and computes what each request carries. */
export function resolveClientAuth(options: OAuth2ClientOptions, name: string): ClientAuth {
  const { clientId, clientSecret } = options;
  const method =
    options.clientAuth ?? (clientSecret === undefined ? 'none' : 'client_secret_basic');
  if (method !== 'none' && method !== 'client_secret_basic' && method !== 'client_secret_post') {
    throw new ConfigError(
      `${name}: clientAuth must be none, client_secret_basic or client_secret_post`,
    );
  }
  if (method !== 'none' && (clientId === undefined || clientSecret === undefined)) {
    throw new ConfigError(`${name}: clientAuth ${method} needs clientId and clientSecret`);
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [key, value] of Object.entries(options.headers ?? {})) {
    if (key.toLowerCase() !== 'content-type') headers[key.toLowerCase()] = value;
  }
  headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  const params: Record<string, string> = { ...options.extraParams };
  if (method === 'client_secret_basic') {
    const pair = `${formEncode(clientId!)}:${formEncode(clientSecret!)}`;
    headers.authorization = `Basic ${btoa(pair)}`;
  } else if (clientId !== undefined) {
    params.client_id = clientId;
    if (method === 'client_secret_post') params.client_secret = clientSecret!;
  }
  return { method, headers, params };
}

/** A form body: the client's parameters, then the request's own fields, which nothing overrides. */
export function formBody(fields: Record<string, string>, auth: ClientAuth): string {
  const body = new URLSearchParams(auth.params);
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  return body.toString();
}
