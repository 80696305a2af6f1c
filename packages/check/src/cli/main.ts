import { readFileSync } from 'node:fs';
import { formatPlanJson, formatPlanText } from '../report/plan-report.js';
import { wantsColour } from '../report/style.js';
import { formatJsonReport, formatTextReport } from '../report/text-report.js';
import { type AuditOptions, prepareAudit, runPreparedAudit } from '../run/audit.js';
import { defaults } from '../run/defaults.js';
import { AuditStartError } from '../run/run-audit.js';
import { createSecretRegistry, type SecretRegistry } from '../secrets/secret-registry.js';
import { isCleartextRemote } from '../target/loopback.js';
import { targetUrls } from '../target/target.js';
import { type CliCommand, parseCliArgs, UsageError } from './args.js';
import { PromptCancelled, promptPassword, readPipedPassword } from './password-input.js';
import { createProgressLine } from './progress-line.js';
import { usage } from './usage.js';

/** The process around the CLI (real streams in production, captured ones in tests). */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Record<string, string | undefined>;
  /** Aborts the audit (SIGINT): waits end, the sessions are signed out, the report printed. */
  readonly signal?: AbortSignal;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Runs the CLI; resolves to the exit status: 0 no check failed, 1 a check failed, 2 bad usage or
 * the audit could not start, 130 cancelled at the password prompt.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const secrets = createSecretRegistry();
  // Everything printed passes through the secret registry: tokens never reach the terminal.
  const out = (text: string) => io.stdout.write(secrets.scrub(text));
  const err = (text: string) => io.stderr.write(secrets.scrub(text));
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`tokenkeeper-check: ${error.message}\n(see tokenkeeper-check --help)\n`);
    return 2;
  }
  if (command.kind === 'help' || command.kind === 'version') {
    out(command.kind === 'help' ? usage : `${version()}\n`);
    return 0;
  }
  try {
    return await audit(command, io, secrets, out, err);
  } catch (error) {
    if (error instanceof UsageError || error instanceof AuditStartError) {
      err(`tokenkeeper-check: ${error.message}\n`);
      return 2;
    }
    if (error instanceof PromptCancelled) return 130;
    throw error;
  }
}

async function audit(
  command: Extract<CliCommand, { kind: 'audit' }>,
  io: CliIo,
  secrets: SecretRegistry,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  let password: string | undefined;
  if (command.passwordStdin && !command.dryRun) {
    password = io.stdin.isTTY
      ? await promptPassword(io.stdin, io.stderr)
      : await readPipedPassword(io.stdin);
    if (!password) throw new UsageError('--password-stdin read an empty password');
  }
  const options: AuditOptions = {
    ...command.options,
    ...(password === undefined ? {} : { password }),
  };
  const env = { secrets, ...(io.signal ? { signal: io.signal } : {}) };
  const prepared = await prepareAudit(options, env);
  const remote = targetUrls(prepared.target).find(({ url }) => isCleartextRemote(url));
  if (remote && !command.insecureHttp) {
    throw new UsageError(
      `the discovered ${remote.name} ${remote.url} is plain http outside loopback; use https, or --insecure-http`,
    );
  }
  const colour = wantsColour(io.stdout, io.env);
  if (command.dryRun) {
    out(
      command.json
        ? formatPlanJson(prepared)
        : formatPlanText(prepared, { colour, rate: options.rate ?? defaults.rate }),
    );
    return 0;
  }
  const progress = createProgressLine({
    write: err,
    tty: Boolean(io.stderr.isTTY),
    now: Date.now,
    requests: () => prepared.http.count,
  });
  let report: Awaited<ReturnType<typeof runPreparedAudit>>;
  try {
    report = await runPreparedAudit(prepared, options, { ...env, onProgress: progress.onEvent });
  } finally {
    progress.stop();
  }
  out(command.json ? formatJsonReport(report) : formatTextReport(report, { colour }));
  return report.summary.fail > 0 ? 1 : 0;
}
