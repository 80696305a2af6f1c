import { BearerError } from '../errors.js';

// The RFC 6750 wire of a resource server: reading `Authorization: Bearer`, and answering a
// refusal with a status, a JSON body and a `WWW-Authenticate` challenge.

const token68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The WWW-Authenticate value for a refusal (RFC 6750 §3). */
export function bearerChallenge(error: BearerError | null, realm = 'tokenkeeper'): string {
  const parts = [`realm="${realm}"`];
  if (error) {
    parts.push(`error="${error.code}"`);
    parts.push(`error_description="${error.message.replace(/["\\]/g, '')}"`);
    if (error.scope) parts.push(`scope="${error.scope}"`);
  }
  return `Bearer ${parts.join(', ')}`;
}

/** The Response for a refusal: 400/401/403 with a JSON body and the RFC 6750 challenge. */
export function bearerErrorResponse(error: BearerError, realm = 'tokenkeeper'): Response {
  return new Response(JSON.stringify(error.toJSON()), {
    status: error.status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'www-authenticate': bearerChallenge(error.bare ? null : error, realm),
      'cache-control': 'no-store',
    },
  });
}

function missing(): BearerError {
  return new BearerError('invalid_token', 'bearer token required', { bare: true });
}

/** Extracts the token from `Authorization: Bearer <token>` (RFC 6750 §2.1). */
export function readBearerToken(header: string | null): string {
  if (header === null) throw missing();
  const match = /^Bearer +(.*)$/i.exec(header.trim());
  if (!match) throw missing();
  const token = match[1] ?? '';
  if (!token68.test(token)) {
    throw new BearerError('invalid_request', 'malformed Authorization header');
  }
  return token;
}
