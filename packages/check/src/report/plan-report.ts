import { formatMs } from '../checks/describe.js';
import type { PreparedAudit } from '../run/audit.js';
import { targetUrls } from '../target/target.js';
import { createStyle } from './style.js';
import { endpointLines } from './text-report.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function cost(needs: {
  sessions: number;
  requests: number;
  waitMs: number;
  observation: boolean;
}): string {
  const parts: string[] = [];
  if (needs.sessions > 0) parts.push(plural(needs.sessions, 'session'));
  if (needs.observation) parts.push('the shared session');
  if (needs.requests > 0) parts.push(`≤ ${plural(needs.requests, 'request')}`);
  if (needs.waitMs > 0) parts.push(`waits up to ${formatMs(needs.waitMs)}`);
  return parts.join(' · ') || 'nothing sent';
}

/** What --dry-run prints: each check with its cost or why it is skipped, then the totals. */
export function formatPlanText(
  prepared: PreparedAudit,
  options: { colour?: boolean; rate: number },
): string {
  const style = createStyle(options.colour ?? false);
  const { plan, target, settings } = prepared;
  const endpoints = Object.fromEntries(targetUrls(target).map(({ name, url }) => [name, url]));
  const width = Math.max(...plan.checks.map((c) => c.id.length));
  const lines = [
    style.bold(
      `tokenkeeper-check plan: ${target.issuer ?? target.tokenEndpoint} (${settings.clientType} client)`,
    ),
    ...endpointLines(endpoints, style),
    '',
  ];
  for (const check of plan.checks) {
    const detail = check.needs ? cost(check.needs) : style.dim(`skip: ${check.skip}`);
    lines.push(`  ${check.id.padEnd(width)}  ${detail}`);
  }
  lines.push('');
  lines.push(
    `${plural(plan.sessions, 'session')} (each signed out at the end), at most ${plural(plan.requests, 'request')} (${options.rate}/s), waiting at most ${formatMs(plan.longestWaitMs)} (the waiting checks run side by side)`,
  );
  lines.push(style.dim('dry run: nothing was sent but discovery; no session was opened'));
  return `${lines.join('\n')}\n`;
}

/** The --dry-run --json output. */
export function formatPlanJson(prepared: PreparedAudit): string {
  const { plan, target, settings } = prepared;
  return `${JSON.stringify(
    {
      target: target.issuer ?? target.tokenEndpoint,
      endpoints: Object.fromEntries(targetUrls(target).map(({ name, url }) => [name, url])),
      clientType: settings.clientType,
      plan: {
        checks: plan.checks.map((check) =>
          check.needs
            ? {
                id: check.id,
                run: true,
                sessions: check.needs.sessions,
                sharedSession: check.needs.observation,
                requests: check.needs.requests,
                waitMs: check.needs.waitMs,
              }
            : { id: check.id, run: false, skip: check.skip },
        ),
        sessions: plan.sessions,
        requests: plan.requests,
        longestWaitMs: plan.longestWaitMs,
      },
    },
    null,
    2,
  )}\n`;
}
