/**
 * The page's calls to the resource API: REST through `createFetch`, GraphQL through urql with
 * `tokenkeeperExchange`. Both carry the session's live token and retry once after a 401; each
 * call reports its attempts so the page can show what the adapters did.
 */
import { Client, fetchExchange } from '@urql/core';
import type { Session } from 'tokenkeeper';
import { createFetch } from 'tokenkeeper/fetch';
import { tokenkeeperExchange } from 'tokenkeeper/urql';
import { type Attempt, REQUEST_ID_HEADER, type SimulatedNetwork } from '../platform/network.js';
import type { Timeline } from '../timeline/timeline.js';

export interface CallResult {
  /** `GET /api/me`, `GraphQL item(3)` */
  readonly label: string;
  readonly ok: boolean;
  /** The final HTTP status, when a response came back. */
  readonly status: number | undefined;
  readonly attempts: readonly Attempt[];
  readonly data: unknown;
  /** Why it failed: a tokenkeeper error (`SessionExpiredError`, `OfflineError`...), a TypeError. */
  readonly error: unknown;
}

export interface DemoApi {
  rest(path: string, init?: RequestInit): Promise<CallResult>;
  graphql(
    label: string,
    query: string,
    variables?: Record<string, unknown>,
    kind?: 'query' | 'mutation',
  ): Promise<CallResult>;
}

export const ME_QUERY = 'query Me { me { sub clientType } items { id title likes } }';
export const WHO_QUERY = 'query Who { me { sub clientType } }';
export const ITEMS_QUERY = 'query Items { items { id title likes } }';
export const ITEM_QUERY = 'query Item($id: ID!) { item(id: $id) { id title likes } }';
export const LIKE_MUTATION = 'mutation Like($id: ID!) { like(id: $id) { id title likes } }';

let lastId = 0;
const nextRequestId = () => `r${++lastId}`;

const finalStatus = (attempts: readonly Attempt[]): number | undefined => {
  const last = attempts[attempts.length - 1]?.status;
  return typeof last === 'number' ? last : undefined;
};

export function createDemoApi(
  session: Session,
  network: SimulatedNetwork,
  timeline: Timeline,
): DemoApi {
  const authFetch = createFetch(session, { fetch: network.fetch });
  const client = new Client({
    url: '/graphql',
    fetch: network.fetch,
    preferGetMethod: false, // the demo API answers GraphQL over POST
    requestPolicy: 'network-only',
    exchanges: [tokenkeeperExchange(session), fetchExchange],
  });

  /** Tells the timeline when an adapter answered a 401 with a refresh and a retry. */
  function report(label: string, attempts: readonly Attempt[]): void {
    const first = attempts[0];
    const last = attempts[attempts.length - 1];
    if (attempts.length < 2 || first?.status !== 401 || !last) return;
    timeline.add({
      kind: 'http:retried',
      tone: 'good',
      title: 'Request retried after a 401',
      detail: `${label}: 401 with ${first.fingerprint} → retried with ${last.fingerprint} → ${last.status}`,
    });
  }

  return {
    async rest(path, init) {
      const id = nextRequestId();
      const label = `${init?.method ?? 'GET'} ${path}`;
      const headers = new Headers(init?.headers);
      headers.set(REQUEST_ID_HEADER, id);
      try {
        const response = await authFetch(path, { ...init, headers });
        const text = await response.text();
        const attempts = network.takeAttempts(id);
        report(label, attempts);
        let data: unknown = text;
        try {
          data = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        return {
          label,
          ok: response.ok,
          status: response.status,
          attempts,
          data,
          error: undefined,
        };
      } catch (error) {
        const attempts = network.takeAttempts(id);
        return {
          label,
          ok: false,
          status: finalStatus(attempts),
          attempts,
          data: undefined,
          error,
        };
      }
    },
    async graphql(label, query, variables = {}, kind = 'query') {
      const id = nextRequestId();
      const context = { fetchOptions: { headers: { [REQUEST_ID_HEADER]: id } } };
      const result =
        kind === 'mutation'
          ? await client.mutation(query, variables, context).toPromise()
          : await client.query(query, variables, context).toPromise();
      const attempts = network.takeAttempts(id);
      report(label, attempts);
      const error = result.error?.networkError ?? result.error;
      return {
        label,
        ok: result.error === undefined && result.data !== undefined,
        status: finalStatus(attempts),
        attempts,
        data: result.data,
        error,
      };
    },
  };
}
