import { fingerprint } from '../secrets/fingerprint.js';
import { describeOutcome } from '../session/refresh-outcome.js';
import { type CheckDefinition, needs } from './check.js';
import { skip } from './verdict.js';

export const refreshWithoutAccessToken: CheckDefinition = {
  id: 'refresh-without-access-token',
  title: 'the refresh request needs no access token',
  why: 'A refresh that demands the access token cannot succeed once that token has expired, which is exactly when it is needed: the client loops on 401 (seed 001, the infinite-loop FAQ; RFC 6749 §6).',
  waits: false,
  needs: () => needs({ requests: 1, observation: true }),
  async run(context) {
    const { session, refresh } = await context.observation();
    if (!refresh) return skip('the login returned no refresh token');
    const sent = `refresh of ${fingerprint(session.login.tokens.refreshToken!)} without Authorization: Bearer`;
    if (refresh.kind === 'fresh' || refresh.kind === 'stale') {
      return {
        verdict: 'pass',
        finding: 'a refresh works with the refresh token alone',
        evidence: [`${sent}: ${describeOutcome(refresh)}`],
      };
    }
    if (refresh.kind === 'malformed') {
      return {
        verdict: 'fail',
        finding: 'the refresh answered success without an access token',
        evidence: [`${sent}: ${describeOutcome(refresh)}`],
      };
    }
    // Refused: find out whether the access token is what it was missing.
    const retry = await session.refresh(session.login.tokens.refreshToken!, {
      bearer: session.login.tokens.accessToken,
    });
    const evidence = [
      `${sent}: ${describeOutcome(refresh)}`,
      `the same refresh with the access token as Bearer: ${describeOutcome(retry)}`,
    ];
    if (retry.kind === 'fresh' || retry.kind === 'stale') {
      return {
        verdict: 'fail',
        finding: 'the refresh is refused without the access token and accepted with it',
        evidence,
      };
    }
    return {
      verdict: 'fail',
      finding: 'a fresh refresh token was refused, with and without the access token',
      evidence,
    };
  },
};
