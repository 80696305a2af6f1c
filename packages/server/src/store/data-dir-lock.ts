import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** An exclusive hold on a data directory; {@link DirectoryLock.release} gives it back. */
export interface DirectoryLock {
  /** The lock file. */
  readonly file: string;
  /** Removes the lock file if it is still this lock's. Idempotent. */
  release(): void;
}

/** What a lock file says about its holder. */
interface Holder {
  readonly pid: number;
  /** The holder process's start, epoch ms: tells a reused pid from the process that locked. */
  readonly started: number;
  readonly host: string;
}

const lockName = 'tokenkeeper.lock';

// process.uptime() is per process (not per worker thread), so every thread of one process
// computes the same start within a few milliseconds, and a later process that reuses the pid
// (PID 1 in a restarted container) computes a different one.
const processStart = () => Math.round(Date.now() - process.uptime() * 1000);

function readHolder(file: string): { text: string; holder: Holder | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    const { pid, started, host } = parsed;
    if (Number.isSafeInteger(pid) && Number.isFinite(started) && typeof host === 'string') {
      return { text, holder: { pid, started, host } as Holder };
    }
  } catch {
    // Not a lock this code wrote: treated as stale below.
  }
  return { text, holder: undefined };
}

/** False only when the holder is certainly gone; a process on another host cannot be checked. */
function isRunning(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return Math.abs(holder.started - processStart()) < 1000;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dir: string, file: string, holder: Holder): ConfigError {
  const who = `process ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}`;
  return new ConfigError(
    `the data directory is in use by ${who}: stop the server, or use --database-url (${dir}; if no tokenkeeper-server runs as ${who}, delete ${file})`,
  );
}

/**
 * Takes the exclusive lock of a data directory: a lock file naming this process, published
 * with link(2) so it appears complete or not at all. A lock whose process no longer runs is
 * stale and taken over. Throws a {@link ConfigError} naming the holder otherwise.
 */
export function lockDirectory(dir: string): DirectoryLock {
  const path = resolve(dir);
  const file = join(path, lockName);
  const nonce = randomUUID();
  const text = JSON.stringify({ pid: process.pid, started: processStart(), host: hostname() });
  const draft = join(path, `.${lockName}.${nonce}`);
  writeFileSync(draft, text, { mode: 0o600, flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(draft, file);
        return ownLock(file, text);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const found = readHolder(file);
      if (!found) continue; // released meanwhile
      if (found.holder && isRunning(found.holder)) throw inUse(path, file, found.holder);
      takeOverStale(file, found.text, nonce);
    }
    throw new ConfigError(`could not lock data directory ${path}: ${file} keeps changing`);
  } finally {
    unlinkSync(draft);
  }
}

// Moves a stale lock aside by rename (atomic), then checks that what moved is the stale lock
// that was read: another process may have replaced it with a fresh lock in between, which is
// then put back.
function takeOverStale(file: string, staleText: string, nonce: string): void {
  const aside = `${file}.stale-${nonce}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleText) linkSync(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
}

function ownLock(file: string, text: string): DirectoryLock {
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      // Only our own lock: a lock taken over as stale (after a pause long enough for this
      // process to look dead, which it cannot while it runs) is not ours to remove.
      if (readHolder(file)?.text === text) unlinkSync(file);
    },
  };
}
