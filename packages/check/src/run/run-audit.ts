import type { AuditSettings, CheckContext, CheckDefinition } from '../checks/check.js';
import type { CheckId } from '../checks/check-id.js';
import type { Outcome } from '../checks/verdict.js';
import type { AuditHttp } from '../http/http-client.js';
import { resourceRequest } from '../http/token-requests.js';
import type { SecretRegistry } from '../secrets/secret-registry.js';
import type { CommandRunner } from '../session/login.js';
import {
  createSessionPool,
  type SessionPool,
  type SignOutReport,
} from '../session/session-pool.js';
import type { LoginCredentials, Target } from '../target/target.js';
import { outcomeOfError } from './check-errors.js';
import type { AuditPlan, PlannedCheck } from './plan.js';
import type { ProgressEvent } from './progress.js';
import { fetchJwks, observe, once } from './shared-probes.js';

/** A check's result as reported. */
export interface CheckReport {
  readonly id: CheckId;
  readonly verdict: Outcome['verdict'];
  readonly finding: string;
  readonly evidence: readonly string[];
  readonly why: string;
}

/** The audit could not start: discovery failed, or the first sign-in did. */
export class AuditStartError extends Error {
  override readonly name = 'AuditStartError';
}

export interface RunDependencies {
  readonly http: AuditHttp;
  /** Sends the sign-out; unaffected by `signal`. */
  readonly signOutHttp: AuditHttp;
  readonly secrets: SecretRegistry;
  readonly now: () => number;
  /** Resolves after `ms`, or early once `signal` aborts. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly runCommand: CommandRunner;
  readonly commandTimeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface RunInput {
  readonly plan: AuditPlan;
  readonly target: Target;
  readonly settings: AuditSettings;
  readonly credentials?: LoginCredentials;
  readonly maxSessions: number;
}

/** Runs the plan: waiting checks side by side, the others one after another; signs out. */
export async function runAudit(
  input: RunInput,
  deps: RunDependencies,
): Promise<{ checks: CheckReport[]; signOut: SignOutReport }> {
  const pool = createSessionPool({
    http: deps.http,
    signOutHttp: deps.signOutHttp,
    target: input.target,
    ...(input.credentials ? { credentials: input.credentials } : {}),
    secrets: deps.secrets,
    maxSessions: input.maxSessions,
    runCommand: deps.runCommand,
    now: deps.now,
    commandTimeoutMs: deps.commandTimeoutMs,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  const running = input.plan.checks.filter((check) => !check.skip);
  const outcomes = new Map<CheckId, Outcome>();
  deps.onProgress?.({ type: 'start', total: running.length });
  try {
    if (input.plan.sessions > 0) await warmUp(pool);
    const context = sharedContext(input, deps, pool);
    let done = 0;
    const execute = async (check: PlannedCheck) => {
      outcomes.set(check.id, await runOne(check.definition, context));
      done++;
      deps.onProgress?.({
        type: 'done',
        id: check.id,
        verdict: outcomes.get(check.id)!.verdict,
        done,
        total: running.length,
      });
    };
    const waiting = Promise.all(running.filter((c) => c.definition.waits).map(execute));
    for (const check of running.filter((c) => !c.definition.waits)) await execute(check);
    await waiting;
  } finally {
    deps.onProgress?.({ type: 'sign-out', sessions: pool.opened });
  }
  const signOut = await pool.signOutAll();
  return {
    checks: input.plan.checks.map((check) => report(check, outcomes.get(check.id))),
    signOut,
  };
}

async function warmUp(pool: SessionPool): Promise<void> {
  try {
    await pool.warmUp();
  } catch (error) {
    throw new AuditStartError(
      `could not sign in: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function report(check: PlannedCheck, outcome: Outcome | undefined): CheckReport {
  const result = outcome ?? {
    verdict: 'skip' as const,
    finding: check.skip ?? 'not run',
    evidence: [],
  };
  return {
    id: check.id,
    verdict: result.verdict,
    finding: result.finding,
    evidence: result.evidence,
    why: check.definition.why,
  };
}

async function runOne(
  definition: CheckDefinition,
  context: (id: CheckId) => CheckContext,
): Promise<Outcome> {
  try {
    return await definition.run(context(definition.id));
  } catch (error) {
    return outcomeOfError(error);
  }
}

/** The per-check contexts, sharing one observation session and one JWKS fetch. */
function sharedContext(
  input: RunInput,
  deps: RunDependencies,
  pool: SessionPool,
): (id: CheckId) => CheckContext {
  const open = () => pool.open();
  const observation = once(() => observe(open));
  const jwks = once(() => fetchJwks(deps.http, input.target.jwksUri));
  return (id) => ({
    target: input.target,
    settings: input.settings,
    http: deps.http,
    secrets: deps.secrets,
    openSession: open,
    observation,
    jwks,
    callResource: (token) => deps.http.send(resourceRequest(input.target.resource!, token)),
    now: deps.now,
    wait: async (ms) => {
      if (ms <= 0) return;
      deps.onProgress?.({ type: 'wait', id, until: deps.now() + ms });
      await deps.sleep(ms);
    },
  });
}
