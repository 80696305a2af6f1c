import { randomBytes, randomUUID } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { makePrivateDirectory } from './data-dir.js';

/**
 * Reads `<dataDir>/server-secret`, creating it on first use (mode 0600, in a directory made
 * 0700). The secret is written to a temporary file, flushed, then linked into place: the file
 * appears whole or not at all, and link(2), unlike rename(2), never replaces a secret that
 * another process created first.
 */
export function dataDirSecret(dataDir: string): string {
  makePrivateDirectory(dataDir);
  const file = join(dataDir, 'server-secret');
  if (!existsSync(file)) {
    const draft = join(dataDir, `.server-secret.${randomUUID()}`);
    try {
      const fd = openSync(draft, 'wx', 0o600);
      try {
        writeSync(fd, `${randomBytes(32).toString('base64url')}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      try {
        linkSync(draft, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    } finally {
      rmSync(draft, { force: true });
    }
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}
