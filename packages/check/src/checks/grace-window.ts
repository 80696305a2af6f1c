import { fingerprint } from '../secrets/fingerprint.js';
import { describeOutcome, isAccepted } from '../session/refresh-outcome.js';
import { type CheckContext, type CheckDefinition, needs } from './check.js';
import { formatMs } from './describe.js';
import { graceProbeOffsets, LONG_GRACE_MS } from './grace-probes.js';
import { isOutcome, openRotatedSession, type RotatedSession } from './rotated-session.js';
import type { Outcome } from './verdict.js';

export const graceWindow: CheckDefinition = {
  id: 'grace-window',
  title: 'whether, how long and how the immediate predecessor is honoured after rotation',
  why: 'A client whose refresh response was lost, or two tabs racing, present the predecessor again: the same successor keeps them signed in, a second successor splits the family into two live branches (RFC 9700 §4.14.2).',
  waits: true,
  needs: (_target, settings) =>
    needs({
      sessions: 1,
      requests: graceProbeOffsets(settings.maxWaitMs).length + 4,
      waitMs: settings.maxWaitMs,
    }),
  async run(context) {
    const rotated = await openRotatedSession(context);
    if (isOutcome(rotated)) return rotated;
    return measure(context, rotated);
  },
};

async function measure(context: CheckContext, rotated: RotatedSession): Promise<Outcome> {
  const { session, r0, r1, rotatedAt, evidence } = rotated;
  let lastAccepted: number | undefined;
  let accepted = 0;
  for (const offset of graceProbeOffsets(context.settings.maxWaitMs)) {
    const delay = rotatedAt + offset - context.now();
    if (delay > 0) await context.wait(delay);
    const at = context.now() - rotatedAt;
    const probe = await session.refresh(r0);
    const successor = probe.tokens?.refreshToken;
    if (!isAccepted(probe)) {
      if (lastAccepted !== undefined) {
        evidence.push(
          `${fingerprint(r0)} again: accepted ${accepted} times up to ${formatMs(lastAccepted)}, with the same successor ${fingerprint(r1)} each time`,
        );
      }
      evidence.push(`${fingerprint(r0)} at ${formatMs(at)}: ${describeOutcome(probe)}`);
      return refused(rotated, lastAccepted, at);
    }
    if (successor !== r1) {
      evidence.push(
        `${fingerprint(r0)} at ${formatMs(at)}: ${describeOutcome(probe)} → ${successor ? fingerprint(successor) : 'no refresh token'}`,
      );
      return splitOrReplace(rotated);
    }
    lastAccepted = at;
    accepted++;
  }
  evidence.push(
    `${fingerprint(r0)} accepted with the same successor ${fingerprint(r1)} at every probe up to ${formatMs(lastAccepted ?? 0)} (--max-wait ${formatMs(context.settings.maxWaitMs)})`,
  );
  // Still honoured: is it only until the successor is used?
  const used = await session.refresh(r1);
  const after = await session.refresh(r0);
  evidence.push(
    `successor ${fingerprint(r1)} used: ${describeOutcome(used)}; then ${fingerprint(r0)}: ${describeOutcome(after)}`,
  );
  if (!isAccepted(after)) {
    return {
      verdict: 'pass',
      finding: `the predecessor gets the same successor until that successor is used (at least ${formatMs(lastAccepted ?? 0)})`,
      evidence,
    };
  }
  return {
    verdict: 'warn',
    finding: `the predecessor is still accepted ${formatMs(context.now() - rotatedAt)} after rotation, even after its successor was used`,
    evidence,
  };
}

async function refused(
  { session, r1, evidence }: RotatedSession,
  lastAccepted: number | undefined,
  refusedAt: number,
): Promise<Outcome> {
  const successor = await session.refresh(r1);
  evidence.push(`then the successor ${fingerprint(r1)}: ${describeOutcome(successor)}`);
  if (lastAccepted === undefined) {
    return {
      verdict: 'pass',
      finding: 'grace window: 0 (the predecessor is refused right after rotation)',
      evidence,
    };
  }
  const finding = `grace window between ${formatMs(lastAccepted)} and ${formatMs(refusedAt)}, same successor each time`;
  if (lastAccepted >= LONG_GRACE_MS) {
    return { verdict: 'warn', finding: `${finding}: long enough for a thief to replay`, evidence };
  }
  return { verdict: 'pass', finding, evidence };
}

async function splitOrReplace({ session, r1, evidence }: RotatedSession): Promise<Outcome> {
  const first = await session.refresh(r1);
  evidence.push(`the first successor ${fingerprint(r1)} then: ${describeOutcome(first)}`);
  if (first.kind === 'fresh') {
    return {
      verdict: 'fail',
      finding:
        'the predecessor got a second successor and the first still works: the family split in two',
      evidence,
    };
  }
  return {
    verdict: 'warn',
    finding:
      'the predecessor got a new successor that replaced the first: whoever held the first is signed out',
    evidence,
  };
}
