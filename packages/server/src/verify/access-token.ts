import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ClientType } from '../client-type.js';
import type { SigningKey } from '../service/keys/key-ring.js';
import { signingAlgorithm } from '../service/keys/key-ring.js';

/**
 * Claims of an access token (RFC 9068 JWT profile, header `typ: at+jwt`).
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly aud: string | string[];
  /** The user id. */
  readonly sub: string;
  /** Expiry, seconds since the epoch. Close a WebSocket authenticated by this token then. */
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  /** Session (refresh-token family) id; resource servers look the session up by it. */
  readonly sid: string;
  readonly client_id: string;
  readonly client_type: ClientType;
  /** Space-separated scopes, when the user has any. */
  readonly scope?: string;
}

/** Signs an access token for a session. */
export async function signAccessToken(
  key: SigningKey,
  input: {
    issuer: string;
    audience: string;
    subject: string;
    sessionId: string;
    clientType: ClientType;
    scope: string;
    issuedAtMs: number;
    expiresAtMs: number;
  },
): Promise<{ token: string; expiresIn: number }> {
  const iat = Math.floor(input.issuedAtMs / 1000);
  const exp = Math.max(iat + 1, Math.floor(input.expiresAtMs / 1000));
  const payload: Record<string, unknown> = {
    sid: input.sessionId,
    client_id: input.clientType,
    client_type: input.clientType,
  };
  if (input.scope) payload.scope = input.scope;
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: signingAlgorithm, typ: 'at+jwt', kid: key.kid })
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setSubject(input.subject)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { token, expiresIn: exp - iat };
}
