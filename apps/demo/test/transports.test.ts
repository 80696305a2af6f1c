import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloLink } from '@apollo/client/link';
import { fetchExchange, Client as UrqlClient } from '@urql/core';
import axios from 'axios';
import { oauth2Revoke, type Session, SessionExpiredError } from 'tokenkeeper';
import { createAuthLink } from 'tokenkeeper/apollo';
import { attachAxios } from 'tokenkeeper/axios';
import { createFetch } from 'tokenkeeper/fetch';
import { tokenkeeperExchange } from 'tokenkeeper/urql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLiveSockets } from './sockets.js';
import { type Stack, startStack } from './stack.js';

const SECOND = 1000;
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 10 });

/** One operation per HTTP adapter, each resolving to 'ok' or throwing what its client threw. */
function httpClients(session: Session, apiUrl: string): ((i: number) => Promise<string>)[] {
  const api = createFetch(session, { origins: [apiUrl] });
  const instance = axios.create({ baseURL: apiUrl });
  attachAxios(session, instance, { origins: [apiUrl] });
  const apollo = new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([createAuthLink(session), new HttpLink({ uri: `${apiUrl}/graphql` })]),
  });
  const urql = new UrqlClient({
    url: `${apiUrl}/graphql`,
    preferGetMethod: false,
    exchanges: [tokenkeeperExchange(session), fetchExchange],
  });
  const item = gql`query Item($id: ID!) { item(id: $id) { id } }`;
  const ok = async (response: Response) => {
    const body = (await response.json()) as { errors?: unknown };
    if (response.status !== 200 || body.errors) throw new Error(`HTTP ${response.status}`);
    return 'ok';
  };
  return [
    async (i) => ok(await api(`${apiUrl}/api/items/${i}`)),
    async () =>
      ok(
        await api(`${apiUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ me { sub } items { id } }' }),
        }),
      ),
    async (i) => ((await instance.get(`/api/items/${i}`)).status === 200 ? 'ok' : 'failed'),
    async (i) => {
      const { data } = await apollo.query({
        query: item,
        variables: { id: String((i % 3) + 1) + '-' + i },
        fetchPolicy: 'network-only',
      });
      return data ? 'ok' : 'failed';
    },
    async (i) => {
      const { error } = await urql
        .query(item, { id: `${(i % 3) + 1}-${i}` }, { requestPolicy: 'network-only' })
        .toPromise();
      if (error) throw error;
      return 'ok';
    },
  ];
}

/** The latest accepted authentication per socket transport, as the server saw it. */
function latestSocketAuth(s: Stack) {
  const latest: Record<string, string> = {};
  for (const record of s.api.authLog.records) {
    if (record.accepted && record.transport !== 'http' && record.transport !== 'graphql') {
      latest[record.transport] = record.fingerprint;
    }
  }
  return latest;
}

/** Every socket transport's latest accepted authentication used the session's current token. */
async function onCurrentToken(s: Stack, session: Session) {
  await waitFor(() => {
    const current = session.getSnapshot().fingerprint;
    expect(latestSocketAuth(s)).toEqual({
      'graphql-ws': current,
      ws: current,
      'socket.io': current,
    });
  });
}

async function connected(s: Stack, live: ReturnType<typeof openLiveSockets>) {
  await waitFor(() => {
    expect(s.api.counts()).toEqual({ graphqlWs: 1, ws: 1, socketIo: 1 });
    expect(live.wsEvents.some((e) => e.type === 'message')).toBe(true); // the raw socket said ready
    expect(live.socketIoConnected()).toBe(true);
  });
}

/**
 * Publishes ticks until every stream has received the same one, and returns its number. A tick
 * published while a stream re-subscribes after a reconnect is missed (documented behaviour), so
 * one tick is not enough; a stream that never resumes still fails after the attempts run out.
 */
async function everyoneGets(s: Stack, live: ReturnType<typeof openLiveSockets>) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { seq } = s.api.tick();
    const all = () =>
      live.seen.graphqlWs.includes(seq) &&
      live.seen.ws.includes(seq) &&
      live.seen.socketIo.includes(seq);
    try {
      await vi.waitFor(() => expect(all()).toBe(true), { timeout: 500, interval: 10 });
      return seq;
    } catch {
      // not every stream had re-subscribed yet: publish the next tick
    }
  }
  throw new Error(`streams stopped delivering: ${JSON.stringify(live.seen)}`);
}

describe('one live token for REST, GraphQL and WebSocket (issue 4)', () => {
  it('parity: the token expires, 20 concurrent mixed operations and live subscriptions: one refresh, no failure', async () => {
    stack = await startStack();
    const session = stack.session();
    await session.signIn(await stack.login());
    const live = openLiveSockets(session, stack.wsUrl, stack.clock);
    await connected(stack, live);
    await everyoneGets(stack, live);

    const clients = httpClients(session, stack.apiUrl);
    stack.clock.jump(61 * SECOND); // the device slept: the token expired, no timer has fired yet
    // Twenty at once, four through each HTTP adapter: fetch REST, fetch GraphQL, axios REST,
    // Apollo queries and urql queries (distinct variables, so neither client merges them).
    const operations = Array.from({ length: 20 }, (_, i) => clients[i % 5]!(i));
    await stack.clock.advance(0); // overdue timers fire now: the server closes the expired sockets
    const results = await Promise.all(operations);
    expect(results).toEqual(Array.from({ length: 20 }, () => 'ok'));
    await connected(stack, live);
    const fresh = session.getSnapshot().fingerprint!;
    await waitFor(() =>
      expect(latestSocketAuth(stack!)).toEqual({
        'graphql-ws': fresh,
        ws: fresh,
        'socket.io': fresh,
      }),
    );
    await everyoneGets(stack, live);
    expect(await stack.audit('rotate')).toHaveLength(1);
    expect(
      stack.api.authLog.records
        .filter((r) => r.transport === 'http' || r.transport === 'graphql')
        .every((r) => r.accepted),
    ).toBe(true);
    expect(live.graphqlErrors).toEqual([]);
    await live.close();
  });

  it('stale-token regression (seed 003), proactive: after the refresh every socket carries the new token', async () => {
    stack = await startStack();
    const session = stack.session();
    await session.signIn(await stack.login());
    const live = openLiveSockets(session, stack.wsUrl, stack.clock);
    await connected(stack, live);
    const first = session.getSnapshot().fingerprint!;
    expect(latestSocketAuth(stack)).toEqual({ 'graphql-ws': first, ws: first, 'socket.io': first });
    // Live sockets hold the session: the refresh runs ahead of expiry (60 s token, 5 s lead).
    await stack.clock.advance(55 * SECOND);
    await waitFor(() => expect(session.getSnapshot().fingerprint).not.toBe(first));
    await onCurrentToken(stack, session);
    expect(live.wsEvents.some((e) => e.type === 'reauthenticated')).toBe(true); // in-band, no reconnect
    // Past the first token's expiry nothing is closed for expiry: every socket moved on.
    await stack.clock.advance(10 * SECOND);
    await connected(stack, live);
    await everyoneGets(stack, live);
    expect(live.wsEvents.filter((e) => e.type === 'close' && e.code === 4440)).toHaveLength(0);
    expect(await stack.audit('rotate')).toHaveLength(1);
    await live.close();
  });

  it('stale-token regression (seed 003), reactive: a REST 401 refreshes, and the sockets follow', async () => {
    stack = await startStack();
    const skewed = await stack.resourceApi(45 * SECOND); // a REST backend whose clock runs 45 s fast
    const session = stack.session();
    await session.signIn(await stack.login());
    const live = openLiveSockets(session, stack.wsUrl, stack.clock);
    await connected(stack, live);
    const first = session.getSnapshot().fingerprint!;
    await stack.clock.advance(20 * SECOND); // the skewed backend now thinks the token expired
    const api = createFetch(session, { origins: [skewed.url] });
    const response = await api(`${skewed.url}/api/me`);
    expect(response.status).toBe(200); // after one 401, one refresh and one retry
    expect(skewed.api.authLog.records.map((r) => r.accepted)).toEqual([false, true]);
    const second = session.getSnapshot().fingerprint!;
    expect(second).not.toBe(first);
    await waitFor(() =>
      expect(latestSocketAuth(stack!)).toEqual({
        'graphql-ws': second,
        ws: second,
        'socket.io': second,
      }),
    );
    await everyoneGets(stack, live);
    expect(await stack.audit('rotate')).toHaveLength(1);
    await live.close();
  });

  it('a subscription started before a refresh keeps delivering after the reconnect', async () => {
    stack = await startStack();
    const session = stack.session();
    await session.signIn(await stack.login());
    const live = openLiveSockets(session, stack.wsUrl, stack.clock);
    await connected(stack, live);
    const before = await everyoneGets(stack, live);
    for (let round = 0; round < 3; round++) {
      const previous = session.getSnapshot().fingerprint;
      await stack.clock.advance(56 * SECOND); // a proactive refresh each round
      await waitFor(() => expect(session.getSnapshot().fingerprint).not.toBe(previous));
      await onCurrentToken(stack, session);
      await everyoneGets(stack, live);
    }
    const after = await everyoneGets(stack, live);
    for (const seqs of Object.values(live.seen)) {
      expect(seqs[0]).toBe(before);
      expect(seqs.at(-1)).toBe(after);
      expect(new Set(seqs).size).toBe(seqs.length); // never delivered twice
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs); // in order
    }
    expect(await stack.audit('rotate')).toHaveLength(3);
    expect(live.graphqlErrors).toEqual([]);
    await live.close();
  });

  it('session expiry closes the sockets for good and rejects pending operations with SessionExpiredError', async () => {
    stack = await startStack();
    const session = stack.session();
    const tokens = await stack.login();
    await session.signIn(tokens);
    const live = openLiveSockets(session, stack.wsUrl, stack.clock);
    await connected(stack, live);
    // The family is revoked server-side (say, the user signed out everywhere).
    const revoked = await fetch(`${stack.token.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: String(tokens.refresh_token) }),
    });
    expect(revoked.status).toBe(200);
    stack.clock.jump(61 * SECOND);
    const api = createFetch(session, { origins: [stack.apiUrl] });
    const pending = Array.from({ length: 5 }, () =>
      api(`${stack!.apiUrl}/api/me`).catch((error: unknown) => error),
    );
    await stack.clock.advance(0);
    const results = await Promise.all(pending);
    for (const result of results) expect(result).toBeInstanceOf(SessionExpiredError);
    expect(session.getSnapshot().status).toBe('expired');
    await waitFor(() => {
      expect(stack!.api.counts()).toEqual({ graphqlWs: 0, ws: 0, socketIo: 0 });
      expect(live.graphqlErrors).toHaveLength(1);
      expect(live.wsEvents.some((e) => e.type === 'ended')).toBe(true);
    });
    expect(live.graphqlErrors[0]).toBeInstanceOf(SessionExpiredError);
    const ended = live.wsEvents.find((e) => e.type === 'ended') as { error: unknown };
    expect(ended.error).toBeInstanceOf(SessionExpiredError);
    // Nothing tries again: time passes and no socket comes back.
    await stack.clock.advance(120 * SECOND);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stack.api.counts()).toEqual({ graphqlWs: 0, ws: 0, socketIo: 0 });
    expect(live.socketIoConnected()).toBe(false);
    await live.close();
  });
});

describe('a refresh landing while a socket is connecting (adapter race)', () => {
  it('the socket connects with the older token, notices, and re-authenticates with the current one', async () => {
    // Socket verifications can be held at a gate, so a second refresh lands mid-connect.
    let gate: Promise<void> | undefined;
    let held = 0;
    stack = await startStack({
      wrapVerifier: (verifier) => ({
        ...verifier,
        verifyAccessToken: async (token) => {
          if (gate) {
            held++;
            await gate;
          }
          return verifier.verifyAccessToken(token);
        },
      }),
    });
    const session = stack.session();
    await session.signIn(await stack.login());
    const live = openLiveSockets(session, stack.wsUrl, stack.clock);
    await connected(stack, live);
    let open!: () => void;
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    await session.refresh(); // graphql-ws and Socket.IO reconnect; the raw socket re-auths in band
    await waitFor(() => expect(held).toBeGreaterThanOrEqual(3)); // all three wait at the gate
    const stale = session.getSnapshot().fingerprint;
    await session.refresh(); // lands while every socket is mid-connect with `stale`
    expect(session.getSnapshot().fingerprint).not.toBe(stale);
    gate = undefined;
    open();
    await onCurrentToken(stack, session); // no virtual time passes: nothing waits for expiry
    await everyoneGets(stack, live);
    await live.close();
  });
});

describe('signing out against the real token server', () => {
  it('signOut() revokes the family: an audit revoke row, and the refresh token is refused', async () => {
    stack = await startStack();
    const session = stack.session({
      revoke: oauth2Revoke({ revocationEndpoint: `${stack.token.url}/oauth/revoke` }),
    });
    const tokens = await stack.login();
    await session.signIn(tokens);
    await session.signOut();
    expect(await stack.audit('revoke')).toHaveLength(1);
    const reuse = await fetch(`${stack.token.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
      }),
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
  });
});
