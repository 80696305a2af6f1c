/**
 * Where a request goes, decided cheaply on every request: the adapters only attach the token
 * for allowed origins. Private to the HTTP adapters.
 */

type Input = RequestInfo | URL;

/** The page's origin in a browser; undefined elsewhere. */
export function pageOrigin(): string | undefined {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return origin && origin !== 'null' ? origin : undefined;
}

/** `//host/path` takes the page's scheme; outside a browser it has no origin to trust. */
function protocolRelative(input: Input): string | undefined {
  try {
    return urlOf(input).origin;
  } catch {
    return undefined;
  }
}

/** A request's URL, resolved against the page in a browser (throws for relative URLs elsewhere). */
export function urlOf(input: Input): URL {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new URL(raw, (globalThis as { location?: { href?: string } }).location?.href);
}

/**
 * The origin a request goes to, without parsing a URL per request: the scheme-and-authority
 * prefix of an absolute URL is looked up in a small cache (`new URL` once per prefix, which
 * normalises case and default ports). Relative URLs are the page's.
 */
export function originFinder(): (input: Input) => string | undefined {
  const cache = new Map<string, string>();
  return (input) => {
    if (input instanceof URL) return input.origin;
    const raw = typeof input === 'string' ? input : input.url;
    const scheme = raw.indexOf('://');
    if (scheme < 0 || /[/?#]/.test(raw.slice(0, scheme)))
      return raw.startsWith('//') ? protocolRelative(input) : pageOrigin();
    let end = raw.length;
    for (const stop of ['/', '?', '#']) {
      const at = raw.indexOf(stop, scheme + 3);
      if (at >= 0 && at < end) end = at;
    }
    const prefix = raw.slice(0, end);
    let origin = cache.get(prefix);
    if (origin === undefined) {
      origin = new URL(prefix).origin;
      if (cache.size >= 64) cache.clear();
      cache.set(prefix, origin);
    }
    return origin;
  };
}
