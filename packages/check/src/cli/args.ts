import { parseArgs } from 'node:util';
import type { ClientType } from '../checks/check.js';
import { type CheckId, isCheckId } from '../checks/check-id.js';
import type { AuditOptions } from '../run/audit.js';
import { isCleartextRemote } from '../target/loopback.js';
import { parseDurationMs } from './duration.js';

/** Bad command-line usage: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the command line asks for. The password is read later, from stdin. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'audit';
      readonly options: Omit<AuditOptions, 'password'>;
      readonly passwordStdin: boolean;
      readonly json: boolean;
      readonly dryRun: boolean;
      readonly insecureHttp: boolean;
    };

const spec = {
  'token-endpoint': { type: 'string' },
  issuer: { type: 'string' },
  login: { type: 'string' },
  'login-form': { type: 'boolean' },
  'login-command': { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'client-auth': { type: 'string' },
  'revocation-endpoint': { type: 'string' },
  resource: { type: 'string' },
  'insecure-http': { type: 'boolean' },
  'client-type': { type: 'string' },
  only: { type: 'string' },
  'max-sessions': { type: 'string' },
  'max-wait': { type: 'string' },
  'lost-response-pause': { type: 'string' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  timeout: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof spec; strict: true }>>['values'];

/** Parses and validates argv (without `node` and the script). Throws UsageError. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values: Values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: spec,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const options = auditOptions(values);
  checkUrls(values, Boolean(values['insecure-http']));
  return {
    kind: 'audit',
    options,
    passwordStdin: Boolean(values['password-stdin']),
    json: Boolean(values.json),
    dryRun: Boolean(values['dry-run']),
    insecureHttp: Boolean(values['insecure-http']),
  };
}

function auditOptions(values: Values): Omit<AuditOptions, 'password'> {
  if (!values['token-endpoint'] && !values.issuer)
    throw new UsageError('give --token-endpoint URL or --issuer URL');
  checkLogin(values);
  checkClient(values);
  const clientType = oneOf<ClientType>('--client-type', values['client-type'], ['web', 'mobile']);
  const clientAuth = oneOf('--client-auth', values['client-auth'], ['basic', 'post'] as const);
  const options: Record<string, unknown> = {
    issuer: values.issuer,
    tokenEndpoint: values['token-endpoint'],
    loginUrl: values.login,
    loginForm: values['login-form'],
    loginCommand: values['login-command'],
    username: values.username,
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    clientAuth,
    revocationEndpoint: values['revocation-endpoint'],
    resource: values.resource,
    clientType,
    only: only(values.only),
    maxSessions: integer('--max-sessions', values['max-sessions'], 0, 100),
    concurrency: integer('--concurrency', values.concurrency, 2, 50),
    rate: integer('--rate', values.rate, 1, 100),
    maxWaitMs: duration('--max-wait', values['max-wait'], 0, 86_400_000),
    lostResponsePauseMs: duration(
      '--lost-response-pause',
      values['lost-response-pause'],
      0,
      3_600_000,
    ),
    timeoutMs: duration('--timeout', values.timeout, 100, 300_000),
  };
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  return options as Omit<AuditOptions, 'password'>;
}

function checkLogin(values: Values): void {
  if (values.login && values['login-command'])
    throw new UsageError('give --login or --login-command, not both');
  if (!values.login && !values['login-command'] && !values.issuer) {
    throw new UsageError(
      'give --login URL (with --username and --password-stdin) or --login-command CMD',
    );
  }
  if (values['login-command']) {
    if (values['password-stdin'] || values.username)
      throw new UsageError('--username and --password-stdin go with --login, not --login-command');
    return;
  }
  if (!values.username) throw new UsageError('--login needs --username NAME');
  if (!values['password-stdin'])
    throw new UsageError('--login needs --password-stdin (the password is never a flag)');
}

function checkClient(values: Values): void {
  if (values['client-secret'] !== undefined && values['client-id'] === undefined)
    throw new UsageError('--client-secret needs --client-id');
  if (values['client-auth'] !== undefined && values['client-secret'] === undefined)
    throw new UsageError('--client-auth needs --client-secret');
}

function checkUrls(values: Values, insecure: boolean): void {
  const flags = ['token-endpoint', 'issuer', 'login', 'revocation-endpoint', 'resource'] as const;
  for (const flag of flags) {
    const value = values[flag];
    if (value === undefined) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`--${flag}: not a URL: ${value}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--${flag}: only http(s) URLs`);
    if (url.username || url.password) throw new UsageError(`--${flag}: no credentials in URLs`);
    if (!insecure && isCleartextRemote(value)) {
      throw new UsageError(
        `--${flag}: refusing plain http to ${url.hostname} (credentials and tokens would cross the network in clear); use https, or --insecure-http`,
      );
    }
  }
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${flag} must be ${allowed.join(' or ')}`);
  return value as T;
}

function only(value: string | undefined): CheckId[] | undefined {
  if (value === undefined) return undefined;
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new UsageError('--only needs at least one check id');
  const unknown = ids.filter((id) => !isCheckId(id));
  if (unknown.length > 0)
    throw new UsageError(`--only: unknown check ${unknown.join(', ')} (see --help)`);
  return ids as CheckId[];
}

function integer(
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return n;
}

function duration(
  flag: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDurationMs(value);
  if (ms === undefined || ms < min || ms > max)
    throw new UsageError(
      `${flag}: a duration such as 15s, 500ms or 2m (from ${min} ms to ${max / 1000} s)`,
    );
  return ms;
}
