/**
 * ky with the `hooks.afterResponse` pattern of its README: a `beforeRequest` hook sets the
 * stored token on the first attempt; on a 401 at `retryCount === 0` the `afterResponse` hook
 * refreshes (every such request refreshes: ky has no single flight) and returns
 * `ky.retry({ request: <same request with the new token>, code: 'TOKEN_REFRESHED' })`. The
 * README sets no delay, so the forced retry waits ky's default retry delay (0.3 s for the first
 * retry). Everything else is ky's default.
 */
import ky, { HTTPError } from 'ky';
import {
  type Contender,
  type ContenderSetup,
  type IssuedTokens,
  refreshForm,
} from './contender.js';

export async function kyAfterResponse(setup: ContenderSetup): Promise<Contender> {
  let tokens: IssuedTokens = setup.tokens;
  const transport = setup.fetch ? { fetch: setup.fetch } : {};
  const api = ky.create({
    ...transport,
    hooks: {
      beforeRequest: [
        (request, _options, { retryCount }) => {
          if (retryCount === 0)
            request.headers.set('Authorization', `Bearer ${tokens.access_token}`);
        },
      ],
      afterResponse: [
        async (request, _options, response, state) => {
          if (response.status === 401 && state.retryCount === 0) {
            tokens = await ky
              .post(setup.tokenEndpoint, { ...transport, body: refreshForm(tokens.refresh_token) })
              .json<IssuedTokens>();
            const headers = new Headers(request.headers);
            headers.set('Authorization', `Bearer ${tokens.access_token}`);
            return ky.retry({
              request: new Request(request, { headers }),
              code: 'TOKEN_REFRESHED',
            });
          }
          return undefined;
        },
      ],
    },
  });
  return {
    async get(url) {
      try {
        const response = await api.get(url);
        await response.arrayBuffer();
        return response.status;
      } catch (error) {
        return error instanceof HTTPError ? error.response.status : 0;
      }
    },
    dispose() {},
  };
}
