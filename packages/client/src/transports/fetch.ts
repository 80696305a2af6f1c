/**
 * `tokenkeeper/fetch`: a fetch with fetch's own signature that carries the session's live token.
 */
import type { Session } from '../session.js';

export interface CreateFetchOptions {
  /**
   * The fetch to wrap (looked up at call time). Never pass this wrapper as the session's
   * refresh fetch. @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Origins (`https://api.example.com`) that receive the token. In a browser the page's own
   * origin is always included. Outside a browser with no `origins` and no `shouldAuthorize`,
   * the origin of the first request is pinned and only it receives the token.
   */
  origins?: readonly string[];
  /** Decides per request whether to attach the token; replaces the origin rule. */
  shouldAuthorize?: (url: URL, request: { method: string; headers: Headers }) => boolean;
}

type Input = RequestInfo | URL;

function pageOrigin(): string | undefined {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return origin && origin !== 'null' ? origin : undefined;
}

function urlOf(input: Input): URL {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return new URL(raw, (globalThis as { location?: { href?: string } }).location?.href);
}

/** Bodies that can be sent twice: everything but streams and async iterables. */
function replayableBody(body: unknown): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData)
  );
}

/**
 * Wraps fetch so requests carry `Authorization: Bearer <live token>`, mark activity, and on a
 * 401 (not 403) retry once with the token `session.handleUnauthorized` gives back. A request
 * whose body is a one-shot stream is not retried: the caller gets the original 401.
 * Rejects with the session's typed errors (`SessionExpiredError`, `SignedOutError`, retryable
 * `RefreshFailedError` / `OfflineError`) when no token can be had.
 * @example
 * const api = createFetch(session, { origins: ['https://api.example.com'] });
 * const res = await api('https://api.example.com/me');
 */
export function createFetch(session: Session, options: CreateFetchOptions = {}): typeof fetch {
  const allowed = new Set(options.origins ?? []);
  const page = pageOrigin();
  if (page) allowed.add(page);
  let pinned = allowed.size > 0 || options.shouldAuthorize !== undefined;

  function authorize(url: URL, headers: Headers, method: string): boolean {
    if (headers.has('authorization')) return false; // the caller chose its own credentials
    if (options.shouldAuthorize) return options.shouldAuthorize(url, { method, headers });
    if (!pinned) {
      allowed.add(url.origin);
      pinned = true;
    }
    return allowed.has(url.origin);
  }

  const authFetch = async (input: Input, init?: RequestInit): Promise<Response> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
    const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    if (!authorize(urlOf(input), headers, method)) return doFetch(input, init);

    // Activity first: a request made just before a sliding session's idle deadline counts,

    // even if its token needs a refresh that completes after the deadline.

    session.markActivity();

    const token = await session.getAccessToken();
    const canReplay = init?.body !== undefined ? replayableBody(init.body) : true;
    // A Request's body can be read once: keep a copy for the retry before the first send.
    const spare =
      canReplay && isRequest && init?.body === undefined && input.body !== null
        ? input.clone()
        : input;
    headers.set('authorization', `Bearer ${token}`);
    const first = await doFetch(input, { ...init, headers });
    if (first.status !== 401) return first;
    if (!canReplay) {
      // Not retried, but the session still learns that this token was refused.
      session.handleUnauthorized(token).catch(() => undefined); // its outcome reaches subscribers as events
      return first;
    }
    const retryToken = await session.handleUnauthorized(token);
    await first.body?.cancel();
    headers.set('authorization', `Bearer ${retryToken}`);
    return doFetch(spare, { ...init, headers });
  };
  return authFetch as typeof fetch;
}
