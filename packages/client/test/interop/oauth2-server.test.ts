/**
 * tokenkeeper against @node-oauth/oauth2-server 5.3.0 on 127.0.0.1: sign-in with its password
 * grant, refresh with rotation on every refresh, an RFC 7009 revocation route, a resource
 * behind its `authenticate()`. A public client and a confidential client (HTTP Basic, the
 * default with a secret) both go through the same client-authentication options for refresh
 * and revocation. The client's time is the virtual clock; the server is told its access tokens
 * expired by moving their stored expiry into the past.
 */
import {
  createSession,
  isSessionExpiredError,
  type OAuth2ClientOptions,
  oauth2Refresh,
  oauth2Revoke,
  type SessionEvent,
  SessionExpiredError,
  type TokenResponse,
} from 'tokenkeeper';
import { createFetch } from 'tokenkeeper/fetch';
import { createVirtualClock } from 'tokenkeeper/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outcome, SECOND } from '../harness.js';
import {
  ACCESS_TOKEN_TTL,
  BASIC_CLIENT,
  type OAuth2TestServer,
  PUBLIC_CLIENT_ID,
  startOAuth2Server,
  USER,
} from './support/oauth2-server.js';

let server: OAuth2TestServer;
beforeEach(async () => {
  server = await startOAuth2Server();
});
afterEach(async () => {
  await server.close();
  expect(server.serverErrors).toEqual([]);
});

const clients: [string, OAuth2ClientOptions][] = [
  ['a public client', { clientId: PUBLIC_CLIENT_ID }],
  [
    'a confidential client (client_secret_basic)',
    { clientId: BASIC_CLIENT.id, clientSecret: BASIC_CLIENT.secret },
  ],
];

/** The password grant, as an app's login form would send it. */
async function passwordSignIn(client: OAuth2ClientOptions): Promise<TokenResponse> {
  const form = new URLSearchParams({
    grant_type: 'password',
    username: USER.username,
    password: USER.password,
    client_id: client.clientId!,
  });
  if (client.clientSecret !== undefined) form.set('client_secret', client.clientSecret);
  const response = await fetch(`${server.url}/token`, { method: 'POST', body: form });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenResponse;
}

function sessionAt(client: OAuth2ClientOptions) {
  const clock = createVirtualClock();
  const session = createSession({
    clock,
    random: () => 0.5,
    refresh: oauth2Refresh({ tokenEndpoint: `${server.url}/token`, ...client }),
    revoke: oauth2Revoke({ revocationEndpoint: `${server.url}/revoke`, ...client }),
  });
  const events: SessionEvent[] = [];
  session.subscribe((event) => events.push(event));
  const api = createFetch(session, { origins: [server.url] });
  const me = () => api(`${server.url}/me`);
  /** The access tokens expire on the client (virtual clock) and at the server. */
  async function expireAccessTokens() {
    for (const token of server.accessTokens.values()) {
      token.accessTokenExpiresAt = new Date(Date.now() - 60_000);
    }
    await clock.advance((ACCESS_TOKEN_TTL + 1) * SECOND);
  }
  return { session, events, me, expireAccessTokens };
}

const refreshes = (status: number) =>
  server.tokens.filter((t) => t.grantType === 'refresh_token' && t.status === status).length;

describe.each(clients)('@node-oauth/oauth2-server with %s', (_name, client) => {
  it('50 concurrent requests after expiry cost exactly 1 refresh and 0 failures', async () => {
    const tokens = await passwordSignIn(client);
    const { session, me, expireAccessTokens } = sessionAt(client);
    await session.signIn(tokens);
    await expireAccessTokens();
    const stale = await fetch(`${server.url}/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(stale.status).toBe(401); // the server refuses the old token

    const results = await Promise.allSettled(Array.from({ length: 50 }, () => me()));

    const ok = results.filter((r) => r.status === 'fulfilled' && r.value.status === 200);
    expect(ok).toHaveLength(50);
    expect(refreshes(200)).toBe(1);
    expect(server.tokens.filter((t) => t.status !== 200)).toEqual([]);
    // Rotated: the first refresh token is gone, the session holds and uses the new one.
    expect(server.refreshTokens.has(tokens.refresh_token!)).toBe(false);
    await expireAccessTokens();
    expect((await me()).status).toBe(200);
    expect(refreshes(200)).toBe(2);
    session.dispose();
  });

  it('signOut() revokes the refresh token and its access tokens at the RFC 7009 route', async () => {
    const tokens = await passwordSignIn(client);
    const { session, events, me, expireAccessTokens } = sessionAt(client);
    await session.signIn(tokens);
    await expireAccessTokens();
    expect((await me()).status).toBe(200); // one rotation first
    expect(server.refreshTokens.size).toBe(1);
    expect(server.accessTokens.size).toBeGreaterThan(0);

    await session.signOut();

    expect(server.revocations).toEqual([{ status: 200, error: undefined }]);
    expect(server.refreshTokens.size).toBe(0);
    expect(server.accessTokens.size).toBe(0);
    expect(events.some((e) => e.type === 'revokeFailed')).toBe(false);
    expect(session.getSnapshot().status).toBe('signedOut');
  });

  it('a refused refresh (revoked or expired refresh token) ends the session', async () => {
    const reasons = {
      revoked: 'Invalid grant: refresh token is invalid',
      expired: 'Invalid grant: refresh token has expired',
    };
    for (const end of ['revoked', 'expired'] as const) {
      const tokens = await passwordSignIn(client);
      const { session, events, me, expireAccessTokens } = sessionAt(client);
      await session.signIn(tokens);
      const stored = server.refreshTokens.get(tokens.refresh_token!)!;
      if (end === 'revoked') server.refreshTokens.delete(tokens.refresh_token!);
      else stored.refreshTokenExpiresAt = new Date(Date.now() - 60_000);
      await expireAccessTokens();
      const before = server.tokens.length;

      const results = await Promise.all([outcome(me()), outcome(me())]);

      for (const { error } of results) {
        expect(error).toBeInstanceOf(SessionExpiredError);
        expect(isSessionExpiredError(error) && error.reason).toBe('invalid_grant');
      }
      expect(server.tokens.slice(before)).toEqual([
        {
          grantType: 'refresh_token',
          status: 400,
          error: 'invalid_grant',
          description: reasons[end],
        },
      ]);
      expect(events.filter((e) => e.type === 'expired')).toEqual([
        { type: 'expired', reason: 'invalid_grant', error: 'invalid_grant', remote: false },
      ]);
      expect(session.getSnapshot().status).toBe('expired');
    }
  });
});

it('@node-oauth/oauth2-server: a confidential client revoking without its secret gets 401 and a revokeFailed event', async () => {
  const client = { clientId: BASIC_CLIENT.id, clientSecret: BASIC_CLIENT.secret };
  const tokens = await passwordSignIn(client);
  const clock = createVirtualClock();
  const session = createSession({
    clock,
    refresh: oauth2Refresh({ tokenEndpoint: `${server.url}/token`, ...client }),
    revoke: oauth2Revoke({ revocationEndpoint: `${server.url}/revoke`, clientId: BASIC_CLIENT.id }),
  });
  const failures: SessionEvent[] = [];
  session.subscribe((event) => event.type === 'revokeFailed' && failures.push(event));
  await session.signIn(tokens);

  await session.signOut();

  expect(server.revocations).toEqual([{ status: 401, error: 'invalid_client' }]);
  expect(failures).toMatchObject([{ status: 401, error: 'invalid_client', kind: 'rejected' }]);
  expect(server.refreshTokens.has(tokens.refresh_token!)).toBe(true);
});
