import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * Creates `dir` if missing and makes it private to the user running the server (mode 0700),
 * also when it already existed with a wider mode. PGlite writes its files world-readable and
 * world-writable (0666) and the server secret lives beside them, so the directory's own mode is
 * what keeps other local users from reading password hashes or rewriting the family table.
 * Call it before anything opens or writes inside `dir`.
 */
export function makePrivateDirectory(dir: string): void {
  const path = resolve(dir);
  mkdirSync(dirname(path), { recursive: true });
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!statSync(path).isDirectory()) {
      throw new ConfigError(`data directory ${path} exists and is not a directory`);
    }
  }
  try {
    chmodSync(path, 0o700);
  } catch (error) {
    throw new ConfigError(
      `cannot make data directory ${path} private (chmod 0700 failed: ${(error as NodeJS.ErrnoException).code ?? 'error'}); it must belong to the user running the server`,
    );
  }
}
