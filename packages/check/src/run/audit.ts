import type { AuditSettings, ClientType } from '../checks/check.js';
import type { CheckId } from '../checks/check-id.js';
import type { Verdict } from '../checks/verdict.js';
import { type AuditHttp, createAuditHttp } from '../http/http-client.js';
import { createRateLimiter } from '../http/rate-limiter.js';
import { createSecretRegistry, type SecretRegistry } from '../secrets/secret-registry.js';
import { type CommandRunner, runShellCommand } from '../session/login.js';
import { DiscoveryError } from '../target/discovery.js';
import { DISCOVERY_REQUESTS, resolveTarget, type TargetInput } from '../target/resolve-target.js';
import { type Target, targetUrls } from '../target/target.js';
import { defaults } from './defaults.js';
import { type AuditPlan, planAudit } from './plan.js';
import type { ProgressEvent } from './progress.js';
import { AuditStartError, type CheckReport, runAudit } from './run-audit.js';

/** Everything an audit needs to know. Times in milliseconds. */
export interface AuditOptions extends TargetInput {
  /** For a login URL. */
  readonly username?: string;
  readonly password?: string;
  /** @default 'web' */
  readonly clientType?: ClientType;
  /** Run only these checks. */
  readonly only?: readonly CheckId[];
  /** @default 12 */
  readonly maxSessions?: number;
  /** @default 60_000 */
  readonly maxWaitMs?: number;
  /** @default 15_000 */
  readonly lostResponsePauseMs?: number;
  /** @default 10 */
  readonly concurrency?: number;
  /** Per request. @default 10_000 */
  readonly timeoutMs?: number;
  /** Requests per second on average. @default 10 */
  readonly rate?: number;
}

/** Injected effects (tests pass their own; defaults wrap the globals). */
export interface AuditEnvironment {
  readonly fetch?: typeof globalThis.fetch;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly runCommand?: CommandRunner;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly secrets?: SecretRegistry;
}

export interface AuditReport {
  /** The issuer when given, else the token endpoint. */
  readonly target: string;
  readonly endpoints: Readonly<Record<string, string>>;
  readonly clientType: ClientType;
  readonly checks: readonly CheckReport[];
  readonly summary: Readonly<Record<Verdict, number>>;
  readonly run: {
    readonly sessions: number;
    readonly signedOut: number;
    readonly requests: number;
    readonly durationMs: number;
    readonly note?: string;
  };
}

/** A resolved target and its plan, before any session exists (what --dry-run prints). */
export interface PreparedAudit {
  readonly target: Target;
  readonly settings: AuditSettings;
  readonly plan: AuditPlan;
  readonly http: AuditHttp;
  readonly secrets: SecretRegistry;
}

const abortableSleep = (signal?: AbortSignal) => (ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Resolves the target (discovery) and plans the audit. Sends only discovery requests. */
export async function prepareAudit(
  options: AuditOptions,
  env: AuditEnvironment = {},
): Promise<PreparedAudit> {
  const now = env.now ?? Date.now;
  const sleep = env.sleep ?? abortableSleep(env.signal);
  const secrets = env.secrets ?? createSecretRegistry();
  secrets.add(options.password);
  secrets.add(options.clientSecret);
  const concurrency = options.concurrency ?? defaults.concurrency;
  const limiter = createRateLimiter({
    rate: options.rate ?? defaults.rate,
    burst: Math.max(concurrency, options.rate ?? defaults.rate),
    now,
    sleep,
  });
  const http = createAuditHttp({
    fetch: env.fetch ?? globalThis.fetch,
    limiter,
    now,
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    maxRequests: DISCOVERY_REQUESTS,
    ...(env.signal ? { signal: env.signal } : {}),
  });
  let target: Target;
  try {
    target = await resolveTarget(options, http);
  } catch (error) {
    if (error instanceof DiscoveryError) throw new AuditStartError(error.message);
    throw error;
  }
  const settings: AuditSettings = {
    clientType: options.clientType ?? defaults.clientType,
    maxWaitMs: options.maxWaitMs ?? defaults.maxWaitMs,
    lostResponsePauseMs: options.lostResponsePauseMs ?? defaults.lostResponsePauseMs,
    concurrency,
  };
  const plan = planAudit(target, settings, {
    ...(options.only ? { only: options.only } : {}),
    maxSessions: options.maxSessions ?? defaults.maxSessions,
  });
  http.limit(http.count + plan.requests - plan.signOutRequests);
  return { target, settings, plan, http, secrets };
}

/** Runs a prepared audit against the server and reports. */
export async function runPreparedAudit(
  prepared: PreparedAudit,
  options: AuditOptions,
  env: AuditEnvironment = {},
): Promise<AuditReport> {
  const now = env.now ?? Date.now;
  const started = now();
  const signOutHttp = createAuditHttp({
    fetch: env.fetch ?? globalThis.fetch,
    limiter: { acquire: async () => {} },
    now,
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    maxRequests: prepared.plan.signOutRequests,
  });
  const { checks, signOut } = await runAudit(
    {
      plan: prepared.plan,
      target: prepared.target,
      settings: prepared.settings,
      ...(options.username !== undefined && options.password !== undefined
        ? { credentials: { username: options.username, password: options.password } }
        : {}),
      maxSessions: options.maxSessions ?? defaults.maxSessions,
    },
    {
      http: prepared.http,
      signOutHttp,
      secrets: prepared.secrets,
      now,
      sleep: env.sleep ?? abortableSleep(env.signal),
      runCommand: env.runCommand ?? runShellCommand,
      commandTimeoutMs: defaults.commandTimeoutMs,
      ...(env.signal ? { signal: env.signal } : {}),
      ...(env.onProgress ? { onProgress: env.onProgress } : {}),
    },
  );
  const summary: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) summary[check.verdict]++;
  return {
    target: prepared.target.issuer ?? prepared.target.tokenEndpoint,
    endpoints: Object.fromEntries(targetUrls(prepared.target).map(({ name, url }) => [name, url])),
    clientType: prepared.settings.clientType,
    checks,
    summary,
    run: {
      sessions: signOut.sessions,
      signedOut: signOut.signedOut,
      requests: prepared.http.count + signOutHttp.count,
      durationMs: now() - started,
      ...(signOut.note ? { note: signOut.note } : {}),
    },
  };
}

/** Audits a token server: discovery, plan, checks, sign-out. */
export async function audit(
  options: AuditOptions,
  env: AuditEnvironment = {},
): Promise<AuditReport> {
  return runPreparedAudit(await prepareAudit(options, env), options, env);
}
