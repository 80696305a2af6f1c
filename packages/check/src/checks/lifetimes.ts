import { type CheckDefinition, needs } from './check.js';
import { decodeJwt } from './jwt.js';
import { judgeAccessLifetime, judgeRefreshLifetime } from './lifetime-advice.js';
import { type Verdict, worse } from './verdict.js';

export const lifetimes: CheckDefinition = {
  id: 'lifetimes',
  title: 'access and refresh lifetimes against the advice for the client type',
  why: 'Long-lived access tokens widen what a theft buys; too short on a phone means more refreshes that can fail; seed 003 (cause 3) advises mobile access tokens of 15–60 min and refresh tokens of 30–90 days, web access tokens up to a few hours (RFC 6819 §5.1.5.3; RFC 9700 §4.14).',
  waits: false,
  needs: () => needs({ observation: true }),
  async run(context) {
    const { session, refresh } = await context.observation();
    const clientType = context.settings.clientType;
    const { tokens } = session.login;
    const evidence: string[] = [`advice for ${clientType} clients (--client-type)`];
    let verdict: Verdict = 'pass';
    let accessSeconds = tokens.expiresIn;
    if (accessSeconds === undefined) {
      const claims = decodeJwt(tokens.accessToken)?.payload;
      if (typeof claims?.exp === 'number' && typeof claims.iat === 'number')
        accessSeconds = claims.exp - claims.iat;
      verdict = 'warn';
      evidence.push(
        `the login response has no expires_in (RFC 6749 §5.1 recommends it): clients cannot refresh ahead of expiry${accessSeconds === undefined ? '' : '; the JWT says exp - iat'}`,
      );
    }
    if (accessSeconds !== undefined) {
      const access = judgeAccessLifetime(accessSeconds, clientType);
      verdict = worse(verdict, access.verdict);
      evidence.push(access.note);
    }
    const refreshExpiresIn = refresh?.tokens?.refreshExpiresIn ?? tokens.refreshExpiresIn;
    if (refreshExpiresIn === undefined) {
      evidence.push('refresh-token lifetime not advertised (no refresh_expires_in): not judged');
    } else {
      const judged = judgeRefreshLifetime(refreshExpiresIn, clientType);
      verdict = worse(verdict, judged.verdict);
      evidence.push(judged.note);
    }
    const afterRefresh = refresh?.tokens?.expiresIn;
    if (
      afterRefresh !== undefined &&
      tokens.expiresIn !== undefined &&
      afterRefresh !== tokens.expiresIn
    ) {
      evidence.push(`after a refresh expires_in is ${afterRefresh} (login: ${tokens.expiresIn})`);
    }
    const finding =
      verdict === 'pass'
        ? 'lifetimes within the advice'
        : verdict === 'fail'
          ? 'lifetimes far outside the advice'
          : 'lifetimes outside the advice';
    return { verdict, finding, evidence };
  },
};
