import { parseArgs } from 'node:util';
import type { ClientType } from '../client-type.js';
import { parseDuration } from '../duration.js';
import { TokenServerError } from '../errors.js';
import type { IntrospectionClient } from '../http/introspection-auth.js';
import { isWildcardHost } from '../http/wildcard-host.js';
import type { LifetimeOptions } from '../service/lifetimes.js';
import { isSessionId } from '../verify/access-token.js';

/** A command line that cannot be run; the message says what to change. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where a command's store lives. */
export type StoreChoice =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'postgres'; databaseUrl: string; databaseSchema?: string };

export interface ServeCommand {
  kind: 'serve';
  store: StoreChoice;
  host: string;
  port: number;
  issuer?: string;
  audience?: string;
  lifetimes: Partial<Record<ClientType, LifetimeOptions>>;
  reuseGraceMs?: number;
  sliding: boolean;
  checkSession: boolean;
  touchIntervalMs?: number;
  trustProxy: boolean;
  secret?: string;
  signingKey?: string;
  introspectionClients: IntrospectionClient[];
}

export type CliCommand =
  | { kind: 'help' }
  | ServeCommand
  | { kind: 'users-add'; store: StoreChoice; username: string; scopes: string[] }
  | { kind: 'audit'; store: StoreChoice; limit: number; familyId?: string; json: boolean }
  | { kind: 'migrate'; store: StoreChoice };

const durationFlags = ['access-ttl', 'idle-timeout', 'absolute-timeout'] as const;
const lifetimeKey = {
  'access-ttl': 'accessTtl',
  'idle-timeout': 'idleTimeout',
  'absolute-timeout': 'absoluteTimeout',
} as const;

const optionSpec = {
  help: { type: 'boolean', short: 'h' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'database-schema': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  issuer: { type: 'string' },
  audience: { type: 'string' },
  'reuse-grace': { type: 'string' },
  sliding: { type: 'boolean' },
  'check-session': { type: 'boolean' },
  'touch-interval': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  limit: { type: 'string' },
  family: { type: 'string' },
  json: { type: 'boolean' },
  scope: { type: 'string', multiple: true },
  ...Object.fromEntries(
    durationFlags.flatMap((flag) => [
      [flag, { type: 'string' }],
      [`web-${flag}`, { type: 'string' }],
      [`mobile-${flag}`, { type: 'string' }],
    ]),
  ),
} as const satisfies NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

const allowed: Record<string, readonly string[]> = {
  serve: [
    'host',
    'port',
    'issuer',
    'audience',
    'reuse-grace',
    'sliding',
    'check-session',
    'touch-interval',
    'trust-proxy',
    ...durationFlags.flatMap((f) => [f, `web-${f}`, `mobile-${f}`]),
  ],
  'users-add': ['scope'],
  audit: ['limit', 'family', 'json'],
  migrate: [],
};
const common = ['help', 'data-dir', 'database-url', 'database-schema'];

type Values = Record<string, string | boolean | string[] | undefined>;

function duration(values: Values, flag: string): number | undefined {
  const raw = values[flag];
  if (typeof raw !== 'string') return undefined;
  try {
    return parseDuration(raw, `--${flag}`);
  } catch (error) {
    if (error instanceof TokenServerError) throw new UsageError(error.message);
    throw error;
  }
}

function integer(values: Values, flag: string, min: number, max: number, fallback: number) {
  const raw = values[flag];
  if (typeof raw !== 'string') return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(
      `--${flag} must be a whole number from ${min} to ${max}, not "${raw.slice(0, 20)}"`,
    );
  }
  return Number(raw);
}

function storeChoice(values: Values, env: Record<string, string | undefined>): StoreChoice {
  const dataDir = values['data-dir'] as string | undefined;
  const flagUrl = values['database-url'] as string | undefined;
  if (dataDir !== undefined && flagUrl !== undefined) {
    throw new UsageError('choose one store: --data-dir or --database-url, not both');
  }
  const schema = values['database-schema'] as string | undefined;
  const databaseUrl = flagUrl ?? (dataDir === undefined ? env.DATABASE_URL : undefined);
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      throw new UsageError('--database-url must start with postgres:// or postgresql://');
    }
    return { kind: 'postgres', databaseUrl, ...(schema ? { databaseSchema: schema } : {}) };
  }
  if (schema !== undefined) throw new UsageError('--database-schema needs a PostgreSQL store');
  if (dataDir === '') throw new UsageError('--data-dir must not be empty');
  return { kind: 'embedded', dataDir: dataDir ?? '.data/tokenkeeper-server' };
}

function introspectionClients(text: string | undefined): IntrospectionClient[] {
  if (!text) return [];
  return text.split(',').map((pair) => {
    const colon = pair.indexOf(':');
    if (colon <= 0 || colon === pair.length - 1) {
      throw new UsageError(
        'TOKENKEEPER_INTROSPECTION_CLIENTS must look like id:secret[,id:secret]',
      );
    }
    return { id: pair.slice(0, colon), secret: pair.slice(colon + 1) };
  });
}

function serveCommand(values: Values, env: Record<string, string | undefined>): ServeCommand {
  const lifetimes: Partial<Record<ClientType, LifetimeOptions>> = { web: {}, mobile: {} };
  for (const flag of durationFlags) {
    for (const type of ['web', 'mobile'] as const) {
      const value = duration(values, `${type}-${flag}`) ?? duration(values, flag);
      if (value !== undefined) (lifetimes[type] as LifetimeOptions)[lifetimeKey[flag]] = value;
    }
  }
  const reuseGraceMs = duration(values, 'reuse-grace');
  const touchIntervalMs = duration(values, 'touch-interval');
  const issuer = values.issuer as string | undefined;
  if (issuer !== undefined && !/^https?:\/\/[^\s?#]+$/.test(issuer)) {
    throw new UsageError('--issuer must be an http(s) URL without query or fragment');
  }
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  if (!issuer && isWildcardHost(host)) {
    throw new UsageError(
      `--host ${host || "''"} listens on every interface: also pass --issuer with the URL clients and resource servers use (e.g. --issuer https://auth.example.com)`,
    );
  }
  return {
    kind: 'serve',
    store: storeChoice(values, env),
    host,
    port: integer(values, 'port', 0, 65535, 8787),
    ...(issuer ? { issuer } : {}),
    ...(values.audience ? { audience: values.audience as string } : {}),
    lifetimes,
    ...(reuseGraceMs !== undefined ? { reuseGraceMs } : {}),
    sliding: values.sliding === true,
    checkSession: values['check-session'] === true,
    ...(touchIntervalMs !== undefined ? { touchIntervalMs } : {}),
    trustProxy: values['trust-proxy'] === true,
    ...(env.TOKENKEEPER_SECRET ? { secret: env.TOKENKEEPER_SECRET } : {}),
    ...(env.TOKENKEEPER_SIGNING_KEY ? { signingKey: env.TOKENKEEPER_SIGNING_KEY } : {}),
    introspectionClients: introspectionClients(env.TOKENKEEPER_INTROSPECTION_CLIENTS),
  };
}

/** Reads a command line; throws {@link UsageError} with a message fit for the terminal. */
export function parseCommandLine(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): CliCommand {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: optionSpec,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { kind: 'help' };
  const [command, sub, ...rest] = positionals;
  let name: string;
  if (command === 'users') {
    if (sub !== 'add') throw new UsageError('usage: tokenkeeper-server users add NAME');
    if (rest.length !== 1 || !rest[0]) throw new UsageError('users add takes exactly one NAME');
    name = 'users-add';
  } else if (command === 'serve' || command === 'audit' || command === 'migrate') {
    if (sub !== undefined) throw new UsageError(`${command} takes no arguments, got "${sub}"`);
    name = command;
  } else {
    throw new UsageError(`unknown command "${String(command).slice(0, 40)}"`);
  }
  for (const key of Object.keys(values)) {
    if (values[key] !== undefined && !common.includes(key) && !allowed[name]?.includes(key)) {
      throw new UsageError(`option --${key} does not apply to ${name.replace('-', ' ')}`);
    }
  }
  switch (name) {
    case 'serve':
      return serveCommand(values, env);
    case 'users-add':
      return {
        kind: 'users-add',
        store: storeChoice(values, env),
        username: rest[0] ?? '',
        scopes: (values.scope as string[] | undefined) ?? [],
      };
    case 'audit':
      if (values.family !== undefined && !isSessionId(values.family)) {
        throw new UsageError('--family must be a session id (a UUID)');
      }
      return {
        kind: 'audit',
        store: storeChoice(values, env),
        limit: integer(values, 'limit', 1, 100_000, 50),
        ...(values.family ? { familyId: values.family as string } : {}),
        json: values.json === true,
      };
    default:
      return { kind: 'migrate', store: storeChoice(values, env) };
  }
}
