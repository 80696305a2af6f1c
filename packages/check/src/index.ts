// tokenkeeper-check: the public face. Explicit named exports only; importing has no effects.

export type {
  AuditSettings,
  CheckContext,
  CheckDefinition,
  CheckNeeds,
  ClientType,
  JwksResult,
  Observation,
} from './checks/check.js';
export { type CheckId, checkIds, isCheckId } from './checks/check-id.js';
export { checks } from './checks/registry.js';
export type { Outcome, Verdict } from './checks/verdict.js';
export { type CliCommand, parseCliArgs, UsageError } from './cli/args.js';
export { type CliIo, main } from './cli/main.js';
export { formatPlanJson, formatPlanText } from './report/plan-report.js';
export { formatJsonReport, formatTextReport, summaryLine } from './report/text-report.js';
export {
  type AuditEnvironment,
  type AuditOptions,
  type AuditReport,
  audit,
  type PreparedAudit,
  prepareAudit,
  runPreparedAudit,
} from './run/audit.js';
export { defaults } from './run/defaults.js';
export { type AuditPlan, type PlannedCheck, planAudit } from './run/plan.js';
export type { ProgressEvent } from './run/progress.js';
export { AuditStartError, type CheckReport } from './run/run-audit.js';
export { fingerprint } from './secrets/fingerprint.js';
export type { ClientAuth, ClientCredentials, LoginMethod, Target } from './target/target.js';
