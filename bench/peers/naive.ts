/**
 * The interceptor of seed 000, translated from Dio to axios line by line: on every 401 it
 * refreshes (no single flight), through the same instance, stores the new tokens, schedules
 * another refresh at half the token's lifetime, sets the new token on the failed request and
 * sends it again once. If the refresh or the retry fails it clears the session and answers
 * with a bare 401. Tokens go on requests from the stored variable.
 */
import { type AxiosResponse, type InternalAxiosRequestConfig, isAxiosError } from 'axios';
import { type Clock, systemClock } from 'tokenkeeper';
import { createAxios } from './axios-instance.js';
import {
  type Contender,
  type ContenderSetup,
  FORM,
  type IssuedTokens,
  refreshForm,
} from './contender.js';

type Retried = InternalAxiosRequestConfig & { naiveRetried?: boolean };

export async function naiveInterceptor(setup: ContenderSetup): Promise<Contender> {
  const clock: Clock = setup.clock ?? systemClock;
  const api = createAxios(setup.fetch);
  let accessToken: string | undefined = setup.tokens.access_token;
  let refreshToken: string | undefined = setup.tokens.refresh_token;
  let refreshTimer: unknown;

  function scheduleRefresh(expirySeconds: number): void {
    if (refreshTimer !== undefined) clock.clearTimeout(refreshTimer);
    // The seed's Timer calls _refreshAccessToken with nobody awaiting it: a failure goes nowhere.
    refreshTimer = clock.setTimeout(
      () => void refreshAccessToken().catch(() => undefined),
      (Math.floor(expirySeconds / 2) || 1) * 1000,
    );
  }

  function clearSession(): void {
    accessToken = undefined;
    refreshToken = undefined;
    if (refreshTimer !== undefined) clock.clearTimeout(refreshTimer);
    refreshTimer = undefined;
  }

  async function refreshAccessToken(): Promise<void> {
    const response = await api.post<IssuedTokens>(
      setup.tokenEndpoint,
      refreshForm(refreshToken ?? ''),
      { headers: { 'content-type': FORM } },
    );
    accessToken = response.data.access_token;
    refreshToken = response.data.refresh_token;
    scheduleRefresh(response.data.expires_in);
  }

  api.interceptors.request.use((config: Retried) => {
    // The retry carries the header the error handler set, as in the seed.
    if (!config.naiveRetried && accessToken && config.url !== setup.tokenEndpoint) {
      config.headers.set('Authorization', `Bearer ${accessToken}`);
    }
    return config;
  });

  api.interceptors.response.use(undefined, async (error: unknown) => {
    if (!isAxiosError(error) || error.response?.status !== 401 || !error.config) throw error;
    const options = error.config as Retried;
    if (options.naiveRetried) throw error; // retry once
    try {
      await refreshAccessToken();
      options.headers.set('Authorization', `Bearer ${accessToken}`);
      options.naiveRetried = true;
      return await api.request(options);
    } catch {
      clearSession();
      const unauthorized: AxiosResponse = {
        status: 401,
        statusText: 'Unauthorized',
        data: null,
        headers: {},
        config: options,
      };
      return unauthorized;
    }
  });

  return {
    async get(url) {
      try {
        return (await api.get(url)).status;
      } catch (error) {
        return isAxiosError(error) ? (error.response?.status ?? 0) : 0;
      }
    },
    dispose: clearSession,
  };
}
