import {
  Client,
  cacheExchange,
  type Exchange,
  fetchExchange,
  gql,
  makeOperation,
  type Operation,
} from '@urql/core';
import { isSessionExpiredError, type Session, SessionExpiredError } from 'tokenkeeper';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { filter, makeSubject, merge, pipe } from 'wonka';
import { tokenkeeperExchange } from '../../src/transports/urql.js';
import { MINUTE } from '../harness.js';
import {
  type ApiServer,
  type GraphQLAuthFailure,
  OPERATIONS,
  startApiServer,
} from './http-adapters/api-server.js';
import { authorizations, createRig } from './http-adapters/rig.js';

const ME = gql(OPERATIONS.me);
const ITEM = gql(OPERATIONS.item);
const LIKE = gql(OPERATIONS.like);
const SECRET = gql(OPERATIONS.secret);
const HTTP_FORBIDDEN = gql(OPERATIONS.httpForbidden);

let server: ApiServer;

beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function urqlClient(session: Session): Client {
  return new Client({
    url: `${server.url}/graphql`,
    exchanges: [cacheExchange, tokenkeeperExchange(session), fetchExchange],
  });
}

function setup(options: { idleTimeout?: number } = {}, refreshLatency = 0) {
  const rig = createRig(server, options, { latency: refreshLatency });
  const client = urqlClient(rig.session);
  const query = (document: typeof ME, variables: Record<string, unknown> = {}) =>
    client.query(document, variables, { requestPolicy: 'network-only' }).toPromise();
  const item = (id: number) => query(ITEM, { id });
  const like = (id: number) => client.mutation(LIKE, { id }).toPromise();
  return { ...rig, client, query, item, like };
}

describe('tokenkeeperExchange with a real urql Client and fetchExchange', () => {
  it('attaches the live token and marks activity', async () => {
    const { clock, session, query, signIn } = setup({ idleTimeout: 15 * MINUTE });
    const token = await signIn();
    await clock.advance(5 * MINUTE);
    const result = await query(ME);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ me: 'ada' });
    expect(authorizations(server)).toEqual([`Bearer ${token}`]);
    expect(session.getSnapshot().idleDeadline).toBe(clock.now() + 15 * MINUTE);
  });

  for (const mode of ['graphql', 'http', 'http-graphql-response'] as GraphQLAuthFailure[]) {
    it(`a refused token (${mode}): 30 queries and mutations, one refresh, each retried once with the new token`, async () => {
      const { endpoint, session, item, like, signIn } = setup();
      const old = await signIn();
      server.authFailure = mode;
      endpoint.rejectAccessTokens();
      const [items, likes] = await Promise.all([
        Promise.all(Array.from({ length: 20 }, (_, i) => item(i))),
        Promise.all(Array.from({ length: 10 }, (_, i) => like(i))),
      ]);
      expect(items.map((r) => r.error)).toEqual(Array.from({ length: 20 }, () => undefined));
      expect(items.map((r) => r.data)).toEqual(
        Array.from({ length: 20 }, (_, i) => ({
          item: { __typename: 'Item', id: i, name: `item ${i}` },
        })),
      );
      expect(likes.every((r) => r.error === undefined && typeof r.data?.like === 'number')).toBe(
        true,
      );
      expect(server.likes).toBe(10); // each mutation ran once: the refused attempt ran nothing
      expect(endpoint.refreshCount).toBe(1);
      const fresh = await session.getAccessToken();
      const seen = authorizations(server);
      expect(seen).toHaveLength(60);
      expect(seen.filter((h) => h === `Bearer ${old}`)).toHaveLength(30);
      expect(seen.filter((h) => h === `Bearer ${fresh}`)).toHaveLength(30);
      for (let i = 0; i < 20; i++) {
        const sent = server.seen.filter((s) => s.operationName === 'Item' && s.variables?.id === i);
        expect(sent.map((s) => s.authorization)).toEqual([`Bearer ${old}`, `Bearer ${fresh}`]);
      }
    });
  }

  it('gives the caller a second refusal as is: GraphQL errors, then an HTTP 401', async () => {
    const { endpoint, query, signIn } = setup();
    await signIn();
    server.isValid = () => false;
    const first = await query(ME);
    expect(first.error?.graphQLErrors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(server.seen).toHaveLength(2);
    expect(endpoint.refreshCount).toBe(1);

    server.authFailure = 'http';
    const second = await query(ME);
    expect(second.error?.response?.status).toBe(401);
    expect(server.seen).toHaveLength(4);
    expect(endpoint.refreshCount).toBe(2);
  });

  it('reports SessionExpiredError as networkError when the refresh is refused; nothing is retried or sent after', async () => {
    const { endpoint, item, like, signIn } = setup();
    await signIn();
    endpoint.rejectAccessTokens();
    endpoint.script('invalid_grant');
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => item(i)),
      ...Array.from({ length: 10 }, (_, i) => like(i)),
    ]);
    for (const r of results) {
      // urql resolves with a CombinedError whose networkError is the session's own error.
      expect(r.data).toBeUndefined();
      expect(r.error?.networkError).toBeInstanceOf(SessionExpiredError);
      expect(isSessionExpiredError(r.error?.networkError)).toBe(true);
      expect(r.error?.networkError).toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
    }
    expect(endpoint.refreshCount).toBe(1);
    expect(server.seen).toHaveLength(20);
    expect(server.likes).toBe(0);
    const after = await item(99);
    expect(after.error?.networkError).toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
    expect(server.seen).toHaveLength(20); // nothing sent without a token
  });

  it('does not retry a FORBIDDEN error or an HTTP 403', async () => {
    const { endpoint, query, signIn } = setup();
    await signIn();
    const forbidden = await query(SECRET);
    expect(forbidden.error?.graphQLErrors[0]?.extensions?.code).toBe('FORBIDDEN');
    const http403 = await query(HTTP_FORBIDDEN);
    expect(http403.error?.response?.status).toBe(403);
    expect(server.seen).toHaveLength(2);
    expect(endpoint.refreshCount).toBe(0);
  });

  it('leaves an operation that brings its own Authorization header alone', async () => {
    const { client, signIn } = setup();
    await signIn();
    const result = await client
      .query(ME, {}, { fetchOptions: { headers: { Authorization: 'Basic abc' } } })
      .toPromise();
    expect(result.error?.graphQLErrors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(authorizations(server)).toEqual(['Basic abc']);
  });

  it('keeps the fetchOptions an operation brings, given as a function', async () => {
    const { client, signIn } = setup();
    const token = await signIn();
    const result = await client
      .query(ME, {}, { fetchOptions: () => ({ headers: { 'x-trace': 'abc' } }) })
      .toPromise();
    expect(result.data).toEqual({ me: 'ada' });
    expect(authorizations(server)).toEqual([`Bearer ${token}`]);
    expect(server.seen[0]!.trace).toBe('abc');
  });

  it('sends nothing more for an operation torn down while its refresh runs', async () => {
    const { clock, endpoint, session, client, signIn } = setup({}, 1000);
    await signIn();
    endpoint.rejectAccessTokens();
    const seen: unknown[] = [];
    const subscription = client
      .query(ME, {}, { requestPolicy: 'network-only' })
      .subscribe((result) => seen.push(result));
    await vi.waitFor(() => expect(session.getSnapshot().refreshing).toBe(true));
    subscription.unsubscribe();
    await clock.advance(1000);
    expect(session.getSnapshot().refreshing).toBe(false);
    expect(endpoint.refreshCount).toBe(1);
    expect(server.seen).toHaveLength(1);
    expect(seen).toEqual([]);
  });

  it('gives the live token to an operation re-executed with its old context (as retryExchange does)', async () => {
    const { session, signIn } = setup();
    const old = await signIn();
    // Before tokenkeeperExchange, like @urql/exchange-retry: sends a 503 again once, after a
    // refresh, from the result's operation, whose context holds the header of the first attempt.
    const retryOn503: Exchange =
      ({ forward }) =>
      (operations$) => {
        const retries = makeSubject<Operation>();
        return pipe(
          forward(merge([operations$, retries.source])),
          filter((result) => {
            const { operation, error } = result;
            if (error?.response?.status !== 503 || operation.context.retried) return true;
            void session.refresh().then(() => {
              retries.next(
                makeOperation(operation.kind, operation, { ...operation.context, retried: true }),
              );
            });
            return false;
          }),
        );
      };
    const client = new Client({
      url: `${server.url}/graphql`,
      exchanges: [retryOn503, tokenkeeperExchange(session), fetchExchange],
    });
    server.unavailable = 1;
    const result = await client.query(ME, {}).toPromise();
    expect(result.data).toEqual({ me: 'ada' });
    const fresh = await session.getAccessToken();
    expect(fresh).not.toBe(old);
    expect(authorizations(server)).toEqual([`Bearer ${old}`, `Bearer ${fresh}`]);
  });
});
