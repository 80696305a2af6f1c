import { fingerprint } from '../secrets/fingerprint.js';
import type { AuditSession } from '../session/audit-session.js';
import { describeOutcome, type RefreshOutcome } from '../session/refresh-outcome.js';
import type { CheckContext } from './check.js';
import { type Outcome, skip } from './verdict.js';

/** A session that has rotated once: R0 (from the login) was exchanged for R1. */
export interface RotatedSession {
  readonly session: AuditSession;
  readonly r0: string;
  readonly r1: string;
  readonly first: RefreshOutcome;
  /** When the answer carrying R1 arrived (context.now()). */
  readonly rotatedAt: number;
  readonly evidence: string[];
}

/**
 * Opens a session and refreshes it once. Checks that study what happens to a rotated-away
 * token skip (with the reason) when the server refuses the refresh or does not rotate.
 */
export async function openRotatedSession(context: CheckContext): Promise<RotatedSession | Outcome> {
  const session = await context.openSession();
  const r0 = session.login.tokens.refreshToken;
  if (!r0) return skip('the login returned no refresh token');
  const first = await session.refresh(r0);
  const rotatedAt = context.now();
  const evidence = [`${session.label}: refresh of ${fingerprint(r0)}: ${describeOutcome(first)}`];
  if (first.kind !== 'fresh') {
    return skip(
      `a first refresh did not work (${describeOutcome(first)}; see refresh-without-access-token)`,
      evidence,
    );
  }
  const r1 = first.tokens?.refreshToken;
  if (!r1 || r1 === r0) {
    return skip('the server does not rotate refresh tokens (see rotation)', evidence);
  }
  evidence[0] += ` → ${fingerprint(r1)}`;
  return { session, r0, r1, first, rotatedAt, evidence };
}

export const isOutcome = (value: RotatedSession | Outcome): value is Outcome => 'verdict' in value;
