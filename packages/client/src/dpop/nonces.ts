/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9), remembered per origin and refreshed from every
 * response that carries a `DPoP-Nonce` header.
 */

interface HeadersLike {
  get(name: string): string | null | undefined;
}

// A nonce is an opaque printable string (RFC 9449 §8.1: NQCHAR, no spaces or quotes).
const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]{1,512}$/;

export interface DpopNonces {
  /** The nonce to put in the next proof for `url`'s origin. */
  for(url: string): string | undefined;
  /** Remembers the `DPoP-Nonce` of a response from `url`; true when it was a new one. */
  observe(url: string, headers: HeadersLike | undefined): boolean;
}

function originOf(url: string): string | undefined {
  const match = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  return match?.[0].toLowerCase();
}

export function createNonces(): DpopNonces {
  const byOrigin = new Map<string, string>();
  return {
    for: (url) => {
      const origin = originOf(url);
      return origin === undefined ? undefined : byOrigin.get(origin);
    },
    observe(url, headers) {
      const value = headers?.get('dpop-nonce');
      const origin = originOf(url);
      if (!value || origin === undefined || !NONCE.test(value)) return false;
      if (byOrigin.get(origin) === value) return false;
      if (byOrigin.size >= 64 && !byOrigin.has(origin)) byOrigin.clear();
      byOrigin.set(origin, value);
      return true;
    },
  };
}
