/**
 * `tokenkeeper/fetch`: a fetch with fetch's own signature that carries the session's live token.
 */
import { type DpopAccess, dpopAccessOf } from '../session/adapter-access.js';
import type { Session } from '../session/create-session.js';
import { isNonceChallenge } from './dpop-challenge.js';
import { originFinder, pageOrigin, urlOf } from './origin.js';

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

/** True when the caller set an Authorization header of its own. */
function hasAuthorization(headers: HeadersInit | undefined): boolean {
  if (headers === undefined) return false;
  if (headers instanceof Headers) return headers.has('authorization');
  if (Array.isArray(headers))
    return headers.some(([name]) => name?.toLowerCase() === 'authorization');
  return Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
}

/** The caller's headers plus the bearer token; a plain object stays a plain object. */
function withBearer(headers: HeadersInit | undefined, token: string): HeadersInit {
  return withHeaders(headers, { authorization: `Bearer ${token}` });
}

function withHeaders(headers: HeadersInit | undefined, extra: Record<string, string>): HeadersInit {
  if (headers === undefined) return extra;
  if (!(headers instanceof Headers) && !Array.isArray(headers)) return { ...headers, ...extra };
  const copy = new Headers(headers);
  for (const [name, value] of Object.entries(extra)) copy.set(name, value);
  return copy;
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
 * 401 (not 403) retry once with the token `session.handleUnauthorized` gives back. The body is
 * replayed: strings, bytes, Blob, FormData and URLSearchParams as they are; a `Request` object is
 * cloned before it is sent (which buffers its body). A stream passed as `init.body` can be read
 * once, so that request is not retried: the caller gets the original 401.
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
  const originOf = originFinder();

  function authorize(
    input: Input,
    init: RequestInit | undefined,
    headers: HeadersInit | undefined,
  ): boolean {
    if (options.shouldAuthorize) {
      const method = (
        init?.method ?? (input instanceof Request ? input.method : 'GET')
      ).toUpperCase();
      return options.shouldAuthorize(urlOf(input), { method, headers: new Headers(headers) });
    }
    const origin = originOf(input);
    if (origin === undefined) return false;
    if (!pinned) {
      allowed.add(origin);
      pinned = true;
    }
    return allowed.has(origin);
  }

  const dpop = dpopAccessOf(session);

  const authFetch = async (input: Input, init?: RequestInit): Promise<Response> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const headers = init?.headers ?? (isRequest ? input.headers : undefined);
    // A request that carries its own credentials, or goes elsewhere, passes through untouched.
    if (hasAuthorization(headers) || !authorize(input, init, headers)) return doFetch(input, init);
    if (dpop) return dpopFetch(dpop, doFetch, input, init, headers);
    // The read marks activity before anything else: a request made just before a sliding
    // session's idle deadline counts, even if its token needs a refresh that ends after it.
    const token = await session.getAccessToken();
    const canReplay = init?.body !== undefined ? replayableBody(init.body) : true;
    // A Request's body can be read once: keep a copy for the retry before the first send.
    const spare =
      canReplay && isRequest && init?.body === undefined && input.body !== null
        ? input.clone()
        : input;
    const first = await doFetch(input, { ...init, headers: withBearer(headers, token) });
    if (first.status !== 401) return first;
    if (!canReplay) {
      // Not retried, but the session still learns that this token was refused.
      session.handleUnauthorized(token).catch(() => undefined); // its outcome reaches subscribers as events
      return first;
    }
    let retryToken: string;
    try {
      retryToken = await session.handleUnauthorized(token);
    } finally {
      await first.body?.cancel(); // the 401's body is not read: free the connection either way
    }
    return doFetch(spare, { ...init, headers: withBearer(headers, retryToken) });
  };
  /**
   * A DPoP session's request: a fresh proof per send; a nonce challenge costs one retry with
   * the nonce (no refresh), a 401 for the token one refresh and one retry, as for bearer.
   */
  async function dpopFetch(
    access: DpopAccess,
    doFetch: typeof fetch,
    input: Input,
    init: RequestInit | undefined,
    headers: HeadersInit | undefined,
  ): Promise<Response> {
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const method = (init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    const url = urlOf(input).href;
    const token = await session.getAccessToken();
    const canReplay = init?.body !== undefined ? replayableBody(init.body) : true;
    // Every send gets its own copy of a Request (its body can be read once).
    const withBody = isRequest && init?.body === undefined && input.body !== null;
    const next = () => (canReplay && withBody ? (input as Request).clone() : input);
    const send = async (bearing: string): Promise<Response> => {
      const authorization = await access.authorize(method, url, bearing);
      const response = await doFetch(next(), {
        ...init,
        headers: withHeaders(headers, authorization),
      });
      const fresh = access.observe(url, response.headers);
      if (!fresh || !canReplay || !isNonceChallenge(response.status, response.headers)) {
        return response;
      }
      await response.body?.cancel();
      const again = await doFetch(next(), {
        ...init,
        headers: withHeaders(headers, await access.authorize(method, url, bearing)),
      });
      access.observe(url, again.headers);
      return again;
    };
    const first = await send(token);
    if (first.status !== 401) return first;
    if (!canReplay) {
      session.handleUnauthorized(token).catch(() => undefined);
      return first;
    }
    let retryToken: string;
    try {
      retryToken = await session.handleUnauthorized(token);
    } finally {
      await first.body?.cancel();
    }
    return send(retryToken);
  }

  return authFetch as typeof fetch;
}
