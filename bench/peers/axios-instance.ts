/**
 * The axios instance every axios-based contender starts from: Node's http adapter with a
 * keep-alive agent on loopback, or axios' fetch adapter over an injected fetch (the steady-state
 * benchmark's virtual endpoint). No interceptors: each contender adds its own.
 */
import { Agent } from 'node:http';
import axios, { type AxiosInstance } from 'axios';

const keepAlive = new Agent({ keepAlive: true });

export function createAxios(fetchImpl: typeof fetch | undefined): AxiosInstance {
  if (fetchImpl) return axios.create({ adapter: 'fetch', env: { fetch: fetchImpl } });
  return axios.create({ httpAgent: keepAlive });
}
