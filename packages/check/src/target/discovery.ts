import type { AuditHttp } from '../http/http-client.js';
import { isTransportError } from '../http/http-error.js';

/** The members of RFC 8414 / OpenID Connect Discovery metadata the audit uses. */
export interface ServerMetadata {
  readonly issuer?: string;
  readonly token_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly jwks_uri?: string;
  /** tokenkeeper-server's login route (not in RFC 8414). */
  readonly tokenkeeper_login_endpoint?: string;
}

/** The discovery could not find metadata. */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

/**
 * Where an issuer's metadata may be: RFC 8414 §3 puts `/.well-known/oauth-authorization-server`
 * between the host and the issuer's path; OpenID Connect Discovery appends
 * `/.well-known/openid-configuration` to the issuer.
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

function parseMetadata(text: string): ServerMetadata | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const out: Record<string, string> = {};
    for (const key of [
      'issuer',
      'token_endpoint',
      'revocation_endpoint',
      'jwks_uri',
      'tokenkeeper_login_endpoint',
    ]) {
      const member = (value as Record<string, unknown>)[key];
      if (typeof member === 'string' && /^https?:\/\//.test(member)) out[key] = member;
    }
    return out;
  } catch {
    return undefined;
  }
}

/** The first metadata document found for `issuer`, or a DiscoveryError saying what was tried. */
export async function discover(
  http: AuditHttp,
  issuer: string,
): Promise<{ url: string; metadata: ServerMetadata }> {
  const tried: string[] = [];
  for (const url of metadataUrls(issuer)) {
    try {
      const exchange = await http.send({
        method: 'GET',
        url,
        headers: { accept: 'application/json' },
      });
      const metadata = exchange.status === 200 ? parseMetadata(exchange.text) : undefined;
      if (metadata?.token_endpoint) return { url, metadata };
      tried.push(`${url}: ${exchange.status}`);
    } catch (error) {
      if (!isTransportError(error)) throw error;
      tried.push(`${url}: ${error.code}`);
    }
  }
  throw new DiscoveryError(`no metadata with a token_endpoint for ${issuer} (${tried.join('; ')})`);
}
