// One process per embedded data directory: a second open (in this process or another) is
// refused with a clear message, the lock goes with close() or with the process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, openStore } from '../src/index.js';
import { exited, runCli, startServe } from './cli-process.js';

const root = mkdtempSync(join(tmpdir(), 'tokenkeeper-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const inUseBy = (pid: number) =>
  new RegExp(
    `the data directory is in use by process ${pid}: stop the server, or use --database-url`,
  );

describe('embedded data directory lock', () => {
  it('refuses a second open of one data directory until the first closes', async () => {
    const dataDir = join(root, 'two-opens');
    const first = await openStore({ dataDir });
    try {
      const second = openStore({ dataDir });
      await expect(second).rejects.toBeInstanceOf(ConfigError);
      await expect(second).rejects.toThrow(inUseBy(process.pid));
      // The refused open changed nothing: the first store still works.
      expect(await first.listAudit()).toEqual([]);
    } finally {
      await first.close();
    }
    const reopened = await openStore({ dataDir });
    await reopened.close();
  });

  it('CLI: users add and audit refuse a directory a running server holds; a killed server leaves a stale lock that is taken over', async () => {
    const dataDir = join(root, 'cli');
    const server = await startServe(['--data-dir', dataDir]);
    const pid = server.child.pid ?? 0;
    try {
      const added = await runCli(['users', 'add', 'bob', '--data-dir', dataDir], 'bob-password\n');
      expect(added.code).toBe(1);
      expect(added.stderr).toMatch(inUseBy(pid));
      const audit = await runCli(['audit', '--data-dir', dataDir]);
      expect(audit.code).toBe(1);
      expect(audit.stderr).toMatch(inUseBy(pid));
    } finally {
      server.child.kill('SIGKILL');
      await exited(server.child);
    }
    // The killed server never released its lock; its process is gone, so the lock is stale.
    const added = await runCli(['users', 'add', 'bob', '--data-dir', dataDir], 'bob-password\n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const audit = await runCli(['audit', '--json', '--data-dir', dataDir]);
    expect(audit.code).toBe(0);
  }, 60_000);
});
