import { fingerprint } from '../secrets/fingerprint.js';
import { describeOutcome, isAccepted } from '../session/refresh-outcome.js';
import { type CheckDefinition, needs } from './check.js';
import { skip } from './verdict.js';

export const rotation: CheckDefinition = {
  id: 'rotation',
  title: 'a refresh returns a new refresh token',
  why: 'Without rotation a stolen refresh token keeps working until it expires and nobody can tell the thief from the user (RFC 9700 §4.14.2; RFC 6819 §5.2.2.3).',
  waits: false,
  needs: () => needs({ observation: true }),
  async run(context) {
    const { session, refresh } = await context.observation();
    if (!refresh) return skip('the login returned no refresh token');
    if (!isAccepted(refresh) || !refresh.tokens) {
      return skip(
        `the refresh was refused (${describeOutcome(refresh)}; see refresh-without-access-token)`,
      );
    }
    const before = fingerprint(session.login.tokens.refreshToken!);
    const after = refresh.tokens.refreshToken;
    const evidence = [`login: refresh token ${before}`, `refresh: ${describeOutcome(refresh)}`];
    if (!after) {
      return {
        verdict: 'fail',
        finding: 'the refresh response carries no refresh token: the old one stays in use for good',
        evidence: [...evidence, 'no refresh_token in the response'],
      };
    }
    if (fingerprint(after) === before) {
      return {
        verdict: 'fail',
        finding: 'the refresh returned the same refresh token',
        evidence: [...evidence, `refresh token ${before} again`],
      };
    }
    return {
      verdict: 'pass',
      finding: 'every refresh returns a new refresh token',
      evidence: [...evidence, `new refresh token ${fingerprint(after)}`],
    };
  },
};
