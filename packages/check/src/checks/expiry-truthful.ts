import type { HttpExchange } from '../http/http-client.js';
import { fingerprint } from '../secrets/fingerprint.js';
import type { AuditSession } from '../session/audit-session.js';
import { type CheckContext, type CheckDefinition, needs } from './check.js';
import { formatMs, formatSeconds } from './describe.js';
import { expirySchedule, expiryWaitMs } from './expiry-schedule.js';
import { type Outcome, skip } from './verdict.js';

const ok = (exchange: HttpExchange) => exchange.status >= 200 && exchange.status < 300;

export const expiryTruthful: CheckDefinition = {
  id: 'expiry-truthful',
  title: 'the access token works until shortly before expires_in and not after it',
  why: 'Clients schedule their refresh from expires_in: a token that dies earlier produces the unexplained 401s of seed 003, one that lives on past it means the number is not what governs (RFC 6749 §5.1; RFC 6750 §3.1).',
  waits: true,
  needs: (target, settings) =>
    target.resource
      ? needs({ sessions: 1, requests: 8, waitMs: settings.maxWaitMs })
      : { skip: 'needs --resource (a URL that accepts the access token)' },
  async run(context) {
    const session = await context.openSession();
    const received = context.now();
    const { tokens } = session.login;
    if (tokens.expiresIn === undefined)
      return skip('the token response has no expires_in (see lifetimes)');
    const fresh = await context.callResource(tokens.accessToken);
    const evidence = [
      `${session.label}: access token ${fingerprint(tokens.accessToken)}, expires_in ${tokens.expiresIn} (${formatSeconds(tokens.expiresIn)})`,
      `resource at once: ${fresh.status}`,
    ];
    if (!ok(fresh))
      return skip(
        `the resource refused a fresh access token (${fresh.status}): check --resource`,
        evidence,
      );
    const needed = expiryWaitMs(tokens.expiresIn * 1000);
    if (needed > context.settings.maxWaitMs) {
      return {
        verdict: 'warn',
        finding: `not measured: it takes ${formatMs(needed)}, over --max-wait ${formatMs(context.settings.maxWaitMs)} (run with --max-wait ${Math.ceil(needed / 1000)}s)`,
        evidence,
      };
    }
    if (session.login.ms > 1000)
      evidence.push(`the login took ${formatMs(session.login.ms)}: times are from its answer`);
    return probe(context, session, received, evidence);
  },
};

/**
 * The token was minted while the login ran: it lives at least until the login's start plus
 * expires_in, and at most until its answer plus expires_in. Each probe takes the bound it tests.
 */
async function probe(
  context: CheckContext,
  session: AuditSession,
  received: number,
  evidence: string[],
): Promise<Outcome> {
  const { accessToken, expiresIn = 0 } = session.login.tokens;
  const expiresInMs = expiresIn * 1000;
  const schedule = expirySchedule(expiresInMs);
  const loginStart = received - session.login.ms;
  const at = async (base: number, offset: number) => {
    await context.wait(Math.max(0, base + offset - context.now()));
    const exchange = await context.callResource(accessToken);
    evidence.push(`resource at ${formatMs(context.now() - received)}: ${exchange.status}`);
    return exchange;
  };
  if (loginStart + schedule.before > context.now() && !ok(await at(loginStart, schedule.before))) {
    // A whole-second exp can end a token up to a second before expires_in, and the server
    // judged it at some moment before its answer arrived: only a refusal that arrived more
    // than a second before expires_in proves that the token died early.
    const answered = context.now() - loginStart;
    if (answered <= expiresInMs - 1000) {
      return {
        verdict: 'fail',
        finding: `the access token was refused ${formatMs(answered)} after the login began, although expires_in promised ${formatSeconds(expiresIn)}`,
        evidence,
      };
    }
    evidence.push(
      'that refusal came within a second of expires_in (a whole-second exp, or a slow answer): not early',
    );
  }
  for (const [index, offset] of schedule.after.entries()) {
    if (offset > context.settings.maxWaitMs && index > 0) break;
    if (ok(await at(received, offset))) continue;
    if (index === 0)
      return {
        verdict: 'pass',
        finding: `works until expires_in (${formatSeconds(expiresIn)}) and not after`,
        evidence,
      };
    return {
      verdict: 'warn',
      finding: `still accepted ${formatMs(schedule.after[index - 1]! - expiresInMs)} past expires_in (leeway on the resource?)`,
      evidence,
    };
  }
  return {
    verdict: 'warn',
    finding: 'still accepted past expires_in, as long as the audit waited',
    evidence,
  };
}
