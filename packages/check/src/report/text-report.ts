import { formatMs } from '../checks/describe.js';
import { type Verdict, verdicts } from '../checks/verdict.js';
import type { AuditReport } from '../run/audit.js';
import { createStyle, type Style } from './style.js';

const LABEL: Record<Verdict, string> = { fail: 'FAIL', warn: 'WARN', pass: 'PASS', skip: 'SKIP' };

/** "3 pass, 1 warn, 0 fail, 2 skip". */
export function summaryLine(summary: Readonly<Record<Verdict, number>>): string {
  return `${summary.pass} pass, ${summary.warn} warn, ${summary.fail} fail, ${summary.skip} skip`;
}

/** The endpoints block shared by the report and the plan. */
export function endpointLines(endpoints: Readonly<Record<string, string>>, style: Style): string[] {
  const width = Math.max(...Object.keys(endpoints).map((name) => name.length));
  return Object.entries(endpoints).map(
    ([name, url]) => `  ${style.dim(name.padEnd(width))}  ${url}`,
  );
}

/** The terminal report: grouped by verdict (fail first), evidence under each check. */
export function formatTextReport(report: AuditReport, options: { colour?: boolean } = {}): string {
  const style = createStyle(options.colour ?? false);
  const lines = [
    style.bold(`tokenkeeper-check: ${report.target} (${report.clientType} client)`),
    ...endpointLines(report.endpoints, style),
    '',
  ];
  for (const verdict of verdicts) {
    for (const check of report.checks.filter((c) => c.verdict === verdict)) {
      lines.push(
        `${style.verdict(verdict, LABEL[verdict])}  ${style.bold(check.id)}: ${check.finding}`,
      );
      for (const item of check.evidence) lines.push(`        ${item}`);
      if (verdict === 'fail' || verdict === 'warn')
        lines.push(style.dim(`        why: ${check.why}`));
    }
  }
  const { run } = report;
  lines.push('');
  const signedOut =
    run.sessions === 0
      ? 'no session opened'
      : `${run.sessions} session(s) opened, ${run.signedOut} signed out`;
  lines.push(
    style.dim(
      `${signedOut} · ${run.requests} requests · ${formatMs(run.durationMs)}${run.note ? ` · ${run.note}` : ''}`,
    ),
  );
  lines.push(style.bold(summaryLine(report.summary)));
  return `${lines.join('\n')}\n`;
}

/** The --json output: `{ target, checks: [{ id, verdict, evidence, why, finding }], summary, ... }`. */
export function formatJsonReport(report: AuditReport): string {
  const { target, endpoints, clientType, checks, summary, run } = report;
  return `${JSON.stringify(
    {
      target,
      endpoints,
      clientType,
      checks: checks.map(({ id, verdict, finding, evidence, why }) => ({
        id,
        verdict,
        finding,
        evidence,
        why,
      })),
      summary,
      run,
    },
    null,
    2,
  )}\n`;
}
