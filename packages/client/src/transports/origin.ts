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

/** A request's URL, resolved against the page in a browser (throws for relative URLs elsewhere). */
export function urlOf(input: Input): URL {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new URL(raw, (globalThis as { location?: { href?: string } }).location?.href);
}

/**
 * The origin a request goes to, without parsing a URL per request. Only a string that begins
 * exactly with `scheme://` takes the fast path: its scheme-and-authority prefix is looked up in a
 * small cache (`new URL` once per prefix, which normalises case and default ports). Anything
 * else (a relative path, `//host`, `/\\host`, `https:host`, leading spaces or tabs) is resolved
 * by the URL parser against the page, exactly as the browser will resolve it: treating such
 * strings as "relative, so ours" would send the token to whatever host they really name.
 * Outside a browser a relative URL has no origin to trust.
 */
const ABSOLUTE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

function resolved(raw: string): string | undefined {
  try {
    return new URL(raw, (globalThis as { location?: { href?: string } }).location?.href).origin;
  } catch {
    return undefined;
  }
}

export function originFinder(): (input: Input) => string | undefined {
  const cache = new Map<string, string>();
  return (input) => {
    if (input instanceof URL) return input.origin;
    const raw = typeof input === 'string' ? input : input.url;
    if (!ABSOLUTE.test(raw)) return resolved(raw);
    const authority = raw.indexOf('://') + 3;
    let end = raw.length;
    for (const stop of ['/', '?', '#', '\\']) {
      const at = raw.indexOf(stop, authority);
      if (at >= 0 && at < end) end = at;
    }
    const prefix = raw.slice(0, end);
    let origin = cache.get(prefix);
    if (origin === undefined) {
      origin = resolved(prefix);
      if (origin === undefined) return undefined;
      if (cache.size >= 64) cache.clear();
      cache.set(prefix, origin);
    }
    return origin;
  };
}
