/**
 * Typed errors. Each carries a `code` that a `switch` narrows, the HTTP status it maps to and a
 * description that is safe to send to a client: none ever contains a token or a secret.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */

/** The RFC 6749 §5.2 error codes that the token, revocation and introspection endpoints answer
 * (the server has no client registrations or scope requests, so never `unauthorized_client`
 * or `invalid_scope`). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type';

/** RFC 6750 §3.1 error codes for a resource server. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** Every code a {@link TokenServerError} can carry. */
export type TokenServerErrorCode =
  | OAuthErrorCode
  | BearerErrorCode
  | 'not_found'
  | 'method_not_allowed'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_config';

const defaultStatus: Record<TokenServerErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  not_found: 404,
  method_not_allowed: 405,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_config: 500,
};

/** Base class of every error this package throws on purpose. */
export class TokenServerError extends Error {
  override readonly name: string = 'TokenServerError';
  /** Machine-readable code; on the wire it is the `error` member. */
  readonly code: TokenServerErrorCode;
  /** HTTP status the code answers with. */
  readonly status: number;

  constructor(code: TokenServerErrorCode, description: string, options?: { status?: number }) {
    super(description);
    this.code = code;
    this.status = options?.status ?? defaultStatus[code];
  }

  /** The RFC 6749 §5.2 body: `{ error, error_description }`. */
  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}

/** An error of the token, revocation, introspection or login endpoints (RFC 6749 §5.2). */
export class OAuthError extends TokenServerError {
  override readonly name: string = 'OAuthError';
  declare readonly code: OAuthErrorCode;
  constructor(code: OAuthErrorCode, description: string, options?: { status?: number }) {
    super(code, description, options);
  }
}

/** A bearer token a resource server must refuse (RFC 6750 §3.1): 401 or 403. */
export class BearerError extends TokenServerError {
  override readonly name: string = 'BearerError';
  declare readonly code: BearerErrorCode;
  /** The scope that was missing, for `insufficient_scope`. */
  readonly scope: string | undefined;
  /**
   * The request carried no credentials at all; RFC 6750 §3.1 answers it with a challenge that
   * has no error code.
   */
  readonly bare: boolean;
  constructor(
    code: BearerErrorCode,
    description: string,
    options?: { scope?: string; bare?: boolean },
  ) {
    super(code, description);
    this.scope = options?.scope;
    this.bare = options?.bare ?? false;
  }
}

/** Options or CLI flags that cannot work; the message says which and why. */
export class ConfigError extends TokenServerError {
  override readonly name: string = 'ConfigError';
  constructor(description: string) {
    super('invalid_config', description);
  }
}

/** True for any error this package threw on purpose, across module copies. */
export function isTokenServerError(value: unknown): value is TokenServerError {
  return (
    value instanceof TokenServerError ||
    (value instanceof Error &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { status?: unknown }).status === 'number' &&
      (value as unknown as { code: string }).code in defaultStatus)
  );
}
