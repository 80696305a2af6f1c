import { ConfigError } from '../errors.js';

/**
 * Checks an endpoint once and gives what fetch is called with: the caller's own string (a
 * relative one resolves against the page in a browser, as fetch does), or a URL's href.
 */
export function endpointOf(endpoint: string | URL, name: string): string {
  try {
    const base = (globalThis as { location?: { href?: string } }).location?.href;
    const url = new URL(endpoint, base);
    return typeof endpoint === 'string' ? endpoint : url.href;
  } catch {
    throw new ConfigError(`${name} must be a URL (absolute outside a browser)`);
  }
}
