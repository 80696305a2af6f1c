/** How the audit authenticates as an OAuth client at the token and revocation endpoints. */
export type ClientAuth = 'basic' | 'post' | 'none';

export interface ClientCredentials {
  readonly id?: string;
  readonly secret?: string;
  /**
   * `basic`: HTTP Basic (RFC 6749 §2.3.1); `post`: `client_id` and `client_secret` in the body;
   * `none`: a public client (`client_id` in the body when there is one).
   */
  readonly auth: ClientAuth;
}

/** How a session starts. */
export type LoginMethod =
  /** POST `{"username","password"}` to `url`, as JSON or (with `form`) form-encoded. */
  | { readonly kind: 'url'; readonly url: string; readonly form: boolean }
  /** Run `command` in a shell; it prints a token response (JSON) on stdout. */
  | { readonly kind: 'command'; readonly command: string };

/** The server under test: where to send what. */
export interface Target {
  /** The issuer, when the endpoints came from discovery (RFC 8414 / OIDC). */
  readonly issuer?: string;
  readonly tokenEndpoint: string;
  readonly login: LoginMethod;
  readonly revocationEndpoint?: string;
  /** A protected URL that accepts the access token (`Authorization: Bearer`). */
  readonly resource?: string;
  readonly jwksUri?: string;
  readonly client: ClientCredentials;
}

/** The user the audit signs in as (login URL only). */
export interface LoginCredentials {
  readonly username: string;
  readonly password: string;
}

/** Every URL the audit will talk to, with a name for reports. */
export function targetUrls(target: Target): { name: string; url: string }[] {
  const urls: { name: string; url: string }[] = [];
  if (target.issuer) urls.push({ name: 'issuer', url: target.issuer });
  urls.push({ name: 'token endpoint', url: target.tokenEndpoint });
  if (target.login.kind === 'url') urls.push({ name: 'login', url: target.login.url });
  if (target.revocationEndpoint) urls.push({ name: 'revocation', url: target.revocationEndpoint });
  if (target.resource) urls.push({ name: 'resource', url: target.resource });
  if (target.jwksUri) urls.push({ name: 'JWKS', url: target.jwksUri });
  return urls;
}
