import { randomBytes } from 'node:crypto';
import { revocationRequest } from '../http/token-requests.js';
import { fingerprint } from '../secrets/fingerprint.js';
import type { AuditSession } from '../session/audit-session.js';
import { describeOutcome, type RefreshOutcome } from '../session/refresh-outcome.js';
import { type CheckContext, type CheckDefinition, needs } from './check.js';

/** A token of the same length and alphabet, with its last characters changed. */
export function tamper(token: string): string {
  const tail = token.slice(-4);
  const swapped = [...tail].map((c) => (c === 'A' ? 'B' : 'A')).join('');
  return token.slice(0, -4) + swapped;
}

const succeeded = (outcome: RefreshOutcome) => outcome.status >= 200 && outcome.status < 300;

export const swallowedErrors: CheckDefinition = {
  id: 'swallowed-errors',
  title: 'a refresh that cannot have succeeded is never answered 200',
  why: 'A refresh failure answered with 200 looks like success: the client keeps stale tokens and the user is dropped later with nothing in the logs (seed 003, cause 1: an error swallowed by a rescue block).',
  waits: false,
  needs: (target) =>
    needs({ sessions: 1, observation: true, requests: 2 + (target.revocationEndpoint ? 2 : 4) }),
  async run(context) {
    const evidence: string[] = [];
    const failures: string[] = [];
    const { session: observed } = await context.observation();
    const loginToken = observed.login.tokens.refreshToken;
    const forged = [['a random refresh token', randomBytes(32).toString('base64url')]];
    if (loginToken)
      forged.push([`a tampered copy of ${fingerprint(loginToken)}`, tamper(loginToken)]);
    for (const [name, token] of forged) {
      context.secrets.add(token);
      const outcome = await observed.refresh(token!);
      evidence.push(`${name}: ${describeOutcome(outcome)}`);
      if (succeeded(outcome)) failures.push(`${name} was answered ${outcome.status}`);
    }
    const revoked = await revokedRefresh(context);
    evidence.push(...revoked.evidence);
    if (revoked.outcome?.kind === 'stale')
      failures.push(
        `${revoked.name} was answered ${revoked.outcome.status} with tokens issued before`,
      );
    if (revoked.outcome?.kind === 'fresh') {
      evidence.push(
        `the ${revoked.name.replace(/^a /, '')} still refreshes: not a swallowed error, the revocation did not take (see ${context.target.revocationEndpoint ? 'revocation' : 'reuse-detection'})`,
      );
    }
    if (failures.length > 0)
      return {
        verdict: 'fail',
        finding: `a failed refresh was answered as a success: ${failures.join('; ')}`,
        evidence,
      };
    return { verdict: 'pass', finding: 'refreshes that cannot succeed are refused', evidence };
  },
};

/** A refresh token whose session has ended: revoked through RFC 7009, or by reuse detection. */
async function revokedRefresh(
  context: CheckContext,
): Promise<{ name: string; outcome?: RefreshOutcome; evidence: string[] }> {
  const session = await context.openSession();
  const r0 = session.login.tokens.refreshToken;
  if (!r0)
    return {
      name: 'a revoked token',
      evidence: [`${session.label}: the login returned no refresh token`],
    };
  const endpoint = context.target.revocationEndpoint;
  if (endpoint) {
    const revoke = await context.http.send(
      revocationRequest({ ...context.target, revocationEndpoint: endpoint }, r0, 'refresh_token'),
    );
    const outcome = await session.refresh(r0);
    return {
      name: 'a revoked refresh token',
      outcome,
      evidence: [
        `${session.label}: revoked ${fingerprint(r0)} (${revoke.status}), then refreshed with it: ${describeOutcome(outcome)}`,
      ],
    };
  }
  return reuseRevoked(session, r0);
}

async function reuseRevoked(session: AuditSession, r0: string) {
  const name = 'a token of a family revoked for reuse';
  const evidence: string[] = [];
  const first = await session.refresh(r0);
  const r1 = first.tokens?.refreshToken;
  const second = r1 && r1 !== r0 ? await session.refresh(r1) : undefined;
  const r2 = second?.tokens?.refreshToken;
  if (!r1 || !second || !r2 || second.kind !== 'fresh') {
    evidence.push(
      `${session.label}: no revocation endpoint, and no rotated family to revoke by reuse: revoked tokens not tried`,
    );
    return { name, evidence };
  }
  const reuse = await session.refresh(r0);
  const outcome = await session.refresh(r2);
  evidence.push(
    `${session.label}: ${fingerprint(r0)} → ${fingerprint(r1)} → ${fingerprint(r2)}; ${fingerprint(r0)} again: ${describeOutcome(reuse)}; then ${fingerprint(r2)}: ${describeOutcome(outcome)}`,
  );
  return { name, outcome, evidence };
}
