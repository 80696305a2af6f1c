#!/usr/bin/env node
import { isTokenServerError } from '../errors.js';
import { describeError } from '../logger.js';
import { type CliCommand, parseCommandLine, UsageError } from './args.js';
import { fail, runCommand } from './commands.js';
import { PasswordEntryCancelled } from './password-input.js';

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
    return await runCommand(command);
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
