/**
 * Writers killed mid-write leave temp files behind; the next process that opens the session
 * file removes the ones whose writer is gone, and never one whose writer is alive.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStorage } from '../../src/storage/file.js';

const CHILD = fileURLToPath(new URL('./writer-child.ts', import.meta.url));
const REPO = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const KEY = Buffer.alloc(32, 7).toString('base64');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenkeeper-kill-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function startWriter(file: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', CHILD, file], {
    cwd: REPO,
    env: { ...process.env, TOKENKEEPER_STORAGE_KEY: KEY },
  });
  let writes = 0;
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    writes += chunk
      .toString()
      .split('\n')
      .filter((line) => line === 'w' || line === 'ready').length;
    for (const wake of waiters.splice(0)) wake();
  });
  /** Resolves once `n` writes have landed. */
  const written = async (n: number) => {
    while (writes < n) {
      await new Promise<void>((wake, fail) => {
        waiters.push(wake);
        child.once('exit', (code) => fail(new Error(`writer exited early (${code})`)));
      });
    }
  };
  return { child, written };
}

const temps = async () => (await readdir(dir)).filter((name) => name.endsWith('.tmp'));

describe('fileStorage: writers killed mid-write', () => {
  it('leaves no orphaned temp file once the file is opened again, and spares a live writer', async () => {
    const file = join(dir, 'session.json');
    let orphans = 0;
    for (let kill = 0; kill < 10; kill++) {
      const { child, written } = startWriter(file);
      await written(2);
      // Stop the writer at arbitrary moments until one finds it between creating its temp file
      // and renaming it, then kill it there: a writer killed mid-write, every time.
      for (let look = 0; look < 500; look++) {
        child.kill('SIGSTOP');
        if ((await temps()).length > 0) break;
        child.kill('SIGCONT');
        await new Promise((done) => setImmediate(done));
      }
      child.kill('SIGKILL');
      await once(child, 'exit');
      orphans += (await temps()).length;
    }
    // The kills must have left temp files behind, or this test would prove nothing.
    expect(orphans).toBeGreaterThan(0);
    // A live writer's temp files must survive a cleanup by another process.
    const live = startWriter(file);
    await live.written(1);
    await fileStorage(file, { key: Buffer.from(KEY, 'base64') }).get('tokenkeeper.session');
    const left = await temps();
    const livePid = String(live.child.pid);
    expect(left.every((name) => name.includes(`.${livePid}.`))).toBe(true);
    live.child.kill('SIGKILL');
    await once(live.child, 'exit');
    await fileStorage(file, { key: Buffer.from(KEY, 'base64') }).get('tokenkeeper.session');
    expect(await temps()).toEqual([]);
    process.stdout.write(
      `[fileStorage kill test] temp files orphaned by 10 kills (each removed by the next writer): ${orphans}\n`,
    );
  }, 120_000);
});
