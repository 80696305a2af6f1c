import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenApi, listen, type TokenApi } from './token-api.js';

/**
 * Restart survival with real processes: each run is a fresh Node process on the same encrypted
 * file, against a real HTTP token endpoint on 127.0.0.1 that counts logins and refreshes.
 */
const CHILD = fileURLToPath(new URL('./restart-child.ts', import.meta.url));
const REPO = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const KEY = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');

interface RunResult {
  statusAtStart: string;
  events: string[];
  me?: { status: number; body: unknown };
}

function run(mode: 'login' | 'resume', base: string, file: string): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', CHILD, mode, base, file],
      { cwd: REPO, env: { ...process.env, TOKENKEEPER_STORAGE_KEY: KEY } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`${mode} exited with ${code}: ${err}`));
      else done(JSON.parse(out.trim().split('\n').pop()!) as RunResult);
    });
  });
}

describe('fileStorage across process restarts', () => {
  let api: TokenApi;
  let server: { url: string; close(): Promise<void> };
  let dir: string;
  let file: string;

  beforeAll(async () => {
    api = createTokenApi();
    server = await listen((request) => api.handler(request));
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    api = createTokenApi();
    dir = await mkdtemp(join(tmpdir(), 'tokenkeeper-restart-'));
    file = join(dir, 'session.json');
    return () => rm(dir, { recursive: true, force: true });
  });

  it('a new process resumes without a login and makes an authenticated request', async () => {
    const a = await run('login', server.url, file);
    expect(a.statusAtStart).toBe('signedOut');
    expect(api.logins).toBe(1);

    const b = await run('resume', server.url, file);
    expect(b.statusAtStart).toBe('active');
    expect(b.events).toContain('restored');
    expect(b.events).not.toContain('storageError');
    expect(b.me).toEqual({ status: 200, body: { user: 'alice' } });
    expect(api.logins).toBe(1);
    expect(api.refreshes).toBe(0);
    expect(api.me).toEqual([{ status: 200, latest: true }]);
  });

  it('with the stored access token expired, the first request costs exactly one refresh', async () => {
    api.loginExpiresIn = 1;
    await run('login', server.url, file);
    expect(api.refreshes).toBe(0);
    // The token lives 1 s on the server's clock; usually spawning took that long already.
    const wait = api.lastLoginAt + 1_050 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    const b = await run('resume', server.url, file);
    expect(b.statusAtStart).toBe('active');
    expect(b.me).toEqual({ status: 200, body: { user: 'alice' } });
    expect(api.refreshes).toBe(1);
    // The request went out once, with the refreshed token: no 401 on the way.
    expect(api.me).toEqual([{ status: 200, latest: true }]);
    expect(api.logins).toBe(1);

    // B persisted the rotated tokens: a third process resumes with no refresh at all (the
    // first refresh token is spent, so reading the old record would have failed).
    const c = await run('resume', server.url, file);
    expect(c.me?.status).toBe(200);
    expect(api.refreshes).toBe(1);
    expect(api.me).toEqual([
      { status: 200, latest: true },
      { status: 200, latest: true },
    ]);
  });
});
