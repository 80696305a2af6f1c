#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isTokenServerError } from '../errors.js';
import { serve } from '../http/serve.js';
import { createJsonLogger, describeError } from '../logger.js';
import { addUser } from '../service/users.js';
import { openStore } from '../store/open.js';
import type { AuditRecord } from '../store/records.js';
import { type CliCommand, parseCommandLine, type StoreChoice, UsageError, usage } from './args.js';
import {
  PasswordEntryCancelled,
  readPasswordFromPipe,
  readPasswordFromTerminal,
} from './password-input.js';

const write = (text: string) => process.stdout.write(text);
const fail = (text: string) => process.stderr.write(`tokenkeeper-server: ${text}\n`);

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

async function run(command: CliCommand): Promise<number> {
  switch (command.kind) {
    case 'help':
      write(usage);
      return 0;
    case 'serve': {
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
        ...(command.touchIntervalMs !== undefined
          ? { touchInterval: command.touchIntervalMs }
          : {}),
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
    case 'users-add': {
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
    case 'audit': {
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
    case 'migrate': {
      const store = await openStore(storeOptions(command.store));
      await store.close();
      write('migrations applied\n');
      return 0;
    }
  }
}

async function main(): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(error.message);
    process.stderr.write("Run 'tokenkeeper-server --help' for usage.\n");
    return 2;
  }
  try {
    return await run(command);
  } catch (error) {
    if (error instanceof PasswordEntryCancelled) {
      fail(error.message);
      return 130;
    }
    if (isTokenServerError(error)) {
      fail(error.message);
      return 1;
    }
    const { code, address, port } = error as { code?: unknown; address?: unknown; port?: unknown };
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const where = `${String(address)}:${String(port)}`;
      const why =
        code === 'EADDRINUSE'
          ? 'the port is in use (another server running?)'
          : code === 'EACCES'
            ? 'permission denied (ports below 1024 need privileges)'
            : 'no such address on this machine';
      fail(`cannot listen on ${where}: ${why}`);
      return 1;
    }
    fail(`unexpected failure: ${JSON.stringify(describeError(error))}`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    fail(`unexpected failure: ${JSON.stringify(describeError(error))}`);
    process.exitCode = 1;
  },
);
