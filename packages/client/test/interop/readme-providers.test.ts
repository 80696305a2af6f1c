/**
 * The README section "Using tokenkeeper with your provider", run. Each example's code sits here
 * unchanged between README markers (the first test checks that it is the README's code), and
 * runs against a loopback server that replays the provider's recorded responses
 * (../providers/recorded.json): the global fetch sends the README's provider URLs to it. What
 * each example must get right is checked on the requests the provider would have received and
 * on the session: the sign-in accepted, the refresh token kept or replaced, the client
 * authenticated as configured, the revocation sent, and the provider's errors ending the
 * session.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createSession,
  isSessionExpiredError,
  type OAuth2ClientOptions,
  oauth2Refresh,
  oauth2Revoke,
  processTokenResponse,
  type RefreshFunction,
  type Session,
  type TokenResponse,
} from 'tokenkeeper';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { outcome } from '../harness.js';
import { comparable, importedNames, readmeBlocks, testExamples } from './support/readme-blocks.js';
import {
  REVOKED,
  type Recorded,
  type Replay,
  type Route,
  recordedAnswer,
  startReplay,
} from './support/replay.js';

let replay: Replay;
beforeEach(async () => {
  replay = await startReplay();
  vi.stubGlobal('fetch', replay.fetch);
});
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  await replay.close();
});

/** Answers in order; a request beyond them gets a 500 that the test's checks then show. */
function answers(...recorded: Recorded[]): Route {
  const queue = [...recorded];
  return () => queue.shift() ?? { id: 'unexpected', status: 500, body: { error: 'unexpected' } };
}

const tokensOf = (answer: Recorded) => answer.body as unknown as TokenResponse;
const refreshTokensSent = (route: string) =>
  replay
    .requests(route)
    .map((request) => request.form.refresh_token ?? request.json?.refresh_token);

/** The session ended because the provider refused the refresh token. */
async function expectEnded(session: Session, refresh: Promise<string>) {
  const { error } = await outcome(refresh);
  expect(isSessionExpiredError(error) && error.reason).toBe('invalid_grant');
  expect(session.getSnapshot()).toMatchObject({
    status: 'expired',
    expiredReason: 'invalid_grant',
  });
}

describe('README: Using tokenkeeper with your provider', () => {
  it('the README examples are exactly the code these tests run', () => {
    const blocks = readmeBlocks('Using tokenkeeper with your provider');
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const examples = testExamples(source);
    expect(examples.map((example) => example.name)).toEqual([
      'Keycloak',
      'Auth0',
      'AWS Cognito',
      'Firebase',
      'Others',
      'Signing out',
    ]);
    expect(blocks.map(comparable)).toEqual(examples.map((example) => comparable(example.code)));
    const ours = importedNames(source);
    for (const block of blocks) {
      for (const name of importedNames(block)) expect(ours).toContain(name);
    }
  });

  it('Keycloak: offline token signs in, rotation is kept, sign-out revokes, "Offline session not active" ends it', async () => {
    const token = 'sso.example.com/realms/acme/protocol/openid-connect/token';
    const revocation = 'sso.example.com/realms/acme/protocol/openid-connect/revoke';
    const signIn = recordedAnswer('keycloak', 'keycloak.signin.offline');
    const refreshed = recordedAnswer('keycloak', 'keycloak.refresh.offline');
    const ended = recordedAnswer('keycloak', 'keycloak.error.offline-session-not-active');
    expect(signIn.body.refresh_expires_in).toBe(0);
    replay.route(token, answers(signIn, refreshed, signIn, ended));
    replay.route(revocation, answers(REVOKED));

    // README example: Keycloak
    const realm = 'https://sso.example.com/realms/acme';
    const client = { clientId: 'acme-spa' }; // a public client (PKCE)

    const session = createSession({
      refresh: oauth2Refresh({
        tokenEndpoint: `${realm}/protocol/openid-connect/token`,
        ...client,
      }),
      revoke: oauth2Revoke({
        revocationEndpoint: `${realm}/protocol/openid-connect/revoke`,
        ...client,
      }),
    });

    // Back from Keycloak's login page: exchange the code. Asked for `openid offline_access`,
    // Keycloak answers with an offline token and `refresh_expires_in: 0` ("no advertised expiry").
    async function completeSignIn(code: string, codeVerifier: string, redirectUri: string) {
      const response = await fetch(`${realm}/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: client.clientId,
          code,
          code_verifier: codeVerifier,
          redirect_uri: redirectUri,
        }),
      });
      await session.signIn(await response.json());
    }
    // README example end

    await completeSignIn('code-1', 'verifier-1', 'https://app.example.com/callback');
    expect(session.getSnapshot().status).toBe('active');
    expect(replay.requests(token)[0]?.form).toEqual({
      grant_type: 'authorization_code',
      client_id: 'acme-spa',
      code: 'code-1',
      code_verifier: 'verifier-1',
      redirect_uri: 'https://app.example.com/callback',
    });
    await expect(session.refresh()).resolves.toBe(refreshed.body.access_token);
    expect(replay.requests(token)[1]?.form).toEqual({
      grant_type: 'refresh_token',
      refresh_token: signIn.body.refresh_token,
      client_id: 'acme-spa',
    });

    await session.signOut();
    expect(replay.requests(revocation).map((request) => request.form)).toEqual([
      {
        token: refreshed.body.refresh_token,
        token_type_hint: 'refresh_token',
        client_id: 'acme-spa',
      },
    ]);

    await completeSignIn('code-2', 'verifier-2', 'https://app.example.com/callback');
    await expectEnded(session, session.refresh());
    session.dispose();
  });

  it('Auth0: the rotated refresh token is used next, and its 403 invalid_grant ends the session', async () => {
    const assign = vi.fn();
    vi.stubGlobal('location', { href: 'https://app.example.com/', assign });
    const token = 'acme.eu.auth0.com/oauth/token';
    const signIn = recordedAnswer('auth0', 'auth0.signin.code');
    const rotated = recordedAnswer('auth0', 'auth0.refresh.rotating');
    const refused = recordedAnswer('auth0', 'auth0.error.unknown-refresh-token');
    expect(refused.status).toBe(403);
    replay.route(token, answers(rotated, refused));

    // README example: Auth0
    const tenant = 'https://acme.eu.auth0.com';
    const client = { clientId: 'YOUR_AUTH0_CLIENT_ID' };

    const session = createSession({
      refresh: oauth2Refresh({ tokenEndpoint: `${tenant}/oauth/token`, ...client }),
      revoke: oauth2Revoke({ revocationEndpoint: `${tenant}/oauth/revoke`, ...client }),
    });
    session.subscribe((event) => {
      // A revoked or rotated-away refresh token: Auth0 answers 403 (not 400) invalid_grant.
      if (event.type === 'expired') location.assign('/login');
    });
    // README example end

    await session.signIn(tokensOf(signIn));
    await expect(session.refresh()).resolves.toBe(rotated.body.access_token);
    await expectEnded(session, session.refresh());
    expect(refreshTokensSent(token)).toEqual([
      signIn.body.refresh_token,
      rotated.body.refresh_token,
    ]);
    expect(replay.requests(token).map((request) => request.form.client_id)).toEqual([
      'YOUR_AUTH0_CLIENT_ID',
      'YOUR_AUTH0_CLIENT_ID',
    ]);
    expect(assign.mock.calls).toEqual([['/login']]);
    session.dispose();
  });

  it('AWS Cognito: no refresh_token on refresh keeps the old one, for a public client and with a secret (Basic)', async () => {
    const token = 'acme.auth.eu-west-1.amazoncognito.com/oauth2/token';
    const revocation = 'acme.auth.eu-west-1.amazoncognito.com/oauth2/revoke';
    const signIn = recordedAnswer('cognito', 'cognito.signin.code');
    const refreshed = recordedAnswer('cognito', 'cognito.refresh.no-refresh-token');
    expect(refreshed.body.refresh_token).toBeUndefined();
    replay.route(token, () => refreshed);
    replay.route(revocation, () => REVOKED);

    // README example: AWS Cognito
    const domain = 'https://acme.auth.eu-west-1.amazoncognito.com';
    // An app client without a secret: browsers and mobile apps.
    const appClient: OAuth2ClientOptions = { clientId: '1h57kf5cpq17m0eml12EXAMPLE' };
    // An app client with a secret, on a server only: Cognito takes it as HTTP Basic (the default).
    const serverClient: OAuth2ClientOptions = {
      clientId: '3n4b5urk1ft4fl3mg5e6EXAMPLE',
      clientSecret: 'COGNITO_APP_CLIENT_SECRET',
    };

    function cognitoSession(client: OAuth2ClientOptions) {
      return createSession({
        // Cognito answers a refresh without refresh_token: the session keeps the one it has.
        refresh: oauth2Refresh({ tokenEndpoint: `${domain}/oauth2/token`, ...client }),
        revoke: oauth2Revoke({ revocationEndpoint: `${domain}/oauth2/revoke`, ...client }),
      });
    }
    const session = cognitoSession(appClient);
    // README example end

    const basic = `Basic ${btoa('3n4b5urk1ft4fl3mg5e6EXAMPLE:COGNITO_APP_CLIENT_SECRET')}`;
    const cases: [
      Session,
      OAuth2ClientOptions,
      (form: Record<string, string>, auth?: string) => void,
    ][] = [
      [
        session,
        appClient,
        (form, auth) => {
          expect(form.client_id).toBe('1h57kf5cpq17m0eml12EXAMPLE');
          expect(form.client_secret).toBeUndefined();
          expect(auth).toBeUndefined();
        },
      ],
      [
        cognitoSession(serverClient),
        serverClient,
        (form, auth) => {
          expect(form.client_id).toBeUndefined();
          expect(form.client_secret).toBeUndefined();
          expect(auth).toBe(basic);
        },
      ],
    ];
    for (const [cognito, , authenticated] of cases) {
      const before = replay.requests(token).length;
      await cognito.signIn(tokensOf(signIn));
      await expect(cognito.refresh()).resolves.toBe(refreshed.body.access_token);
      await expect(cognito.refresh()).resolves.toBe(refreshed.body.access_token);
      await cognito.signOut();
      const refreshes = replay.requests(token).slice(before);
      expect(refreshes.map((request) => request.form.refresh_token)).toEqual([
        signIn.body.refresh_token,
        signIn.body.refresh_token,
      ]);
      const revoked = replay.requests(revocation).at(-1)!;
      expect(revoked.form.token).toBe(signIn.body.refresh_token);
      for (const request of [...refreshes, revoked]) {
        authenticated(request.form, request.headers.authorization);
      }
    }

    replay.route(token, answers(recordedAnswer('cognito', 'cognito.error.oauth-invalid-grant')));
    await session.signIn(tokensOf(signIn));
    await expectEnded(session, session.refresh());
    session.dispose();
  });

  it('Firebase: camelCase sign-in mapped, secure token refresh with the key, TOKEN_EXPIRED ends the session', async () => {
    const identity = 'identitytoolkit.googleapis.com/v1/accounts:signInWithPassword';
    const secureToken = 'securetoken.googleapis.com/v1/token';
    const signIn = recordedAnswer('firebase', 'firebase.signin.password');
    const refreshed = recordedAnswer('firebase', 'firebase.refresh.securetoken');
    expect(refreshed.body.expires_in).toBe('3600');
    replay.route(identity, answers(signIn));
    replay.route(
      secureToken,
      answers(refreshed, recordedAnswer('firebase', 'firebase.error.token-expired')),
    );

    // README example: Firebase
    const apiKey = 'YOUR_FIREBASE_WEB_API_KEY';
    const session = createSession({
      refresh: oauth2Refresh({
        tokenEndpoint: `https://securetoken.googleapis.com/v1/token?key=${apiKey}`,
      }),
    });

    async function signInWithPassword(email: string, password: string) {
      const response = await fetch(
        `https://identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=${apiKey}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password, returnSecureToken: true }),
        },
      );
      // camelCase here, and the ID token is what Firebase-backed APIs accept.
      const r = await response.json();
      await session.signIn({
        accessToken: r.idToken,
        refreshToken: r.refreshToken,
        expiresIn: Number(r.expiresIn),
      });
    }
    // README example end

    const before = Date.now();
    await signInWithPassword('alice@example.test', 'secret-password');
    const { status, expiresAt } = session.getSnapshot();
    expect(status).toBe('active');
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
    const [login] = replay.requests(identity);
    expect(login?.json).toEqual({
      email: 'alice@example.test',
      password: 'secret-password',
      returnSecureToken: true,
    });
    expect(login?.query.get('key')).toBe('YOUR_FIREBASE_WEB_API_KEY');

    await expect(session.refresh()).resolves.toBe(refreshed.body.access_token);
    await expectEnded(session, session.refresh());
    const refreshes = replay.requests(secureToken);
    expect(refreshes.map((request) => request.query.get('key'))).toEqual([
      'YOUR_FIREBASE_WEB_API_KEY',
      'YOUR_FIREBASE_WEB_API_KEY',
    ]);
    expect(refreshes.map((request) => request.form)).toEqual([
      { grant_type: 'refresh_token', refresh_token: signIn.body.refreshToken },
      { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token },
    ]);
    session.dispose();
  });

  it('Others: Google keeps, Okta, Hydra, Microsoft and Supabase replace the refresh token; their errors end the session', async () => {
    // README example: Others
    const googleRefresh = oauth2Refresh({
      tokenEndpoint: 'https://oauth2.googleapis.com/token',
      clientId: 'CLIENT_ID.apps.googleusercontent.com',
      clientSecret: 'GOOGLE_CLIENT_SECRET',
      clientAuth: 'client_secret_post',
    });
    const oktaRefresh = oauth2Refresh({
      tokenEndpoint: 'https://dev-123456.okta.com/oauth2/default/v1/token',
      clientId: '0oaEXAMPLEclientid',
    });
    const hydraRefresh = oauth2Refresh({
      tokenEndpoint: 'https://auth.example.com/oauth2/token',
      clientId: 'app',
    });
    const microsoftRefresh = oauth2Refresh({
      tokenEndpoint: 'https://login.microsoftonline.com/TENANT_ID/oauth2/v2.0/token',
      clientId: 'APPLICATION_CLIENT_ID',
      scope: 'openid offline_access User.Read',
    });
    const supabaseRefresh: RefreshFunction = async ({ refreshToken, signal }) =>
      processTokenResponse(
        await fetch(
          'https://abcdefghijklmnopqrst.supabase.co/auth/v1/token?grant_type=refresh_token',
          {
            method: 'POST',
            headers: { apikey: 'SUPABASE_ANON_KEY', 'content-type': 'application/json' },
            body: JSON.stringify({ refresh_token: refreshToken }),
            signal,
          },
        ),
      );

    const session = createSession({ refresh: googleRefresh }); // or oktaRefresh, supabaseRefresh, ...
    // README example end

    const providers: [string, RefreshFunction, string, string, string][] = [
      [
        'google',
        googleRefresh,
        'oauth2.googleapis.com/token',
        'google.refresh.no-refresh-token',
        'google.error.expired-or-revoked',
      ],
      [
        'okta',
        oktaRefresh,
        'dev-123456.okta.com/oauth2/default/v1/token',
        'okta.refresh.rotating',
        'okta.error.invalid-or-expired',
      ],
      [
        'hydra',
        hydraRefresh,
        'auth.example.com/oauth2/token',
        'hydra.refresh.rotated',
        'hydra.error.reused',
      ],
      [
        'microsoft',
        microsoftRefresh,
        'login.microsoftonline.com/TENANT_ID/oauth2/v2.0/token',
        'microsoft.refresh.rotated',
        'microsoft.error.rt-inactive',
      ],
      [
        'supabase',
        supabaseRefresh,
        'abcdefghijklmnopqrst.supabase.co/auth/v1/token',
        'supabase.refresh.rotated',
        'supabase.error.already-used',
      ],
    ];
    for (const [name, refresh, route, refreshId, errorId] of providers) {
      const signIn = recordedAnswer(
        name,
        `${name}.signin.${name === 'supabase' ? 'password' : 'code'}`,
      );
      const refreshed = recordedAnswer(name, refreshId);
      replay.route(route, answers(refreshed, recordedAnswer(name, errorId)));
      const provider = name === 'google' ? session : createSession({ refresh });
      await provider.signIn(tokensOf(signIn));
      await expect(provider.refresh()).resolves.toBe(refreshed.body.access_token);
      await expectEnded(provider, provider.refresh());
      const kept = refreshed.body.refresh_token ?? signIn.body.refresh_token;
      expect(refreshTokensSent(route)).toEqual([signIn.body.refresh_token, kept]);
      provider.dispose();
    }
    expect(replay.requests('oauth2.googleapis.com/token')[0]?.form).toMatchObject({
      client_id: 'CLIENT_ID.apps.googleusercontent.com',
      client_secret: 'GOOGLE_CLIENT_SECRET',
    });
    expect(
      replay.requests('login.microsoftonline.com/TENANT_ID/oauth2/v2.0/token')[0]?.form.scope,
    ).toBe('openid offline_access User.Read');
    const [supabase] = replay.requests('abcdefghijklmnopqrst.supabase.co/auth/v1/token');
    expect(supabase?.query.get('grant_type')).toBe('refresh_token');
    expect(supabase?.headers.apikey).toBe('SUPABASE_ANON_KEY');
  });

  it('Signing out: the secret goes with the revocation; a refusal is a revokeFailed event', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const revocation = 'sso.example.com/realms/acme/protocol/openid-connect/revoke';
    const signIn = recordedAnswer('keycloak', 'keycloak.signin.online');
    // Keycloak's answer to client credentials it does not accept (a rotated secret, say).
    const refused = recordedAnswer('keycloak', 'keycloak.error.unauthorized-client-bad-secret');
    replay.route(revocation, answers(REVOKED, refused));

    // README example: Signing out
    const realm = 'https://sso.example.com/realms/acme';
    const client: OAuth2ClientOptions = {
      clientId: 'acme-backend',
      clientSecret: 'KEYCLOAK_CLIENT_SECRET',
      clientAuth: 'client_secret_post',
    };
    const session = createSession({
      refresh: oauth2Refresh({
        tokenEndpoint: `${realm}/protocol/openid-connect/token`,
        ...client,
      }),
      revoke: oauth2Revoke({
        revocationEndpoint: `${realm}/protocol/openid-connect/revoke`,
        ...client,
      }),
    });
    session.subscribe((event) => {
      if (event.type === 'revokeFailed') {
        console.warn(`sign-out not confirmed by the server: HTTP ${event.status} ${event.error}`);
      }
    });
    // README example end

    await session.signIn(tokensOf(signIn));
    await session.signOut();
    expect(replay.requests(revocation)[0]?.form).toEqual({
      token: signIn.body.refresh_token,
      token_type_hint: 'refresh_token',
      client_id: 'acme-backend',
      client_secret: 'KEYCLOAK_CLIENT_SECRET',
    });
    expect(warn).not.toHaveBeenCalled();

    await session.signIn(tokensOf(signIn));
    await session.signOut();
    expect(session.getSnapshot().status).toBe('signedOut');
    expect(warn.mock.calls).toEqual([
      ['sign-out not confirmed by the server: HTTP 401 unauthorized_client'],
    ]);
    session.dispose();
  });
});
