/**
 * tokenkeeper with its axios adapter: the same session as the fetch contender, and
 * `attachAxios` on a fresh axios instance limited to the API origin.
 */
import { isAxiosError } from 'axios';
import { attachAxios } from 'tokenkeeper/axios';
import { createAxios } from './axios-instance.js';
import type { Contender, ContenderSetup } from './contender.js';
import { signedInSession } from './tokenkeeper-fetch.js';

export async function tokenkeeperAxios(setup: ContenderSetup): Promise<Contender> {
  const session = await signedInSession(setup);
  const api = createAxios(setup.fetch);
  attachAxios(session, api, { origins: [setup.apiOrigin] });
  return {
    async get(url) {
      try {
        return (await api.get(url)).status;
      } catch (error) {
        return isAxiosError(error) ? (error.response?.status ?? 0) : 0;
      }
    },
    dispose: () => session.dispose(),
  };
}
