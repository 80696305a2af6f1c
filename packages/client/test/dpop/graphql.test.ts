/**
 * Apollo and urql with a DPoP session: each operation carries `Authorization: DPoP` and a proof
 * for the GraphQL endpoint, checked by the scripted server; a nonce challenge is answered with
 * one retry, an expired token with one refresh.
 */
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloLink } from '@apollo/client/link';
import { Client, fetchExchange } from '@urql/core';
import { createSession, memoryStorage } from 'tokenkeeper';
import { createAuthLink } from 'tokenkeeper/apollo';
import { dpopKey } from 'tokenkeeper/dpop';
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';
import { tokenkeeperExchange } from 'tokenkeeper/urql';
import { describe, expect, it } from 'vitest';
import { MINUTE } from '../harness.js';

const ORIGIN = 'https://auth.test';
const GRAPHQL = `${ORIGIN}/graphql`;
const ME = gql`query Me { me }`;

async function setup() {
  const clock = createVirtualClock();
  const endpoint = createTokenEndpoint({ clock, dpop: { nonce: true } });
  const session = createSession({
    clock,
    refresh: endpoint.refresh,
    storage: memoryStorage(),
    dpop: dpopKey(),
  });
  const proof = await session.dpopProof({
    method: 'POST',
    url: `${ORIGIN}/auth/login`,
    nonce: endpoint.nonce,
  });
  await session.signIn(await endpoint.dpopLogin(proof));
  // The GraphQL endpoint: the scripted resource's verdict, with a GraphQL body when it passes.
  const graphqlFetch: typeof fetch = async (input, init) => {
    const answer = await endpoint.fetch(input, init);
    if (answer.status !== 200) return answer;
    return new Response(JSON.stringify({ data: { me: 'user-1' } }), {
      headers: {
        'content-type': 'application/json',
        'dpop-nonce': answer.headers.get('dpop-nonce') ?? '',
      },
    });
  };
  return { clock, endpoint, session, graphqlFetch };
}

describe('GraphQL adapters with DPoP', () => {
  it('Apollo: proofs for the endpoint, one retry for a new nonce, one refresh after expiry', async () => {
    const { clock, endpoint, session, graphqlFetch } = await setup();
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: ApolloLink.from([
        createAuthLink(session, { uri: GRAPHQL }),
        new HttpLink({ uri: GRAPHQL, fetch: graphqlFetch }),
      ]),
    });
    const query = () => client.query({ query: ME, fetchPolicy: 'network-only' });
    expect((await query()).data).toEqual({ me: 'user-1' });
    endpoint.rotateNonce();
    expect((await query()).data).toEqual({ me: 'user-1' });
    clock.jump(16 * MINUTE);
    expect((await query()).data).toEqual({ me: 'user-1' });
    expect(endpoint.proofRefusals).toBe(0);
    expect(endpoint.nonceChallenges).toBeGreaterThan(0);
    session.dispose();
  });

  it('urql: proofs for the endpoint, one retry for a new nonce, one refresh after expiry', async () => {
    const { clock, endpoint, session, graphqlFetch } = await setup();
    const client = new Client({
      url: GRAPHQL,
      fetch: graphqlFetch,
      exchanges: [tokenkeeperExchange(session), fetchExchange],
    });
    const query = async () =>
      await client.query(ME, {}, { requestPolicy: 'network-only' }).toPromise();
    const first = await query();
    expect(first.error?.message ?? 'none').toBe('none');
    expect(first.data).toEqual({ me: 'user-1' });
    endpoint.rotateNonce();
    const afterNonce = await query();
    expect(afterNonce.error).toBeUndefined();
    expect(afterNonce.data).toEqual({ me: 'user-1' });
    clock.jump(16 * MINUTE);
    expect((await query()).data).toEqual({ me: 'user-1' });
    expect(endpoint.proofRefusals).toBe(0);
    session.dispose();
  });
});
