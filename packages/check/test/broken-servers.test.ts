/**
 * One small server per mistake of issue 18, each otherwise correct: each mistake must make
 * exactly its named check fail, and the clean server must make none fail.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../src/run/audit.js';
import { checkOf, everything, quick, verdictsOf } from './support/audit-helpers.js';
import { type Mistake, mistakes } from './support/reference-server/mistakes.js';
import {
  REF_USER,
  type ReferenceServer,
  startReferenceServer,
} from './support/reference-server/server.js';

const servers: ReferenceServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function auditOf(mistake?: Mistake) {
  const server = await startReferenceServer({
    ...(mistake ? { mistake } : {}),
    // Overlapping refreshes of one token share an answer while the "store" holds the row for
    // 300 ms, so the burst of concurrent-refresh sees one successor; the mistake then shows only
    // when the predecessor comes back later, which is grace-window's probe. (A server that also
    // minted a second successor inside a race would rightly fail concurrent-refresh as well.)
    ...(mistake === 'grace-mints-second-successor' ? { storeLatencyMs: 300 } : {}),
  });
  servers.push(server);
  const report = await audit({
    issuer: server.url,
    username: REF_USER.username,
    password: REF_USER.password,
    resource: `${server.url}/api/me`,
    ...quick,
  });
  return { server, report };
}

const findings: Record<Mistake, RegExp> = {
  'no-rotation': /same refresh token/,
  'no-reuse-detection': /reuse is not detected/,
  'grace-mints-second-successor': /second successor and the first still works/,
  'refresh-demands-access-token': /refused without the access token and accepted with it/,
  'swallowed-refresh-error': /a revoked refresh token was answered 200 with tokens issued before/,
  'lying-expires-in': /refused .* although expires_in promised 4 s/,
  'no-no-store': /no Cache-Control: no-store on the login and refresh response/,
  'crash-on-malformed-body': /5xx/,
  'revocation-does-nothing': /revocation did nothing/,
};

describe.concurrent('deliberately broken servers', () => {
  it('the same server without a mistake: nothing fails, only its 4 s tokens are short', {
    timeout: 60_000,
  }, async () => {
    const { server, report } = await auditOf();
    const verdicts = verdictsOf(report);
    expect(Object.entries(verdicts).filter(([, v]) => v !== 'pass')).toEqual([
      ['lifetimes', 'warn'],
    ]);
    expect(checkOf(report, 'grace-window').finding).toMatch(
      /same successor until that successor is used/,
    );
    expect(checkOf(report, 'lost-response').finding).toMatch(
      /gets the same successor: the client recovers/,
    );
    // The login's 4 s access token has expired by the time jwt-hygiene runs: it forges a fresh one.
    expect(checkOf(report, 'jwt-hygiene').evidence).toEqual(
      expect.arrayContaining([
        'resource refused a forged token (alg none): 401',
        'resource refused a forged token (HS256 keyed by the public key): 401',
      ]),
    );
    expect(report.run.sessions).toBe(8);
    expect(report.run.signedOut).toBe(8);
    for (const token of server.minted) expect(everything(report)).not.toContain(token);
  });

  it.concurrent.each(Object.entries(mistakes) as [Mistake, string][])(
    '%s is flagged by %s, and by nothing else',
    { timeout: 60_000 },
    async (mistake, check) => {
      const { server, report } = await auditOf(mistake);
      const failing = report.checks.filter((c) => c.verdict === 'fail').map((c) => c.id);
      expect(failing).toEqual([check]);
      expect(checkOf(report, check as never).finding).toMatch(findings[mistake]);
      expect(report.summary.fail).toBe(1);
      for (const token of server.minted) expect(everything(report)).not.toContain(token);
    },
  );
});
