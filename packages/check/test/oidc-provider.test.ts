/**
 * oidc-provider 9.13.3 (panva) on 127.0.0.1, endpoints by OIDC discovery, sessions by the
 * authorization-code flow in a --login-command, `GET /me` (userinfo) as the resource. Its
 * verdicts here are what it does with this configuration, checked by hand against its source
 * (lib/actions/grants/refresh_token.js): a consumed refresh token revokes the whole grant, and
 * there is no grace window.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckId } from '../src/checks/check-id.js';
import type { Verdict } from '../src/checks/verdict.js';
import { audit } from '../src/run/audit.js';
import { startOidcProvider } from './fixtures/oidc-provider-server.js';
import { checkOf, quick, verdictsOf } from './support/audit-helpers.js';

const script = fileURLToPath(new URL('./fixtures/login-oidc.mjs', import.meta.url));
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

async function auditProvider(rotate: boolean) {
  const provider = await startOidcProvider({ rotate, accessTtl: 4 });
  closers.push(provider.close);
  const { id, secret, redirectUri } = provider.client;
  return audit({
    issuer: provider.issuer,
    loginCommand: `OIDC_CLIENT_SECRET='${secret}' '${process.execPath}' '${join(script)}' '${provider.issuer}' '${id}' '${redirectUri}'`,
    clientId: id,
    clientSecret: secret,
    resource: `${provider.issuer}/me`,
    ...quick,
  });
}

/** What both configurations share. */
const common: Partial<Record<CheckId, Verdict>> = {
  'refresh-without-access-token': 'pass',
  // clockTolerance defaults to 15 s, and it applies to opaque access tokens too.
  'expiry-truthful': 'warn',
  lifetimes: 'warn', // 4 s access tokens, for a quick test
  'no-store': 'pass',
  'error-format': 'pass',
  'swallowed-errors': 'pass',
  revocation: 'pass',
  'jwt-hygiene': 'skip', // opaque access tokens
  'bad-input': 'pass',
  transport: 'pass',
};

describe.concurrent('oidc-provider', () => {
  it('with refresh-token rotation', { timeout: 90_000 }, async () => {
    const report = await auditProvider(true);
    expect(verdictsOf(report)).toEqual({
      ...common,
      rotation: 'pass',
      'reuse-detection': 'pass',
      'grace-window': 'pass',
      // Nine of ten present a consumed token: that revokes the grant, the winner's successor too.
      'concurrent-refresh': 'warn',
      'lost-response': 'warn',
    });
    expect(checkOf(report, 'grace-window').finding).toMatch(/^grace window: 0/);
    expect(checkOf(report, 'concurrent-refresh').finding).toMatch(/the burst ended the session/);
    expect(checkOf(report, 'lost-response').finding).toMatch(/refused and the session revoked/);
    expect(checkOf(report, 'expiry-truthful').finding).toMatch(/still accepted past expires_in/);
    expect(checkOf(report, 'revocation').evidence.at(-1)).toMatch(
      /200 before, 401 after \(it died with the session\)/,
    );
    expect(report.run.signedOut).toBe(report.run.sessions);
  });

  it('without rotation: rotation fails, the checks that need it skip', {
    timeout: 90_000,
  }, async () => {
    const report = await auditProvider(false);
    expect(verdictsOf(report)).toEqual({
      ...common,
      rotation: 'fail',
      'reuse-detection': 'skip',
      'grace-window': 'skip',
      'concurrent-refresh': 'pass',
      'lost-response': 'skip',
    });
    expect(checkOf(report, 'rotation').finding).toBe('the refresh returned the same refresh token');
    expect(checkOf(report, 'reuse-detection').finding).toBe(
      'the server does not rotate refresh tokens (see rotation)',
    );
  });
});
