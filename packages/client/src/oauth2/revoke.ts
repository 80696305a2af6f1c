/**
 * RFC 7009 token revocation, with the same client authentication as the refresh.
 */
import { RevokeFailedError } from '../errors.js';
import type { RevokeFunction } from '../session/types.js';
import { formBody, type OAuth2ClientOptions, resolveClientAuth } from './client-auth.js';
import { sendWithProof } from './dpop-retry.js';
import { endpointOf } from './endpoint.js';
import { oauthErrorOf } from './grant-errors.js';

export interface OAuth2RevokeOptions extends OAuth2ClientOptions {
  /** The RFC 7009 revocation endpoint, e.g. `https://auth.example.com/oauth/revoke`. */
  revocationEndpoint: string | URL;
}

const NAME = 'oauth2Revoke';

/**
 * A session `revoke` option for an RFC 7009 revocation endpoint: revokes the refresh token (the
 * whole family, on servers that rotate), or the access token when there is no refresh token.
 * @see https://www.rfc-editor.org/rfc/rfc7009
 * @example
 * createSession({ refresh, revoke: oauth2Revoke({ revocationEndpoint: '/oauth/revoke' }) })
 */
export function oauth2Revoke(options: OAuth2RevokeOptions): RevokeFunction {
  const url = endpointOf(options.revocationEndpoint, `${NAME}: revocationEndpoint`);
  const auth = resolveClientAuth(options, NAME);
  return async ({ refreshToken, accessToken, signal, dpop }) => {
    const fields =
      refreshToken === undefined
        ? { token: accessToken, token_type_hint: 'access_token' }
        : { token: refreshToken, token_type_hint: 'refresh_token' };
    const doFetch = options.fetch ?? globalThis.fetch;
    const { response, body } = await sendWithProof(
      url,
      dpop,
      (extra) =>
        doFetch(url, {
          method: 'POST',
          headers: { ...auth.headers, ...extra },
          body: formBody(fields, auth),
          signal,
          redirect: 'error',
        }),
      { bodyErrors: 'ignore' },
    );
    // RFC 7009 §2.2: 200 even for tokens the server does not know.
    if (response.ok) return;
    const { status } = response;
    const error = oauthErrorOf(body);
    throw new RevokeFailedError(
      status >= 500 || status === 429 ? 'server' : 'rejected',
      `Revocation endpoint answered HTTP ${status}${error ? ` (${error})` : ''}`,
      { status, error },
    );
  };
}
