/**
 * The pairs the overhead benchmark compares, each against the same loopback server: raw fetch
 * with a hand-set bearer header vs `createFetch`, and a bare axios instance with the header as a
 * default vs `attachAxios`; plus the token read alone, `session.getAccessToken()` vs
 * `Promise.resolve(token)`. The session holds a valid one-hour token: the hot path.
 */
import { randomBytes } from 'node:crypto';
import axios, { type AxiosAdapter } from 'axios';
import { createSession, oauth2Refresh, type Session } from 'tokenkeeper';
import { attachAxios } from 'tokenkeeper/axios';
import { createFetch } from 'tokenkeeper/fetch';
import { createAxios } from './peers/axios-instance.js';

/** A token of the size tokenkeeper-server issues (an ES256 JWT of about 500 characters). */
const TOKEN = [18, 300, 64].map((bytes) => randomBytes(bytes).toString('base64url')).join('.');

export interface Pair {
  readonly name: string;
  readonly baselineName: string;
  readonly baseline: () => Promise<unknown>;
  readonly tokenkeeper: () => Promise<unknown>;
}

export interface OverheadClients {
  readonly pairs: readonly Pair[];
  readonly session: Session;
  readonly token: string;
  /**
   * What `createFetch` adds to a request, without the network: each step it takes, timed
   * alone, and the whole wrapper over a fetch that answers at once (beside that fetch alone).
   */
  readonly fetchSteps: ReadonlyArray<readonly [string, () => unknown]>;
  /**
   * The same for `attachAxios`, over an adapter that answers at once: bare axios, axios with
   * `attachAxios`, and axios with one interceptor doing one of attachAxios' steps.
   */
  readonly axiosSteps: ReadonlyArray<readonly [string, () => unknown]>;
}

/** An axios adapter that answers 200 at once: axios' own work without the network. */
const instantAdapter: AxiosAdapter = async (config) => ({
  data: null,
  status: 200,
  statusText: 'OK',
  headers: {},
  config,
  request: {},
});

function axiosSteps(session: Session, origin: string, authorization: string) {
  const url = `${origin}/api/items`;
  const bare = axios.create({ adapter: instantAdapter });
  bare.defaults.headers.common.Authorization = authorization;
  const attached = axios.create({ adapter: instantAdapter });
  attachAxios(session, attached, { origins: [origin] });
  // One of attachAxios' steps each, as its request interceptor takes them (see its authorize()).
  const resolvesUrl = axios.create({ adapter: instantAdapter });
  resolvesUrl.defaults.headers.common.Authorization = authorization;
  resolvesUrl.interceptors.request.use(async (config) => {
    new URL(resolvesUrl.getUri(config));
    return config;
  });
  // The token step as most apps write it: an asynchronous interceptor (attachAxios' is not).
  const setsToken = axios.create({ adapter: instantAdapter });
  setsToken.interceptors.request.use(async (config) => {
    if (config.headers.has('authorization')) return config;
    const token = await session.getAccessToken();
    config.headers.set('Authorization', `Bearer ${token}`);
    return config;
  });
  // What any response interceptor costs (attachAxios' answers 401s).
  const responds = axios.create({ adapter: instantAdapter });
  responds.defaults.headers.common.Authorization = authorization;
  responds.interceptors.response.use(
    (response) => response,
    (error: unknown) => Promise.reject(error),
  );
  const steps: Array<readonly [string, () => unknown]> = [
    ['bare axios over instant adapter', () => bare.get(url)],
    ['attachAxios over instant adapter', () => attached.get(url)],
    [
      'bare axios + an interceptor doing only new URL(instance.getUri(config))',
      () => resolvesUrl.get(url),
    ],
    [
      'bare axios + an async interceptor doing only has, getAccessToken, set',
      () => setsToken.get(url),
    ],
    ['bare axios + an empty response interceptor', () => responds.get(url)],
  ];
  return steps;
}

export async function overheadClients(origin: string): Promise<OverheadClients> {
  const session = createSession({
    refresh: oauth2Refresh({ tokenEndpoint: `${origin}/oauth/token` }),
  });
  await session.signIn({
    access_token: TOKEN,
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: 'unused',
  });
  const url = `${origin}/api/items`;
  const authorization = `Bearer ${TOKEN}`;

  const tkFetch = createFetch(session, { origins: [origin] });
  const bareAxios = createAxios(undefined);
  bareAxios.defaults.headers.common.Authorization = authorization;
  const tkAxios = createAxios(undefined);
  attachAxios(session, tkAxios, { origins: [origin] });

  const canned = new Response(null, { status: 200 });
  const instant = (async () => canned) as unknown as typeof fetch;
  const tkInstant = createFetch(session, { origins: [origin], fetch: instant });
  const fetchSteps: Array<readonly [string, () => unknown]> = [
    ['instant fetch alone', () => instant(url, { headers: { authorization } })],
    ['createFetch over instant fetch', () => tkInstant(url)],
    ['session.getAccessToken()', () => session.getAccessToken()],
    ['new URL(url)', () => new URL(url)],
    [
      'new Headers() + has + set',
      () => {
        const headers = new Headers(undefined);
        headers.has('authorization');
        headers.set('authorization', authorization);
        return headers;
      },
    ],
  ];

  return {
    session,
    token: TOKEN,
    fetchSteps,
    axiosSteps: axiosSteps(session, origin, authorization),
    pairs: [
      {
        name: 'createFetch',
        baselineName: 'raw fetch',
        baseline: async () => {
          const response = await fetch(url, { headers: { authorization } });
          await response.arrayBuffer();
        },
        tokenkeeper: async () => {
          const response = await tkFetch(url);
          await response.arrayBuffer();
        },
      },
      {
        name: 'attachAxios',
        baselineName: 'bare axios',
        baseline: () => bareAxios.get(url),
        tokenkeeper: () => tkAxios.get(url),
      },
    ],
  };
}
