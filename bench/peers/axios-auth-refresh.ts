/**
 * axios-auth-refresh 5 as its README recommends: `createAuthRefresh(instance, refreshAuthLogic)`
 * with the default options (`statusCodes: [401]`, `deduplicateRefresh: true`: one refresh at a
 * time while the instance is paused, `maxRetries: 3`); a request interceptor that reads the
 * token at send time, so stalled and retried requests pick up the new one; the refresh call on a
 * separate axios instance (the README uses the global `axios.post`), storing the new tokens and
 * setting the failed request's header.
 */
import { isAxiosError } from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import { createAxios } from './axios-instance.js';
import {
  type Contender,
  type ContenderSetup,
  FORM,
  type IssuedTokens,
  refreshForm,
} from './contender.js';

export async function axiosAuthRefresh(setup: ContenderSetup): Promise<Contender> {
  let tokens: IssuedTokens = setup.tokens;
  const getAccessToken = () => tokens.access_token;
  const api = createAxios(setup.fetch);
  const refreshClient = createAxios(setup.fetch);

  api.interceptors.request.use((request) => {
    request.headers.set('Authorization', `Bearer ${getAccessToken()}`);
    return request;
  });

  const refreshAuthLogic = async (failedRequest: {
    response: { config: { headers: Record<string, string> } };
  }) => {
    const response = await refreshClient.post<IssuedTokens>(
      setup.tokenEndpoint,
      refreshForm(tokens.refresh_token),
      { headers: { 'content-type': FORM } },
    );
    tokens = response.data;
    failedRequest.response.config.headers.Authorization = `Bearer ${tokens.access_token}`;
  };
  // Its .d.ts resolves axios' CommonJS types, ours the ESM ones: the same class at run time.
  createAuthRefresh(api as unknown as Parameters<typeof createAuthRefresh>[0], refreshAuthLogic);

  return {
    async get(url) {
      try {
        return (await api.get(url)).status;
      } catch (error) {
        return isAxiosError(error) ? (error.response?.status ?? 0) : 0;
      }
    },
    dispose() {},
  };
}
