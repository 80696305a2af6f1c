#!/usr/bin/env node
// The tokenkeeper-check command. Everything is in cli/main.ts; this file only binds the process.
import { main } from './cli/main.js';

const controller = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write('\ntokenkeeper-check: interrupted; signing out the sessions...\n');
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});

main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = controller.signal.aborted ? 130 : code;
  },
  (error: unknown) => {
    process.stderr.write(
      `tokenkeeper-check: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
