/**
 * `tokenkeeper/axios`: interceptors that give an axios instance the session's live token.
 */
import {
  type AxiosAdapter,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  getAdapter,
  type InternalAxiosRequestConfig,
  isAxiosError,
} from 'axios';
import {
  backgroundAccessToken,
  type DpopAccess,
  dpopAccessOf,
  peekAccessToken,
} from '../session/adapter-access.js';
import type { Session } from '../session/create-session.js';
import { isNonceChallenge } from './dpop-challenge.js';
import { originFinder } from './origin.js';

export interface AttachAxiosOptions {
  /**
   * Origins (`https://api.example.com`) that receive the token, compared with the request URL
   * resolved against `baseURL`. In a browser the page's own origin is always included. Outside a
   * browser with no `origins` and no `shouldAuthorize`, the origin of the first request is
   * pinned and only it receives the token.
   */
  origins?: readonly string[];
  /** Decides per request whether to attach the token; replaces the origin rule. */
  shouldAuthorize?: (url: URL, config: InternalAxiosRequestConfig) => boolean;
}

/**
 * Carried on the request config (it survives axios' config merges, unlike the object itself):
 * `sent` when this adapter attached the token, `retry` on the one retry after a 401.
 */
const ATTEMPT = 'tokenkeeperAttempt';
/** DPoP sessions: the token the request was (or, on the retry, is to be) sent with. */
const TOKEN = 'tokenkeeperToken';
type Marked = InternalAxiosRequestConfig & {
  [ATTEMPT]?: 'sent' | 'retry';
  [TOKEN]?: string;
};

/** An absolute or protocol-relative URL, as axios decides it. */
const ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\//i;

function pageLocation(): { origin?: string; href?: string } | undefined {
  return (globalThis as { location?: { origin?: string; href?: string } }).location;
}

/** Streams can be sent once: a request carrying one is not retried. */
function replayableData(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return true;
  const value = data as { pipe?: unknown; getReader?: unknown; [Symbol.asyncIterator]?: unknown };
  return (
    typeof value.pipe !== 'function' &&
    typeof value.getReader !== 'function' &&
    typeof value[Symbol.asyncIterator] !== 'function'
  );
}

/** A response's headers as the DPoP code reads them (single string values). */
function readHeaders(headers: AxiosResponse['headers'] | undefined) {
  const all = AxiosHeaders.from(headers as ConstructorParameters<typeof AxiosHeaders>[0]);
  return {
    get: (name: string) => {
      const value = all.get(name);
      return typeof value === 'string' ? value : undefined;
    },
  };
}

/** The token this adapter attached to a first attempt; undefined for anything else. */
function attachedToken(config: Marked | undefined): string | undefined {
  if (config?.[ATTEMPT] !== 'sent') return undefined;
  if (config[TOKEN] !== undefined) return config[TOKEN];
  const header = config.headers?.get?.('authorization');
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Installs a request interceptor that attaches `Authorization: Bearer <live token>` and marks
 * activity, and a response interceptor that answers a 401 (not a 403) with
 * `session.handleUnauthorized` and retries the request once, through the same instance, with the
 * token it gives back. A second 401 reaches the caller as axios' usual error; a request whose
 * body is a stream is not retried. When no token can be had, the request is not sent and the
 * call rejects with the session's typed error itself (`SessionExpiredError`, `SignedOutError`,
 * retryable `RefreshFailedError` / `OfflineError`), not an `AxiosError`.
 *
 * The session's refresh must not go through this instance: use `oauth2Refresh` (its own
 * fetch) or a separate axios instance, or a rejected token would try to refresh through itself.
 * A request that already has its own `Authorization` header keeps it and is left alone; a config
 * this adapter authorized that another library sends again (axios-retry) gets the live token.
 * @returns detach: removes both interceptors.
 * @example
 * import axios from 'axios';
 * import { createSession, oauth2Refresh } from 'tokenkeeper';
 * import { attachAxios } from 'tokenkeeper/axios';
 *
 * const session = createSession({
 *   refresh: oauth2Refresh({ tokenEndpoint: 'https://auth.example.com/oauth/token' }),
 * });
 * const api = axios.create({ baseURL: 'https://api.example.com' });
 * const detach = attachAxios(session, api, { origins: ['https://api.example.com'] });
 * const { data } = await api.get('/me'); // Authorization: Bearer <live token>
 */
export function attachAxios(
  session: Session,
  instance: AxiosInstance,
  options: AttachAxiosOptions = {},
): () => void {
  const allowed = new Set(options.origins ?? []);
  const page = pageLocation()?.origin;
  if (page && page !== 'null') allowed.add(page);
  let pinned = allowed.size > 0 || options.shouldAuthorize !== undefined;

  const originOf = originFinder();

  function authorize(config: InternalAxiosRequestConfig): boolean {
    if (options.shouldAuthorize) {
      let url: URL;
      try {
        url = new URL(instance.getUri(config), pageLocation()?.href);
      } catch {
        return false; // a relative URL outside a browser: no origin to trust, so no token
      }
      return options.shouldAuthorize(url, config);
    }
    // The config is already merged with the instance defaults: the origin follows from the URL
    // when it is absolute, else from baseURL. (getUri would re-merge and serialise the params
    // on every request: most of this adapter's cost, measured.)
    const target =
      config.url && ABSOLUTE.test(config.url) ? config.url : (config.baseURL ?? config.url ?? '');
    const origin = originOf(target);
    if (origin === undefined) return false;
    if (!pinned) {
      allowed.add(origin);
      pinned = true;
    }
    return allowed.has(origin);
  }

  /** The adapters that wait for a due refresh, each with the adapter it sends through. */
  const waitingFor = new WeakMap<object, AxiosAdapter>();
  const dpop = dpopAccessOf(session);

  function attach(config: Marked, token: string): void {
    const value = `Bearer ${token}`;
    if (config[ATTEMPT] === 'sent') config.headers.set('Authorization', value);
    // A first attempt has no Authorization header in any spelling (checked above), and
    // AxiosHeaders keeps each header as an own property: a plain write is the same as set()
    // without its second normalisation of name and value (measured: about 1 µs per request).
    else (config.headers as unknown as Record<string, string>).Authorization = value;
    config[ATTEMPT] = 'sent';
  }

  /**
   * Synchronous, so that axios keeps its synchronous path (an asynchronous request interceptor
   * costs every request a promise chain: measured, about half of this adapter's overhead). With
   * a valid token at hand it is attached here; when a refresh is due or running, the request
   * waits for it in front of its adapter instead, which is asynchronous anyway.
   */
  function onRequest(config: InternalAxiosRequestConfig): InternalAxiosRequestConfig {
    const marked = config as Marked;
    if (dpop) return onDpopRequest(dpop, marked);
    if (marked[ATTEMPT] === 'retry') return config; // carries the token handleUnauthorized gave
    // `sent`: another library (axios-retry...) re-sends a config this adapter already authorized;
    // it gets the live token. Otherwise an Authorization header is the caller's own choice.
    if (marked[ATTEMPT] !== 'sent') {
      if (config.headers.has('authorization') || !authorize(config)) return config;
    }
    // The read marks activity before anything else: a request made just before a sliding
    // session's idle deadline counts, even if its token needs a refresh that ends after it.
    const token = peekAccessToken(session);
    // A config sent again (axios-retry) may still carry the waiting wrapper of its first send.
    const current = config.adapter;
    const unwrapped = typeof current === 'function' ? waitingFor.get(current) : undefined;
    if (token !== undefined) {
      if (unwrapped) config.adapter = unwrapped;
      attach(marked, token);
      return config;
    }
    const send = unwrapped ?? getAdapter(current ?? instance.defaults.adapter, config);
    const wait: AxiosAdapter = async (ready) => {
      const waiting = ready as Marked;
      if (waiting[ATTEMPT] !== 'retry') attach(waiting, await backgroundAccessToken(session));
      return send(ready);
    };
    waitingFor.set(wait, send);
    config.adapter = wait;
    return config;
  }

  /**
   * DPoP sessions: every send needs a fresh proof for its method and URL, so the request always
   * waits in front of its adapter, where the proof is made; a nonce challenge (401
   * `use_dpop_nonce` with a new `DPoP-Nonce`) is answered there with one retry carrying it.
   */
  function onDpopRequest(access: DpopAccess, config: Marked): InternalAxiosRequestConfig {
    if (config[ATTEMPT] === undefined) {
      if (config.headers.has('authorization') || !authorize(config)) return config;
    }
    const current = config.adapter;
    const unwrapped = typeof current === 'function' ? waitingFor.get(current) : undefined;
    const send = unwrapped ?? getAdapter(current ?? instance.defaults.adapter, config);
    const wait: AxiosAdapter = async (ready) => {
      const marked = ready as Marked;
      const token =
        marked[ATTEMPT] === 'retry' && marked[TOKEN] !== undefined
          ? marked[TOKEN]
          : await session.getAccessToken();
      marked[TOKEN] = token;
      const method = (marked.method ?? 'get').toUpperCase();
      const url = instance.getUri(marked);
      /** Sends once; a nonce challenge resolves to the error it was (to retry or rethrow). */
      const attempt = async (): Promise<{ response: AxiosResponse } | { challenge: unknown }> => {
        const headers = await access.authorize(method, url, token);
        for (const [name, value] of Object.entries(headers)) marked.headers.set(name, value);
        try {
          const response = await send(marked);
          access.observe(url, readHeaders(response.headers));
          return { response };
        } catch (error) {
          const response = isAxiosError(error) ? error.response : undefined;
          const fresh = response ? access.observe(url, readHeaders(response.headers)) : false;
          if (
            fresh &&
            response &&
            isNonceChallenge(response.status, readHeaders(response.headers))
          ) {
            return { challenge: error };
          }
          throw error;
        }
      };
      marked[ATTEMPT] ??= 'sent';
      const first = await attempt();
      if ('response' in first) return first.response;
      if (!replayableData(marked.data)) throw first.challenge; // cannot replay: fails as it is
      const second = await attempt();
      if ('response' in second) return second.response;
      throw second.challenge;
    };
    waitingFor.set(wait, send);
    config.adapter = wait;
    return config;
  }

  /** Retries a first attempt refused with 401 once, or gives the caller what it would have had. */
  async function recover<T>(
    config: Marked | undefined,
    giveUp: () => T,
  ): Promise<AxiosResponse | T> {
    const used = attachedToken(config);
    if (!config || used === undefined) return giveUp();
    if (!replayableData(config.data)) {
      // Not retried, but the session still learns that this token was refused.
      session.handleUnauthorized(used).catch(() => undefined); // its outcome reaches subscribers as events
      return giveUp();
    }
    const fresh = await session.handleUnauthorized(used);
    const retry: Marked = { ...config, headers: new AxiosHeaders(config.headers) };
    // A DPoP retry gets its header and proof in front of its adapter, for this token.
    if (dpop) retry[TOKEN] = fresh;
    else retry.headers.set('Authorization', `Bearer ${fresh}`);
    retry[ATTEMPT] = 'retry';
    return instance.request(retry);
  }

  const requestId = instance.interceptors.request.use(onRequest, undefined, { synchronous: true });
  const responseId = instance.interceptors.response.use(
    // A `validateStatus` that accepts 401 brings it here rather than to the error handler.
    (response) => (response.status === 401 ? recover(response.config, () => response) : response),
    (error: unknown) => {
      if (!isAxiosError(error) || error.response?.status !== 401) throw error;
      return recover(error.config, () => {
        throw error;
      });
    },
  );
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
