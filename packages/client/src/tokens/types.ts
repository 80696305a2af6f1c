/**
 * Tokens as servers send them (RFC 6749 §5.1), as apps may hand them over, and as a session
 * holds them.
 */

/**
 * A token response as RFC 6749 §5.1 defines it (what `/oauth/token` answers).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenResponse {
  access_token: string;
  /** `Bearer` or `DPoP` (RFC 9449), case-insensitive; absent is read as `Bearer`. */
  token_type?: string;
  /**
   * Seconds the access token is valid from the moment the response is received (a numeric
   * string too, as Firebase sends it). Unusable values are ignored, not fatal.
   */
  expires_in?: number | string;
  refresh_token?: string | null;
  scope?: string;
  id_token?: string;
  /**
   * Seconds the refresh token is valid (a common extension, e.g. Keycloak); `0` means the
   * server advertises no expiry (Keycloak's offline tokens).
   */
  refresh_expires_in?: number | string;
  // Anything else a provider adds (`session_state`, `user`, `ext_expires_in`, ...) is ignored.
}

/** Tokens in tokenkeeper's own shape; an alternative to {@link TokenResponse}. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string | null;
  /** Seconds of validity from receipt. Preferred: immune to a wrong device clock. */
  expiresIn?: number;
  /** Absolute expiry in ms since the epoch, on this device's clock. */
  expiresAt?: number;
  tokenType?: string;
  scope?: string;
  idToken?: string;
  /** Seconds the refresh token is valid from receipt, when the server says. */
  refreshExpiresIn?: number;
  /**
   * The server's clock (ms since the epoch) when it issued these tokens, for example from the
   * response's `Date` header. Used only to read a JWT `exp` when no `expires_in` is given, so
   * a device whose clock is minutes off still refreshes on time.
   */
  serverTime?: number;
}

/** What `signIn` and a `refresh` function may hand over. */
export type TokenInput = TokenResponse | TokenSet;

/** Tokens as the session holds them: validated, with expiry on this device's clock. */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly tokenType: 'Bearer' | 'DPoP';
  readonly scope: string | undefined;
  readonly idToken: string | undefined;
  /** Local time (ms) the tokens were received. */
  readonly receivedAt: number;
  /** Local time (ms) the access token expires; undefined when nobody said (opaque, sliding). */
  readonly expiresAt: number | undefined;
  /** Local time (ms) the refresh token expires, when the server said. */
  readonly refreshExpiresAt: number | undefined;
  /** Fingerprint of the access token: safe to log and compare. */
  readonly fingerprint: string;
}
