import { randomBytes } from 'node:crypto';
import { revocationRequest } from '../http/token-requests.js';
import { fingerprint } from '../secrets/fingerprint.js';
import { describeOutcome } from '../session/refresh-outcome.js';
import { type CheckDefinition, needs } from './check.js';
import { type Verdict, worse } from './verdict.js';

export const revocation: CheckDefinition = {
  id: 'revocation',
  title: 'RFC 7009: unknown tokens get 200, a revoked refresh token is refused',
  why: 'Signing out must end the session on the server, and a client signing out with a token the server no longer knows must not see an error (RFC 7009 §2.1, §2.2).',
  waits: false,
  needs: (target) =>
    target.revocationEndpoint
      ? needs({ sessions: 1, requests: 3 + (target.resource ? 2 : 0) })
      : {
          skip: 'no revocation endpoint (--revocation-endpoint, or --issuer with one in its metadata)',
        },
  async run(context) {
    const target = { ...context.target, revocationEndpoint: context.target.revocationEndpoint! };
    const evidence: string[] = [];
    let verdict: Verdict = 'pass';
    const findings: string[] = [];
    const unknown = await context.http.send(
      revocationRequest(target, randomBytes(32).toString('base64url')),
    );
    evidence.push(`revoking an unknown token: ${unknown.status}`);
    if (
      unknown.status >= 500 ||
      (unknown.status >= 200 && unknown.status < 300 && unknown.status !== 200)
    ) {
      verdict = 'fail';
      findings.push(`an unknown token got ${unknown.status}`);
    } else if (unknown.status !== 200) {
      verdict = worse(verdict, 'warn');
      findings.push(`an unknown token got ${unknown.status}, not 200`);
    }
    const session = await context.openSession();
    const { refreshToken, accessToken } = session.login.tokens;
    if (!refreshToken)
      return { verdict, finding: findings[0] ?? 'the login returned no refresh token', evidence };
    const before = context.target.resource ? await context.callResource(accessToken) : undefined;
    const revoke = await context.http.send(
      revocationRequest(target, refreshToken, 'refresh_token'),
    );
    const after = await session.refresh(refreshToken);
    evidence.push(
      `${session.label}: revoking ${fingerprint(refreshToken)}: ${revoke.status}; refreshing with it afterwards: ${describeOutcome(after)}`,
    );
    if (revoke.status !== 200) {
      verdict = 'fail';
      findings.push(`revoking a refresh token got ${revoke.status}`);
    }
    if (after.kind === 'fresh') {
      verdict = 'fail';
      findings.push('the revoked refresh token still refreshes: revocation did nothing');
    } else if (after.kind === 'stale') {
      evidence.push(
        'the refusal was answered 200 with tokens issued before (see swallowed-errors)',
      );
    }
    if (before) {
      const later = await context.callResource(accessToken);
      evidence.push(
        `its access token ${fingerprint(accessToken)} at the resource: ${before.status} before, ${later.status} after${later.status >= 200 && later.status < 300 ? ' (it lives until its exp: stateless access tokens)' : ' (it died with the session)'}`,
      );
    }
    return {
      verdict,
      finding: findings.join('; ') || 'revoked refresh tokens are refused; unknown tokens get 200',
      evidence,
    };
  },
};
