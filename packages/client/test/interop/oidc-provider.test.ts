/**
 * tokenkeeper against a real authorization server: oidc-provider 9.13.3 on 127.0.0.1, rotating
 * the refresh token on every refresh with no grace period (a rotated-away refresh token
 * presented again revokes the whole grant), 10-second access tokens, RFC 7009 revocation.
 * Users sign in with the authorization code flow and PKCE; time on the client is the virtual
 * clock, and where the provider must agree that a token expired, its stored `exp` is moved into
 * the past, so nothing waits on the wall clock. What the provider did is counted from its own
 * events.
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
import { signInWithCode } from './support/code-login.js';
import {
  ACCESS_TOKEN_TTL,
  ACCOUNT_ID,
  type OidcServer,
  POST_CLIENT_ID,
  PUBLIC_CLIENT_ID,
  startOidcServer,
} from './support/oidc-server.js';

let op: OidcServer;
beforeEach(async () => {
  op = await startOidcServer();
});
afterEach(async () => {
  await op.close();
  expect(op.log.serverErrors).toEqual([]);
});

/** A session at the provider on a virtual clock, recording its events. */
function sessionAt(client: OAuth2ClientOptions, revokeClient: OAuth2ClientOptions = client) {
  const clock = createVirtualClock();
  const session = createSession({
    clock,
    random: () => 0.5,
    refresh: oauth2Refresh({ tokenEndpoint: `${op.issuer}/token`, ...client }),
    revoke: oauth2Revoke({ revocationEndpoint: `${op.issuer}/token/revocation`, ...revokeClient }),
  });
  const events: SessionEvent[] = [];
  session.subscribe((event) => events.push(event));
  const api = createFetch(session, { origins: [op.issuer] });
  const userinfo = () => api(`${op.issuer}/me`);
  /** The access tokens expire at the provider only (stored `exp`): the client's clock says no. */
  function expireAtProvider() {
    for (const { id } of op.store.records('AccessToken')) {
      op.store.update('AccessToken', id, { exp: nowSeconds() - 60 });
    }
  }
  /** The access token expires here (virtual clock) and at the provider. */
  async function expireAccessTokens() {
    expireAtProvider();
    await clock.advance((ACCESS_TOKEN_TTL + 1) * SECOND);
  }
  return { clock, session, events, userinfo, expireAtProvider, expireAccessTokens };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const refreshGrants = () => op.log.grants.filter((grant) => grant === 'refresh_token').length;
const grantIdOf = (refreshToken: string) => {
  const stored = op.store.records('RefreshToken').find((record) => record.id === refreshToken);
  if (stored?.payload.grantId === undefined) throw new Error('no stored refresh token');
  return stored.payload.grantId;
};
/** Tokens the provider still holds for a grant. */
const tokensOfGrant = (grantId: string) =>
  ['AccessToken', 'RefreshToken'].flatMap((model) =>
    op.store.records(model).filter((record) => record.payload.grantId === grantId),
  );

/** Fires 50 requests at once; resolves to the number that did not end in a 200 for the user. */
async function fiftyFailures(userinfo: () => Promise<Response>) {
  const results = await Promise.allSettled(Array.from({ length: 50 }, () => userinfo()));
  let failures = 0;
  for (const result of results) {
    const ok =
      result.status === 'fulfilled' &&
      result.value.status === 200 &&
      ((await result.value.json()) as { sub?: string }).sub === ACCOUNT_ID;
    if (!ok) failures++;
  }
  return failures;
}

describe('oidc-provider: 50 concurrent requests after the access token expired', () => {
  it('cost exactly 1 refresh grant and 0 failures, and the grant is not revoked', async () => {
    const tokens = await signInWithCode(op.issuer, { clientId: PUBLIC_CLIENT_ID });
    const grantId = grantIdOf(tokens.refresh_token!);
    const { session, userinfo, expireAccessTokens } = sessionAt({ clientId: PUBLIC_CLIENT_ID });
    await session.signIn(tokens);
    expect((await userinfo()).status).toBe(200);

    await expireAccessTokens();
    const stale = await fetch(`${op.issuer}/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(stale.status).toBe(401); // the provider refuses the old token: it really expired

    expect(await fiftyFailures(userinfo)).toBe(0);
    expect(refreshGrants()).toBe(1);
    expect(op.log.userinfoErrors).toEqual([401]); // only the test's own request with the old token
    expect(op.log.grantErrors).toEqual([]);
    expect(op.log.revokedGrants).toEqual([]);

    // The grant lives on: its rotated refresh token is the one the session holds and uses.
    expect(op.liveGrantIds()).toContain(grantId);
    await expireAccessTokens();
    expect((await userinfo()).status).toBe(200);
    expect(refreshGrants()).toBe(2);
    expect(op.log.grantErrors).toEqual([]);
    expect(session.getSnapshot().status).toBe('active');
    session.dispose();
  });

  it('also when only the provider knows it expired: 50 × 401 cost 1 refresh grant, 0 failures', async () => {
    const tokens = await signInWithCode(op.issuer, { clientId: PUBLIC_CLIENT_ID });
    const { session, userinfo, expireAtProvider } = sessionAt({ clientId: PUBLIC_CLIENT_ID });
    await session.signIn(tokens);
    expireAtProvider(); // revoked or expired early at the provider; the client's clock says valid

    expect(await fiftyFailures(userinfo)).toBe(0);
    expect(refreshGrants()).toBe(1);
    // Each request met the provider's 401 once and was retried once with the new token.
    expect(op.log.userinfoErrors).toEqual(Array(50).fill(401));
    expect(op.log.grantErrors).toEqual([]);
    expect(op.log.revokedGrants).toEqual([]);
    session.dispose();
  });
});

describe('oidc-provider: signOut() revokes the grant', () => {
  const secretPost = (): OAuth2ClientOptions => ({
    clientId: POST_CLIENT_ID,
    clientSecret: op.postClientSecret,
    clientAuth: 'client_secret_post',
  });
  const clients: [string, () => OAuth2ClientOptions][] = [
    ['a public client', () => ({ clientId: PUBLIC_CLIENT_ID })],
    ['a client_secret_post client', secretPost],
  ];

  it.each(clients)('for %s, after a rotation', async (_name, clientOf) => {
    const client = clientOf();
    const tokens = await signInWithCode(op.issuer, {
      clientId: client.clientId!,
      clientSecret: client.clientSecret,
    });
    const grantId = grantIdOf(tokens.refresh_token!);
    const { session, events, userinfo, expireAccessTokens } = sessionAt(client);
    await session.signIn(tokens);
    await expireAccessTokens();
    expect((await userinfo()).status).toBe(200); // rotated: the session holds a new refresh token
    expect(refreshGrants()).toBe(1);

    await session.signOut();

    expect(op.log.revocationErrors).toEqual([]);
    expect(op.log.revokedGrants).toEqual([grantId]);
    expect(op.liveGrantIds()).not.toContain(grantId);
    expect(tokensOfGrant(grantId)).toEqual([]);
    expect(events.filter((e) => e.type === 'revokeFailed')).toEqual([]);
    expect(session.getSnapshot().status).toBe('signedOut');
  });

  it('without the secret the provider answers 401 invalid_client and the session emits revokeFailed', async () => {
    const tokens = await signInWithCode(op.issuer, {
      clientId: POST_CLIENT_ID,
      clientSecret: op.postClientSecret,
    });
    const grantId = grantIdOf(tokens.refresh_token!);
    // The revocation sends only client_id: the bug of issue 14, reproduced on purpose.
    const { session, events } = sessionAt(secretPost(), { clientId: POST_CLIENT_ID });
    await session.signIn(tokens);

    await session.signOut();

    expect(op.log.revocationErrors).toEqual([{ status: 401, error: 'invalid_client' }]);
    expect(events.filter((e) => e.type === 'revokeFailed')).toEqual([
      {
        type: 'revokeFailed',
        reason: 'signOut',
        fingerprint: expect.any(String),
        kind: 'rejected',
        status: 401,
        error: 'invalid_client',
      },
    ]);
    // Signed out here all the same; the grant is still alive at the provider, as reported.
    expect(session.getSnapshot().status).toBe('signedOut');
    expect(op.liveGrantIds()).toContain(grantId);
    expect(op.log.revokedGrants).toEqual([]);
  });
});

describe('oidc-provider: a grant that is over ends the session', () => {
  async function expectSessionEnds(
    tokens: TokenResponse,
    end: () => Promise<void>,
    detail: string,
  ) {
    const { session, events, userinfo, expireAccessTokens } = sessionAt({
      clientId: PUBLIC_CLIENT_ID,
    });
    await session.signIn(tokens);
    await end();
    await expireAccessTokens();

    const first = await outcome(userinfo());
    const second = await outcome(userinfo());

    for (const { error } of [first, second]) {
      expect(error).toBeInstanceOf(SessionExpiredError);
      expect(isSessionExpiredError(error) && error.reason).toBe('invalid_grant');
    }
    expect(events.filter((e) => e.type === 'expired')).toEqual([
      { type: 'expired', reason: 'invalid_grant', error: 'invalid_grant', remote: false },
    ]);
    expect(session.getSnapshot().status).toBe('expired');
    // One refresh was tried, the provider refused it for the expected reason, none followed.
    expect(op.log.grantErrors).toEqual([
      { grantType: 'refresh_token', error: 'invalid_grant', detail },
    ]);
    expect(refreshGrants()).toBe(0);
  }

  it('revoked at the provider (RFC 7009, e.g. signed out elsewhere)', async () => {
    const tokens = await signInWithCode(op.issuer, { clientId: PUBLIC_CLIENT_ID });
    const grantId = grantIdOf(tokens.refresh_token!);
    await expectSessionEnds(
      tokens,
      async () => {
        const response = await fetch(`${op.issuer}/token/revocation`, {
          method: 'POST',
          body: new URLSearchParams({ token: tokens.refresh_token!, client_id: PUBLIC_CLIENT_ID }),
        });
        expect(response.status).toBe(200);
        expect(op.log.revokedGrants).toEqual([grantId]);
      },
      'refresh token not found',
    );
  });

  it('expired: the refresh token outlived its lifetime', async () => {
    const tokens = await signInWithCode(op.issuer, { clientId: PUBLIC_CLIENT_ID });
    await expectSessionEnds(
      tokens,
      async () =>
        op.store.update('RefreshToken', tokens.refresh_token!, { exp: nowSeconds() - 60 }),
      'refresh token is expired',
    );
  });

  it('expired: the grant outlived its lifetime', async () => {
    const tokens = await signInWithCode(op.issuer, { clientId: PUBLIC_CLIENT_ID });
    const grantId = grantIdOf(tokens.refresh_token!);
    await expectSessionEnds(
      tokens,
      async () => op.store.update('Grant', grantId, { exp: nowSeconds() - 60 }),
      'grant is expired',
    );
  });
});
