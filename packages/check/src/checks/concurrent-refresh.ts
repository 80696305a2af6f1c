import { fingerprint } from '../secrets/fingerprint.js';
import { describeOutcome, isAccepted, type RefreshOutcome } from '../session/refresh-outcome.js';
import { type CheckDefinition, needs } from './check.js';
import { formatMs, tally } from './describe.js';
import { skip, type Verdict } from './verdict.js';

export const concurrentRefresh: CheckDefinition = {
  id: 'concurrent-refresh',
  title: 'simultaneous refreshes of one token leave one live successor',
  why: 'Apps fire several requests at once and each may trigger a refresh: the server must end up with one live successor, never two, and should not sign the user out for it (seed 001, §4; RFC 9700 §4.14.2).',
  waits: false,
  needs: (_target, settings) => needs({ sessions: 1, requests: settings.concurrency * 2 + 1 }),
  async run(context) {
    const session = await context.openSession();
    const r0 = session.login.tokens.refreshToken;
    if (!r0) return skip('the login returned no refresh token');
    const n = context.settings.concurrency;
    const answers = await session.refreshBurst(r0, n);
    const took = Math.max(...answers.map((a) => a.ms));
    const evidence = [
      `${session.label}: ${n} simultaneous refreshes of ${fingerprint(r0)}, all answered within ${formatMs(took)}: ${tally(answers.map(statusOf))}`,
    ];
    const accepted = answers.filter(isAccepted);
    if (accepted.length === 0) {
      const alone = await session.refresh(r0);
      evidence.push(`then one refresh of ${fingerprint(r0)} alone: ${describeOutcome(alone)}`);
      if (!isAccepted(alone))
        return skip('no refresh works here (see refresh-without-access-token)', evidence);
      return {
        verdict: 'fail',
        finding: `all ${n} simultaneous refreshes were refused, although one alone works`,
        evidence,
      };
    }
    const successors = [...new Set(accepted.map((a) => a.tokens?.refreshToken ?? r0))];
    if (successors.length === 1 && successors[0] === r0) {
      return {
        verdict: 'pass',
        finding: `${accepted.length} of ${n} accepted; the refresh token does not rotate (see rotation)`,
        evidence,
      };
    }
    evidence.push(`distinct successors: ${successors.map(fingerprint).join(', ')}`);
    let live = 0;
    for (const successor of successors) {
      const probe = await session.refresh(successor);
      evidence.push(`successor ${fingerprint(successor)} then: ${describeOutcome(probe)}`);
      if (probe.kind === 'fresh') live++;
    }
    const serverErrors = answers.filter((a) => a.status >= 500).length;
    return { ...judgeBurst({ n, accepted: accepted.length, live, serverErrors }), evidence };
  },
};

function statusOf(outcome: RefreshOutcome): string {
  return outcome.error ? `${outcome.status} ${outcome.error}` : String(outcome.status);
}

/** The verdict on a burst from what came of it: how many accepted, how many successors live. */
export function judgeBurst(seen: {
  n: number;
  accepted: number;
  live: number;
  serverErrors: number;
}): {
  verdict: Verdict;
  finding: string;
} {
  const { n, accepted, live, serverErrors } = seen;
  if (live > 1)
    return {
      verdict: 'fail',
      finding: `${live} live successors: the family split under concurrency`,
    };
  if (live === 0) {
    return {
      verdict: 'warn',
      finding:
        'the burst ended the session: a client that refreshes in parallel (tabs, requests) is signed out',
    };
  }
  if (serverErrors > 0)
    return { verdict: 'warn', finding: `one live successor, but ${serverErrors} answers were 5xx` };
  return {
    verdict: 'pass',
    finding:
      accepted === n
        ? `all ${n} got the same successor`
        : `one successor; the ${n - accepted} refusals left the session alive`,
  };
}
