/**
 * A resource server's nonce challenge (RFC 9449 §9): 401 with
 * `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a `DPoP-Nonce` header. The adapters answer
 * it with one retry carrying the nonce, not with a refresh: the token is fine. Private to them.
 */

interface HeadersLike {
  get(name: string): string | null | undefined;
}

export function isNonceChallenge(status: number, headers: HeadersLike | undefined): boolean {
  if (status !== 401) return false;
  const challenge = headers?.get('www-authenticate') ?? '';
  return /(^|,)\s*dpop\b/i.test(challenge) && /\berror\s*=\s*"?use_dpop_nonce"?/i.test(challenge);
}
