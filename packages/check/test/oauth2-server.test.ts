/**
 * @node-oauth/oauth2-server 5.3.0 on 127.0.0.1: the password grant through a --login-command, the
 * refresh grant with the library's default rotation, and an in-memory model of the usual shape
 * (rotation deletes the used refresh token; nothing groups tokens into families).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/run/audit.js';
import { OAUTH2_USER, type OAuth2Fixture, startOAuth2Server } from './fixtures/oauth2-server.js';
import { checkOf, quick, verdictsOf } from './support/audit-helpers.js';

const script = fileURLToPath(new URL('./fixtures/login-password-grant.mjs', import.meta.url));
let server: OAuth2Fixture;
beforeAll(async () => {
  server = await startOAuth2Server({ accessTtl: 4 });
});
afterAll(() => server.close());

describe('@node-oauth/oauth2-server', () => {
  it('rotates, but a rotated-away token does not revoke anything', {
    timeout: 90_000,
  }, async () => {
    const env = `LOGIN_CLIENT_ID='${server.client.id}' LOGIN_CLIENT_SECRET='${server.client.secret}' LOGIN_USERNAME='${OAUTH2_USER.username}' LOGIN_PASSWORD='${OAUTH2_USER.password}'`;
    const report = await audit({
      tokenEndpoint: `${server.url}/token`,
      loginCommand: `${env} '${process.execPath}' '${script}' '${server.url}/token'`,
      clientId: server.client.id,
      clientSecret: server.client.secret,
      resource: `${server.url}/me`,
      ...quick,
    });
    expect(verdictsOf(report)).toEqual({
      'refresh-without-access-token': 'pass',
      rotation: 'pass',
      'reuse-detection': 'fail',
      'grace-window': 'pass',
      'concurrent-refresh': 'pass',
      'lost-response': 'warn',
      'expiry-truthful': 'pass',
      lifetimes: 'warn',
      'no-store': 'pass',
      'error-format': 'pass',
      'swallowed-errors': 'pass',
      revocation: 'skip',
      'jwt-hygiene': 'skip',
      'bad-input': 'pass',
      transport: 'pass',
    });
    expect(checkOf(report, 'reuse-detection').finding).toMatch(/reuse is not detected/);
    expect(checkOf(report, 'grace-window').finding).toMatch(/^grace window: 0/);
    expect(checkOf(report, 'concurrent-refresh').finding).toMatch(
      /one successor; the 9 refusals left the session alive/,
    );
    expect(checkOf(report, 'lost-response').finding).toMatch(/must sign in again/);
    expect(report.run.signedOut).toBe(0);
    expect(report.run.note).toMatch(/no revocation endpoint/);
  });
});
