import type { AuditSettings, CheckDefinition, CheckNeeds } from '../checks/check.js';
import type { CheckId } from '../checks/check-id.js';
import { checks } from '../checks/registry.js';
import { SIGN_OUT_PER_SESSION } from '../session/session-pool.js';
import type { Target } from '../target/target.js';

export interface PlannedCheck {
  readonly id: CheckId;
  readonly title: string;
  readonly definition: CheckDefinition;
  /** Why it will not run; undefined when it runs. */
  readonly skip?: string;
  readonly needs?: CheckNeeds;
}

/** What the audit will do, announced before it does anything. */
export interface AuditPlan {
  readonly checks: readonly PlannedCheck[];
  /** Sessions it signs in (each is signed out at the end). */
  readonly sessions: number;
  /** Most HTTP requests it sends, logins and sign-out included. */
  readonly requests: number;
  /** Of `requests`, those that sign the sessions out at the end. */
  readonly signOutRequests: number;
  /** The longest wait; waiting checks run side by side, so this bounds the waiting. */
  readonly longestWaitMs: number;
}

export interface PlanOptions {
  readonly only?: readonly CheckId[];
  readonly maxSessions: number;
}

/** Pure: which checks run, and what they cost. Checks past --max-sessions are skipped. */
export function planAudit(
  target: Target,
  settings: AuditSettings,
  options: PlanOptions,
): AuditPlan {
  let sessions = 0;
  let requests = 0;
  let longestWaitMs = 0;
  let observationOpen = false;
  const planned: PlannedCheck[] = [];
  for (const definition of checks) {
    const base = { id: definition.id, title: definition.title, definition };
    if (options.only && !options.only.includes(definition.id)) {
      planned.push({ ...base, skip: 'not selected (--only)' });
      continue;
    }
    const needs = definition.needs(target, settings);
    if ('skip' in needs) {
      planned.push({ ...base, skip: needs.skip });
      continue;
    }
    const extra = needs.sessions + (needs.observation && !observationOpen ? 1 : 0);
    if (sessions + extra > options.maxSessions) {
      planned.push({
        ...base,
        skip: `needs ${extra} more session(s) than --max-sessions ${options.maxSessions} allows`,
      });
      continue;
    }
    if (needs.observation && !observationOpen) {
      observationOpen = true;
      requests += 1; // the shared refresh
    }
    sessions += extra;
    requests += needs.requests;
    longestWaitMs = Math.max(longestWaitMs, needs.waitMs);
    planned.push({ ...base, needs });
  }
  const logins = target.login.kind === 'url' ? sessions : 0;
  const signOutRequests = target.revocationEndpoint ? sessions * SIGN_OUT_PER_SESSION : 0;
  return {
    checks: planned,
    sessions,
    requests: requests + logins + signOutRequests,
    signOutRequests,
    longestWaitMs,
  };
}
