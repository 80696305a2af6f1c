import type { AuditHttp, HttpExchange } from '../http/http-client.js';
import type { SecretRegistry } from '../secrets/secret-registry.js';
import type { AuditSession } from '../session/audit-session.js';
import type { RefreshOutcome } from '../session/refresh-outcome.js';
import type { Target } from '../target/target.js';
import type { CheckId } from './check-id.js';
import type { Outcome } from './verdict.js';

/** Which lifetime advice applies (seed 003). */
export type ClientType = 'web' | 'mobile';

/** The knobs of an audit that checks read. Times in milliseconds. */
export interface AuditSettings {
  /** @default 'web' */
  readonly clientType: ClientType;
  /** Longest a measuring check (expiry-truthful, grace-window) waits. @default 60_000 */
  readonly maxWaitMs: number;
  /** lost-response's pause before the predecessor comes back. @default 15_000 */
  readonly lostResponsePauseMs: number;
  /** Simultaneous refreshes in concurrent-refresh. @default 10 */
  readonly concurrency: number;
}

/** The first session's login and one refresh of it without an access token, shared by the
 * checks that only look at token responses. */
export interface Observation {
  readonly session: AuditSession;
  /** Undefined when the login returned no refresh token. */
  readonly refresh?: RefreshOutcome;
}

/** A JSON Web Key Set, as far as the audit found one. */
export interface JwksResult {
  readonly url?: string;
  readonly keys?: readonly Record<string, unknown>[];
  /** Why there are no keys. */
  readonly problem?: string;
}

/** What a running check may use. */
export interface CheckContext {
  readonly target: Target;
  readonly settings: AuditSettings;
  readonly http: AuditHttp;
  readonly secrets: SecretRegistry;
  /** A new session (counted against --max-sessions; signed out at the end). */
  openSession(): Promise<AuditSession>;
  observation(): Promise<Observation>;
  jwks(): Promise<JwksResult>;
  /** GET the resource with `token` as the bearer (target.resource must be set). */
  callResource(token: string): Promise<HttpExchange>;
  now(): number;
  /** Sleeps, telling the progress line that this check is waiting. */
  wait(ms: number): Promise<void>;
}

/** What a check will cost, announced before anything is sent. */
export interface CheckNeeds {
  /** Sessions it opens itself. */
  readonly sessions: number;
  /** Most HTTP requests it sends (logins and sign-out not included). */
  readonly requests: number;
  /** Longest it waits on purpose. */
  readonly waitMs: number;
  /** It reads the shared observation session. */
  readonly observation: boolean;
}

export interface CheckDefinition {
  readonly id: CheckId;
  /** What it checks, in a few words. */
  readonly title: string;
  /** One sentence on why it matters, with its source. */
  readonly why: string;
  /** Runs alongside the others because it mostly waits. */
  readonly waits: boolean;
  /** Its cost, or why it cannot run against this target. */
  needs(target: Target, settings: AuditSettings): CheckNeeds | { readonly skip: string };
  run(context: CheckContext): Promise<Outcome>;
}

export const needs = (partial: Partial<CheckNeeds>): CheckNeeds => ({
  sessions: 0,
  requests: 0,
  waitMs: 0,
  observation: false,
  ...partial,
});
