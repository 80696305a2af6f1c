import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../http/serve.js';
import { createJsonLogger, describeError } from '../logger.js';
import { addUser } from '../service/users.js';
import { openStore } from '../store/open.js';
import type { AuditRecord } from '../store/records.js';
import type { CliCommand, ServeCommand, StoreChoice } from './args.js';
import { readPasswordFromPipe, readPasswordFromTerminal } from './password-input.js';
import { usage } from './usage.js';

type Command<Kind extends CliCommand['kind']> = Extract<CliCommand, { kind: Kind }>;

const write = (text: string) => process.stdout.write(text);

/** Writes a CLI error line to stderr. */
export const fail = (text: string) => process.stderr.write(`tokenkeeper-server: ${text}\n`);

function storeOptions(choice: StoreChoice) {
  return choice.kind === 'postgres'
    ? {
        databaseUrl: choice.databaseUrl,
        ...(choice.databaseSchema ? { databaseSchema: choice.databaseSchema } : {}),
      }
    : { dataDir: choice.dataDir };
}

function readPassword(): Promise<string> {
  return process.stdin.isTTY
    ? readPasswordFromTerminal(process.stdin, process.stderr)
    : readPasswordFromPipe(process.stdin);
}

function auditLine(row: AuditRecord): string {
  return [
    String(row.id).padStart(6),
    new Date(row.at).toISOString(),
    row.outcome.padEnd(13),
    (row.familyId ?? '-').padEnd(36),
    `gen=${row.generation ?? '-'}`,
    row.clientType ?? '-',
    row.ip ?? '-',
    row.detail ?? '',
    row.userAgent ? JSON.stringify(row.userAgent) : '',
  ].join('  ');
}

/** `serve`: listens until SIGINT or SIGTERM, then closes. */
async function runServe(command: ServeCommand): Promise<number> {
  const logger = createJsonLogger();
  const server = await serve({
    ...storeOptions(command.store),
    host: command.host,
    port: command.port,
    ...(command.issuer ? { issuer: command.issuer } : {}),
    ...(command.audience ? { audience: command.audience } : {}),
    lifetimes: command.lifetimes,
    ...(command.reuseGraceMs !== undefined ? { reuseGrace: command.reuseGraceMs } : {}),
    sliding: command.sliding,
    checkSession: command.checkSession,
    ...(command.touchIntervalMs !== undefined ? { touchInterval: command.touchIntervalMs } : {}),
    trustProxy: command.trustProxy,
    ...(command.secret ? { secret: command.secret } : {}),
    ...(command.signingKey ? { signingKey: command.signingKey } : {}),
    introspectionClients: command.introspectionClients,
    logger,
  });
  const where =
    command.store.kind === 'postgres' ? 'postgres' : `embedded ${command.store.dataDir}`;
  write(`tokenkeeper-server listening on ${server.url} (store: ${where})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close().then(resolve, (error: unknown) => {
        logger.error('shutdown failed', { error: describeError(error) });
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/** `users add NAME`: the password comes from stdin. */
async function runUsersAdd(command: Command<'users-add'>): Promise<number> {
  // The store first: a data directory in use fails before anyone types a password.
  const store = await openStore(storeOptions(command.store));
  try {
    const password = await readPassword();
    const { id } = await addUser(store, command.username, password, { scopes: command.scopes });
    write(`added user ${command.username} (${id})\n`);
  } finally {
    await store.close();
  }
  return 0;
}

/** `audit`: recent rows, newest first, as columns or JSON lines. */
async function runAudit(command: Command<'audit'>): Promise<number> {
  // Reading needs something to read: a mistyped directory is an error, not an empty log.
  if (command.store.kind === 'embedded' && !existsSync(join(command.store.dataDir, 'pgdata'))) {
    fail(`no tokenkeeper data in ${command.store.dataDir} (is the path right?)`);
    return 1;
  }
  const store = await openStore(storeOptions(command.store));
  try {
    const rows = await store.listAudit({
      limit: command.limit,
      ...(command.familyId ? { familyId: command.familyId } : {}),
    });
    for (const row of rows)
      write(command.json ? `${JSON.stringify(row)}\n` : `${auditLine(row)}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

/** `migrate`: opening the store applies pending migrations. */
async function runMigrate(command: Command<'migrate'>): Promise<number> {
  const store = await openStore(storeOptions(command.store));
  await store.close();
  write('migrations applied\n');
  return 0;
}

/** Runs a parsed command; resolves to the process exit code. */
export async function runCommand(command: CliCommand): Promise<number> {
  switch (command.kind) {
    case 'help':
      write(usage);
      return 0;
    case 'serve':
      return runServe(command);
    case 'users-add':
      return runUsersAdd(command);
    case 'audit':
      return runAudit(command);
    case 'migrate':
      return runMigrate(command);
  }
}
