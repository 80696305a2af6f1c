import { fingerprint } from '../secrets/fingerprint.js';
import { describeOutcome } from '../session/refresh-outcome.js';
import { type CheckDefinition, needs } from './check.js';
import { formatMs } from './describe.js';
import { isOutcome, openRotatedSession } from './rotated-session.js';

export const lostResponse: CheckDefinition = {
  id: 'lost-response',
  title: 'the predecessor, presented after a pause with its successor unused, still gets a session',
  why: 'Phones lose responses: a client that never saw its new refresh token can only present the old one again, and a server that takes that for theft signs the user out (seed 003; RFC 9700 §4.14.2).',
  waits: true,
  needs: (_target, settings) =>
    needs({ sessions: 1, requests: 4, waitMs: settings.lostResponsePauseMs }),
  async run(context) {
    const rotated = await openRotatedSession(context);
    if (isOutcome(rotated)) return rotated;
    const { session, r0, r1, evidence } = rotated;
    const pause = context.settings.lostResponsePauseMs;
    evidence[0] += ' (the client "loses" this answer)';
    await context.wait(Math.max(0, rotated.rotatedAt + pause - context.now()));
    const again = await session.refresh(r0);
    const successor = again.tokens?.refreshToken;
    evidence.push(
      `${fingerprint(r0)} after ${formatMs(pause)}: ${describeOutcome(again)}${successor ? ` → ${fingerprint(successor)}` : ''}`,
    );
    if (again.kind === 'malformed') {
      return {
        verdict: 'fail',
        finding: 'the predecessor was answered 200 without an access token',
        evidence,
      };
    }
    if (again.kind === 'fresh' && successor === r1) {
      return {
        verdict: 'pass',
        finding: `after ${formatMs(pause)} the predecessor gets the same successor: the client recovers`,
        evidence,
      };
    }
    const lost = await session.refresh(r1);
    evidence.push(
      `the successor the client never received, ${fingerprint(r1)}: ${describeOutcome(lost)}`,
    );
    if (again.kind === 'fresh') {
      return lost.kind === 'fresh'
        ? {
            verdict: 'warn',
            finding: 'the client recovers, but with a second live successor beside the lost one',
            evidence,
          }
        : {
            verdict: 'pass',
            finding: 'the client recovers with a new successor; the lost one no longer works',
            evidence,
          };
    }
    return lost.kind === 'fresh'
      ? {
          verdict: 'warn',
          finding: `after ${formatMs(pause)} the predecessor is refused: a client whose response was lost must sign in again`,
          evidence,
        }
      : {
          verdict: 'warn',
          finding: `after ${formatMs(pause)} the predecessor is refused and the session revoked: a lost response signs the user out`,
          evidence,
        };
  },
};
