import type { TokenSet } from '../http/token-response.js';
import { type CheckDefinition, type ClientType, needs } from './check.js';
import { decodeJwt } from './jwt.js';
import {
  judgeAccessLifetime,
  judgeRefreshLifetime,
  type LifetimeJudgement,
} from './lifetime-advice.js';
import { type Outcome, worse } from './verdict.js';

/** The lifetimes a login (and a refresh after it) advertise, against the advice. Pure. */
export function judgeLifetimes(
  login: TokenSet,
  refreshed: TokenSet | undefined,
  clientType: ClientType,
): Outcome {
  const judgements: LifetimeJudgement[] = [];
  const notes: string[] = [];
  let accessSeconds = login.expiresIn;
  if (accessSeconds === undefined) {
    const claims = decodeJwt(login.accessToken)?.payload;
    if (typeof claims?.exp === 'number' && typeof claims.iat === 'number')
      accessSeconds = claims.exp - claims.iat;
    judgements.push({
      verdict: 'warn',
      note: `the login response has no expires_in (RFC 6749 §5.1 recommends it): clients cannot refresh ahead of expiry${accessSeconds === undefined ? '' : '; the JWT says exp - iat'}`,
    });
  }
  if (accessSeconds !== undefined) judgements.push(judgeAccessLifetime(accessSeconds, clientType));
  const refreshSeconds = refreshed?.refreshExpiresIn ?? login.refreshExpiresIn;
  if (refreshSeconds === undefined)
    notes.push('refresh-token lifetime not advertised (no refresh_expires_in): not judged');
  else judgements.push(judgeRefreshLifetime(refreshSeconds, clientType));
  if (
    refreshed?.expiresIn !== undefined &&
    login.expiresIn !== undefined &&
    refreshed.expiresIn !== login.expiresIn
  ) {
    notes.push(`after a refresh expires_in is ${refreshed.expiresIn} (login: ${login.expiresIn})`);
  }
  const verdict = judgements.reduce((v, j) => worse(v, j.verdict), 'pass' as Outcome['verdict']);
  const worst = judgements.find((j) => j.verdict === verdict && verdict !== 'pass');
  return {
    verdict,
    finding: worst?.note ?? `lifetimes within the advice for ${clientType} clients`,
    evidence: [
      `advice for ${clientType} clients (--client-type)`,
      ...judgements.map((j) => j.note),
      ...notes,
    ],
  };
}

export const lifetimes: CheckDefinition = {
  id: 'lifetimes',
  title: 'access and refresh lifetimes against the advice for the client type',
  why: 'Long-lived access tokens widen what a theft buys; too short on a phone means more refreshes that can fail; seed 003 (cause 3) advises mobile access tokens of 15–60 min and refresh tokens of 30–90 days, web access tokens up to a few hours (RFC 6819 §5.1.5.3; RFC 9700 §4.14).',
  waits: false,
  needs: () => needs({ observation: true }),
  async run(context) {
    const { session, refresh } = await context.observation();
    return judgeLifetimes(session.login.tokens, refresh?.tokens, context.settings.clientType);
  },
};
