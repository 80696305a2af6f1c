/**
 * Cookie mode: the refresh token lives in an HttpOnly cookie that the token server sets, out of
 * reach of any script in the page (an XSS can use the session while it runs, but cannot carry
 * the refresh token away). The page's session holds at most the access token.
 */
import { isTokenkeeperError, RevokeFailedError } from '../errors.js';
import type { RefreshFunction, RevokeFunction, Session } from '../session/types.js';
import type { TokenInput } from '../tokens/types.js';
import { formBody, type OAuth2ClientOptions, resolveClientAuth } from './client-auth.js';
import { endpointOf } from './endpoint.js';
import { oauthErrorOf } from './grant-errors.js';
import { processTokenAnswer, readJson } from './response.js';

export interface CookieRefreshOptions
  extends Omit<OAuth2ClientOptions, 'clientSecret' | 'clientAuth'> {
  /** The token endpoint; the browser sends the refresh cookie with the request. */
  tokenEndpoint: string | URL;
  /**
   * The header a cookie-authenticated request must carry against CSRF (a plain form post
   * cannot set one). @default { 'x-tokenkeeper': '1' }
   */
  csrfHeader?: Readonly<Record<string, string>>;
}

export interface CookieLogoutOptions extends Omit<CookieRefreshOptions, 'tokenEndpoint'> {
  /** The route that ends the server session and clears the cookie (e.g. `/auth/logout`). */
  logoutEndpoint: string | URL;
}

const DEFAULT_CSRF = { 'x-tokenkeeper': '1' } as const;

function cookieInit(
  options: CookieRefreshOptions | CookieLogoutOptions,
  body: string,
  signal: AbortSignal | undefined,
  headers: Record<string, string>,
): RequestInit {
  return {
    method: 'POST',
    headers: { ...headers, ...(options.csrfHeader ?? DEFAULT_CSRF) },
    body,
    signal,
    credentials: 'include',
    redirect: 'error',
  };
}

/**
 * A session `refresh` option for cookie mode: `grant_type=refresh_token` without a refresh
 * token, sent with the browser's cookies (`credentials: 'include'`) and the CSRF header; the
 * server rotates the cookie and answers a token response without `refresh_token`.
 * @example
 * const refresh = cookieRefresh({ tokenEndpoint: '/oauth/token', clientId: 'web' });
 * const session = createSession({ refresh, revoke: cookieLogout({ logoutEndpoint: '/auth/logout' }) });
 * await resumeFromCookie(session, refresh); // after a reload: one refresh, or signed out
 */
export function cookieRefresh(options: CookieRefreshOptions): RefreshFunction {
  const url = endpointOf(options.tokenEndpoint, 'cookieRefresh: tokenEndpoint');
  const auth = resolveClientAuth(options, 'cookieRefresh');
  const doFetch = () => options.fetch ?? globalThis.fetch;
  return async ({ signal, dpop }) => {
    const body = formBody({ grant_type: 'refresh_token' }, auth);
    const extra: Record<string, string> = dpop ? { dpop: await dpop.proof('POST', url) } : {};
    const response = await doFetch()(
      url,
      cookieInit(options, body, signal, { ...auth.headers, ...extra }),
    );
    dpop?.observe(url, response.headers);
    return processTokenAnswer(response, await readJson(response), options);
  };
}

/**
 * A session `revoke` option for cookie mode: `signOut()` (and this device's idle timeout) posts
 * to the logout route, which revokes the session and clears the cookie.
 */
export function cookieLogout(options: CookieLogoutOptions): RevokeFunction {
  const url = endpointOf(options.logoutEndpoint, 'cookieLogout: logoutEndpoint');
  const auth = resolveClientAuth(options, 'cookieLogout');
  return async ({ signal }) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const response = await doFetch(
      url,
      cookieInit(options, formBody({}, auth), signal, auth.headers),
    );
    if (response.ok) {
      await response.body?.cancel();
      return;
    }
    const { status } = response;
    const error = oauthErrorOf(await readJson(response).catch(() => undefined));
    throw new RevokeFailedError(
      status >= 500 ? 'server' : 'rejected',
      `Logout answered HTTP ${status}`,
      {
        status,
        error,
      },
    );
  };
}

/**
 * Starts a cookie-mode session after a reload, when nothing (or an access token that is gone)
 * was stored: one refresh with the cookie. Resolves true when signed in, false when the server
 * has no session for this browser (the user signs in); rejects with a retryable error (offline,
 * server down) so the app can try again.
 */
export async function resumeFromCookie(
  session: Session,
  refresh: RefreshFunction,
): Promise<boolean> {
  await session.ready();
  const status = session.getSnapshot().status;
  if (status === 'active') return true;
  let tokens: TokenInput;
  try {
    tokens = await refresh({
      refreshToken: undefined,
      accessToken: '',
      signal: new AbortController().signal,
      reason: 'resume',
    });
  } catch (error) {
    if (isTokenkeeperError(error, 'ERR_REFRESH_REJECTED')) return false;
    throw error;
  }
  await session.signIn(tokens);
  return true;
}
