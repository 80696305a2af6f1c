/**
 * What a token endpoint's error body means. RFC 6749 §5.2 bodies carry an `error` code; some
 * providers answer in their own shape (Firebase and other Google APIs, Supabase Auth, the AWS
 * Cognito user-pool API). Each is mapped to the RFC code with the same meaning, so that "the
 * refresh token is dead" ends the session everywhere and nothing else does.
 */

/** RFC 6749 §5.2 (and OpenID Connect) error codes: retrying the same request cannot succeed. */
export const FINAL_OAUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  // OpenID Connect Core §3.1.2.6: a silent refresh cannot go on until the user acts (MFA, consent).
  'interaction_required',
  'login_required',
  'consent_required',
]);

// Firebase secure token API: `{"error":{"code":400,"message":"TOKEN_EXPIRED"}}`, sometimes
// "CODE : detail".
const FIREBASE: Readonly<Record<string, string>> = {
  TOKEN_EXPIRED: 'invalid_grant',
  INVALID_REFRESH_TOKEN: 'invalid_grant',
  USER_DISABLED: 'invalid_grant',
  USER_NOT_FOUND: 'invalid_grant',
  MISSING_REFRESH_TOKEN: 'invalid_request',
  INVALID_GRANT_TYPE: 'invalid_request',
};

// Supabase Auth: `error_code` (or a string `code` with its 2024-01-01 API version).
const SUPABASE: ReadonlySet<string> = new Set([
  'refresh_token_not_found',
  'refresh_token_already_used',
  'session_not_found',
  'session_expired',
  'user_not_found',
  'user_banned',
]);

// AWS Cognito user-pool API (InitiateAuth with REFRESH_TOKEN_AUTH).
const COGNITO: Readonly<Record<string, string>> = {
  NotAuthorizedException: 'invalid_grant',
  UserNotFoundException: 'invalid_grant',
};

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The OAuth error code an error body means, or undefined when it says nothing recognisable.
 * A code in {@link FINAL_OAUTH_ERRORS} ends the session; any other is a failure to retry.
 */
export function oauthErrorOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const error = b.error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = text((error as Record<string, unknown>).message);
    const code = message?.split(/[\s:]/, 1)[0];
    return code === undefined ? undefined : (FIREBASE[code] ?? code);
  }
  const supabase = text(b.error_code) ?? text(b.code);
  if (supabase !== undefined) return SUPABASE.has(supabase) ? 'invalid_grant' : supabase;
  const cognito = text(b.__type);
  if (cognito !== undefined) return COGNITO[cognito.split('#').pop() ?? cognito] ?? cognito;
  return undefined;
}
