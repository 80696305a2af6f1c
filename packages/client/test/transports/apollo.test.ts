import {
  ApolloClient,
  CombinedGraphQLErrors,
  gql,
  HttpLink,
  InMemoryCache,
  ServerError,
  type TypedDocumentNode,
} from '@apollo/client';
import { ApolloLink } from '@apollo/client/link';
import { RetryLink } from '@apollo/client/link/retry';
import { isSessionExpiredError, type Session, SessionExpiredError } from 'tokenkeeper';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthLink } from '../../src/transports/apollo.js';
import { MINUTE, outcome } from '../harness.js';
import {
  type ApiServer,
  type GraphQLAuthFailure,
  OPERATIONS,
  startApiServer,
} from './http-adapters/api-server.js';
import { authorizations, createRig } from './http-adapters/rig.js';

const ME = gql(OPERATIONS.me);
const ITEM = gql(OPERATIONS.item);
const LIKE: TypedDocumentNode<{ like: number }, { id: number }> = gql(OPERATIONS.like);
const SECRET = gql(OPERATIONS.secret);
const HTTP_FORBIDDEN = gql(OPERATIONS.httpForbidden);

let server: ApiServer;

beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

function apolloClient(session: Session): ApolloClient {
  return new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      createAuthLink(session),
      new HttpLink({ uri: `${server.url}/graphql` }),
    ]),
  });
}

function setup(options: { idleTimeout?: number } = {}, refreshLatency = 0) {
  const rig = createRig(server, options, { latency: refreshLatency });
  const client = apolloClient(rig.session);
  const item = (id: number) =>
    client.query({ query: ITEM, variables: { id }, fetchPolicy: 'no-cache' });
  const like = (id: number) => client.mutate({ mutation: LIKE, variables: { id } });
  return { ...rig, client, item, like };
}

describe('createAuthLink with a real ApolloClient and HttpLink', () => {
  it('attaches the live token and marks activity', async () => {
    const { clock, session, client, signIn } = setup({ idleTimeout: 15 * MINUTE });
    const token = await signIn();
    await clock.advance(5 * MINUTE);
    const { data } = await client.query({ query: ME, fetchPolicy: 'no-cache' });
    expect(data).toEqual({ me: 'ada' });
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
      expect(items.map((r) => r.data)).toEqual(
        Array.from({ length: 20 }, (_, i) => ({
          item: { __typename: 'Item', id: i, name: `item ${i}` },
        })),
      );
      expect(likes.every((r) => typeof r.data?.like === 'number')).toBe(true);
      expect(server.likes).toBe(10); // each mutation ran once: the refused attempt ran nothing
      expect(endpoint.refreshCount).toBe(1);
      const fresh = await session.getAccessToken();
      const seen = authorizations(server);
      expect(seen).toHaveLength(60);
      expect(seen.filter((h) => h === `Bearer ${old}`)).toHaveLength(30);
      expect(seen.filter((h) => h === `Bearer ${fresh}`)).toHaveLength(30);
      // Each operation went out exactly twice, the second time with the new token.
      for (let i = 0; i < 20; i++) {
        const sent = server.seen.filter((s) => s.operationName === 'Item' && s.variables?.id === i);
        expect(sent.map((s) => s.authorization)).toEqual([`Bearer ${old}`, `Bearer ${fresh}`]);
      }
    });
  }

  it('gives the caller a second refusal as is: GraphQL errors, then an HTTP 401', async () => {
    const { endpoint, client, signIn } = setup();
    await signIn();
    server.isValid = () => false;
    const first = await outcome(client.query({ query: ME, fetchPolicy: 'no-cache' }));
    expect(CombinedGraphQLErrors.is(first.error)).toBe(true);
    expect((first.error as CombinedGraphQLErrors).errors[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(server.seen).toHaveLength(2);
    expect(endpoint.refreshCount).toBe(1);

    server.authFailure = 'http';
    const second = await outcome(client.query({ query: ME, fetchPolicy: 'no-cache' }));
    expect(ServerError.is(second.error)).toBe(true);
    expect((second.error as ServerError).statusCode).toBe(401);
    expect(server.seen).toHaveLength(4);
    expect(endpoint.refreshCount).toBe(2);
  });

  it('fails with SessionExpiredError when the refresh is refused; nothing is retried or sent after', async () => {
    const { endpoint, item, like, signIn } = setup();
    await signIn();
    endpoint.rejectAccessTokens();
    endpoint.script('invalid_grant');
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => outcome(item(i))),
      ...Array.from({ length: 10 }, (_, i) => outcome(like(i))),
    ]);
    for (const r of results) {
      // Apollo Client 4 passes the link's error through: the session's own error.
      expect(r.error).toBeInstanceOf(SessionExpiredError);
      expect(isSessionExpiredError(r.error)).toBe(true);
      expect((r.error as SessionExpiredError).code).toBe('ERR_SESSION_EXPIRED');
    }
    expect(endpoint.refreshCount).toBe(1);
    expect(server.seen).toHaveLength(20);
    expect(server.likes).toBe(0);
    const after = await outcome(item(99));
    expect((after.error as SessionExpiredError).code).toBe('ERR_SESSION_EXPIRED');
    expect(server.seen).toHaveLength(20); // nothing sent without a token
  });

  it('does not retry a FORBIDDEN error or an HTTP 403', async () => {
    const { endpoint, client, signIn } = setup();
    await signIn();
    const forbidden = await outcome(client.query({ query: SECRET, fetchPolicy: 'no-cache' }));
    expect((forbidden.error as CombinedGraphQLErrors).errors[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const http403 = await outcome(client.query({ query: HTTP_FORBIDDEN, fetchPolicy: 'no-cache' }));
    expect((http403.error as ServerError).statusCode).toBe(403);
    expect(server.seen).toHaveLength(2);
    expect(endpoint.refreshCount).toBe(0);
  });

  it('leaves an operation that brings its own Authorization header alone', async () => {
    const { client, signIn } = setup();
    await signIn();
    const result = await outcome(
      client.query({
        query: ME,
        fetchPolicy: 'no-cache',
        context: { headers: { Authorization: 'Basic abc' } },
      }),
    );
    expect(CombinedGraphQLErrors.is(result.error)).toBe(true);
    expect(authorizations(server)).toEqual(['Basic abc']);
  });

  it('sends nothing more for an operation unsubscribed while its refresh runs', async () => {
    const { clock, endpoint, session, client, signIn } = setup({}, 1000);
    await signIn();
    endpoint.rejectAccessTokens();
    const seen: unknown[] = [];
    const subscription = client
      .watchQuery({ query: ME, fetchPolicy: 'network-only' })
      .subscribe((result) => seen.push(result));
    await vi.waitFor(() => expect(session.getSnapshot().refreshing).toBe(true));
    subscription.unsubscribe();
    await clock.advance(1000);
    expect(session.getSnapshot().refreshing).toBe(false);
    expect(endpoint.refreshCount).toBe(1);
    expect(server.seen).toHaveLength(1);
    expect(seen.filter((r) => (r as { loading?: boolean }).loading === false)).toEqual([]);
  });

  it('gives the live token to an operation that a RetryLink before it runs again', async () => {
    const { session, signIn } = setup();
    const old = await signIn();
    const retry = new RetryLink({
      delay: () => 0,
      attempts: {
        max: 2,
        retryIf: async (error) => {
          if (!ServerError.is(error) || error.statusCode !== 503) return false;
          await session.refresh();
          return true;
        },
      },
    });
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: ApolloLink.from([
        retry,
        createAuthLink(session),
        new HttpLink({ uri: `${server.url}/graphql` }),
      ]),
    });
    server.unavailable = 1;
    const { data } = await client.query({ query: ME, fetchPolicy: 'no-cache' });
    expect(data).toEqual({ me: 'ada' });
    const fresh = await session.getAccessToken();
    expect(fresh).not.toBe(old);
    expect(authorizations(server)).toEqual([`Bearer ${old}`, `Bearer ${fresh}`]);
  });
});
