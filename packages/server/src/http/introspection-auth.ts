import { createHash, timingSafeEqual } from 'node:crypto';

/** A resource server allowed to call the introspection endpoint (HTTP Basic, RFC 7662 §2.1). */
export interface IntrospectionClient {
  id: string;
  secret: string;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * RFC 6749 §2.3.1 client_secret_basic: true when the Authorization header names one of
 * `clients` with its secret. Secrets are compared in constant time, against every client,
 * whatever the id.
 */
export function createIntrospectionAuthenticator(
  clients: readonly IntrospectionClient[],
): (authorization: string | undefined) => boolean {
  const known = clients.map((client) => ({ id: client.id, secret: digest(client.secret) }));
  return (header) => {
    const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header?.trim() ?? '');
    const decoded = match ? Buffer.from(match[1] ?? '', 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    let id = '';
    let secret = '';
    try {
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      return false;
    }
    const given = digest(secret);
    let ok = false;
    for (const client of known) {
      ok = timingSafeEqual(given, client.secret) && client.id === id && colon > 0 ? true : ok;
    }
    return ok;
  };
}
