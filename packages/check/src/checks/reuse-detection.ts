import { fingerprint } from '../secrets/fingerprint.js';
import { describeOutcome } from '../session/refresh-outcome.js';
import { type CheckDefinition, needs } from './check.js';
import { isOutcome, openRotatedSession } from './rotated-session.js';
import { skip } from './verdict.js';

export const reuseDetection: CheckDefinition = {
  id: 'reuse-detection',
  title: 'a rotated-away refresh token is refused and revokes the family',
  why: 'When an old refresh token comes back after its successor was used, either the user or a thief holds a copy; only revoking the whole family cuts both off (RFC 9700 §4.14.2; seed 001, §5).',
  waits: false,
  needs: () => needs({ sessions: 1, requests: 4 }),
  async run(context) {
    const rotated = await openRotatedSession(context);
    if (isOutcome(rotated)) return rotated;
    const { session, r0, r1, evidence } = rotated;
    const second = await session.refresh(r1);
    const r2 = second.tokens?.refreshToken;
    evidence.push(
      `refresh of ${fingerprint(r1)}: ${describeOutcome(second)}${r2 ? ` → ${fingerprint(r2)}` : ''}`,
    );
    if (second.kind !== 'fresh' || !r2)
      return skip('the successor could not be refreshed', evidence);

    const replay = await session.refresh(r0);
    evidence.push(
      `${fingerprint(r0)} again (rotated away, its successor used): ${describeOutcome(replay)}`,
    );
    if (replay.kind === 'fresh') {
      return { verdict: 'fail', finding: 'a rotated-away refresh token was accepted', evidence };
    }
    const newest = await session.refresh(r2);
    evidence.push(`then the newest token ${fingerprint(r2)}: ${describeOutcome(newest)}`);
    if (newest.kind === 'fresh') {
      return {
        verdict: 'fail',
        finding:
          'the rotated-away token was refused but the family lives on: reuse is not detected',
        evidence,
      };
    }
    if (replay.kind === 'stale' || newest.kind === 'stale') {
      evidence.push('a refusal was answered 200 with tokens issued before (see swallowed-errors)');
    }
    return {
      verdict: 'pass',
      finding: 'reuse of a rotated-away token revoked the family',
      evidence,
    };
  },
};
