import type { CheckId } from '../../src/checks/check-id.js';
import type { Verdict } from '../../src/checks/verdict.js';
import type { AuditOptions, AuditReport } from '../../src/run/audit.js';

/**
 * Settings that keep a whole audit to seconds: the servers under test issue short-lived tokens,
 * so the waits can be short too; the rate is raised because these servers are local, and the
 * request timeout too, because a shared test machine can be slow to answer.
 */
export const quick: Partial<AuditOptions> = {
  maxWaitMs: 6000,
  lostResponsePauseMs: 1000,
  rate: 50,
  timeoutMs: 30_000,
};

export function verdictsOf(report: AuditReport): Record<CheckId, Verdict> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.verdict])) as Record<
    CheckId,
    Verdict
  >;
}

export function checkOf(report: AuditReport, id: CheckId) {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} in the report`);
  return found;
}

/** The report's text, for assertions about what it says (and never says). */
export const everything = (report: AuditReport): string => JSON.stringify(report);
