import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ClientType } from '../../client-type.js';
import { accessTokenType, signingAlgorithm } from '../../verify/access-token.js';
import type { SigningKey } from '../keys/signing-key.js';

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
    .setProtectedHeader({ alg: signingAlgorithm, typ: accessTokenType, kid: key.kid })
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setSubject(input.subject)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { token, expiresIn: exp - iat };
}
