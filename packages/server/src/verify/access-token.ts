import type { ClientType } from '../client-type.js';

// The access-token format that the service signs and resource servers verify: an RFC 9068 JWT.

/** The one signing algorithm: ECDSA P-256 with SHA-256 (small keys and signatures, fast). */
export const signingAlgorithm = 'ES256';

/** The JWS `typ` header of an access token (RFC 9068 §2.1). */
export const accessTokenType = 'at+jwt';

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

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True when `sid` has the shape of a session id (a UUID); checked before any lookup. */
export function isSessionId(sid: unknown): sid is string {
  return typeof sid === 'string' && uuid.test(sid);
}
