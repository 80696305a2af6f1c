import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';
import { openStore } from '../../src/index.js';
import { verifyPassword } from '../../src/service/password.js';
import { cliCommand, exited, repoRoot, runCli } from '../cli-process.js';

const root = mkdtempSync(join(tmpdir(), 'tokenkeeper-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The stored password hash of `username` matches `password`. */
async function passwordOf(dataDir: string, username: string, password: string) {
  const store = await openStore({ dataDir });
  try {
    const user = await store.findUserByName(username);
    return user ? verifyPassword(password, user.passwordHash) : undefined;
  } finally {
    await store.close();
  }
}

const env = {};

describe('command line parsing', () => {
  it('reads serve flags and durations', () => {
    const command = parseCommandLine(
      [
        'serve',
        '--port',
        '0',
        '--data-dir',
        '/tmp/x',
        '--access-ttl',
        '10m',
        '--mobile-access-ttl',
        '1h',
        '--idle-timeout',
        '30d',
        '--absolute-timeout',
        '90d',
        '--reuse-grace',
        '0',
        '--sliding',
      ],
      { TOKENKEEPER_SECRET: 's'.repeat(40) },
    );
    expect(command).toMatchObject({
      kind: 'serve',
      host: '127.0.0.1',
      port: 0,
      store: { kind: 'embedded', dataDir: '/tmp/x' },
      reuseGraceMs: 0,
      sliding: true,
      secret: 's'.repeat(40),
      lifetimes: {
        web: { accessTtl: 600_000, idleTimeout: 30 * 86_400_000, absoluteTimeout: 90 * 86_400_000 },
        mobile: { accessTtl: 3_600_000 },
      },
    });
  });

  it('takes PostgreSQL from --database-url or DATABASE_URL, but an explicit --data-dir wins', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    expect(parseCommandLine(['audit'], { DATABASE_URL: url })).toMatchObject({
      store: { kind: 'postgres', databaseUrl: url },
    });
    expect(parseCommandLine(['audit', '--data-dir', 'd'], { DATABASE_URL: url })).toMatchObject({
      store: { kind: 'embedded', dataDir: 'd' },
    });
    expect(
      parseCommandLine(['users', 'add', 'amy', '--database-url', url, '--scope', 'read'], env),
    ).toMatchObject({
      kind: 'users-add',
      username: 'amy',
      scopes: ['read'],
    });
  });

  it.each([
    [['serve', '--port', 'eighty'], /--port must be a whole number/],
    [['serve', '--port', '70000'], /--port/],
    [['serve', '--idle-timeout', '10'], /--idle-timeout.*30s, 15m/],
    [['serve', '--reuse-grace', '-1s'], /--reuse-grace/],
    [['serve', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['serve', '--issuer', 'ftp://x'], /--issuer/],
    [['serve', '--data-dir', 'a', '--database-url', 'postgres://x/y'], /choose one store/],
    [['serve', '--database-url', 'mysql://x'], /postgres:\/\//],
    [['audit', '--limit', '0'], /--limit/],
    [['audit', '--family', 'abc'], /--family/],
    [['audit', '--sliding'], /does not apply to audit/],
    [['users', 'add'], /exactly one NAME/],
    [['users', 'remove', 'x'], /users add NAME/],
    [['launch'], /unknown command "launch"/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseCommandLine(argv, env)).toThrow(UsageError);
    expect(() => parseCommandLine(argv, env)).toThrow(message);
  });
});

describe('the bin', () => {
  it('exits 2 with a message on bad flags, 0 with usage on --help', async () => {
    const bad = await runCli(['serve', '--access-ttl', 'forever']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tokenkeeper-server: --access-ttl: cannot read "forever"/);
    expect(bad.stderr).toContain("Run 'tokenkeeper-server --help' for usage.");
    expect(bad.stdout).toBe('');
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('users add NAME');
  });

  it('exits 1 with the reason when the server cannot start', async () => {
    const result = await runCli(['serve', '--database-url', 'postgres://127.0.0.1:1/none'], '', {
      TOKENKEEPER_SECRET: '',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/a server secret is required with PostgreSQL/);
  });

  it('a port in use: exit 1 with a sentence, not a stack dump', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const { port } = taken.address() as AddressInfo;
    try {
      const args = ['serve', '--port', String(port), '--data-dir', join(root, 'busy')];
      const result = await runCli(args, '', {
        TOKENKEEPER_SECRET: 'x'.repeat(32),
        DATABASE_URL: '',
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `tokenkeeper-server: cannot listen on 127.0.0.1:${port}: the port is in use (another server running?)\n`,
      );
    } finally {
      taken.close();
    }
  });

  it('audit on a directory that holds no data: exit 1, and nothing is created there', async () => {
    const missing = join(root, 'no-such-dir');
    const result = await runCli(['audit', '--data-dir', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no tokenkeeper data in ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('users add: reading the password', () => {
  it('from a pipe: strips one trailing newline, keeps spaces', async () => {
    const dataDir = join(root, 'pipe');
    const added = await runCli(['users', 'add', 'pia', '--data-dir', dataDir], 'correct horse \n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(await passwordOf(dataDir, 'pia', 'correct horse ')).toBe(true);
  });

  it('from a pipe that never ends: stops after 1 KiB and exits 1 instead of reading forever', async () => {
    const dataDir = join(root, 'endless');
    const child = spawn(
      cliCommand[0] ?? '',
      [...cliCommand.slice(1), 'users', 'add', 'endless', '--data-dir', dataDir],
      { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin.on('error', () => {}); // the CLI closes its end early, by design
    child.stdin.write('x'.repeat(4096)); // and stdin stays open
    const code = await exited(child);
    child.stdin.destroy();
    expect(code).toBe(1);
    expect(stderr).toMatch(/the password is longer than 1024 bytes/);
  }, 20_000);

  // A real terminal through script(1): the CLI sees a TTY, the transcript is what a user sees.
  const hasScript = existsSync('/usr/bin/script');
  if (!hasScript)
    process.stderr.write(
      '[tokenkeeper-server tests] SKIPPING TTY password test: no /usr/bin/script\n',
    );
  const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
  const typeAtTerminal = (dataDir: string, username: string, keys: string) =>
    new Promise<{ code: number | null; transcript: string }>((resolve, reject) => {
      const command = [...cliCommand, 'users', 'add', username, '--data-dir', dataDir]
        .map(quote)
        .join(' ');
      const child = spawn('/usr/bin/script', ['-qefc', command, '/dev/null'], {
        cwd: repoRoot,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let transcript = '';
      let typed = false;
      child.stdout.on('data', (chunk: Buffer) => {
        transcript += chunk.toString();
        // Type only once the prompt is shown: from then on the terminal must not echo.
        if (!typed && transcript.includes('Password: ')) {
          typed = true;
          child.stdin.write(keys);
        }
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, transcript }));
    });

  it.skipIf(!hasScript)(
    'at a terminal: no echo, Backspace edits, Enter ends',
    async () => {
      const dataDir = join(root, 'tty');
      const { code, transcript } = await typeAtTerminal(dataDir, 'tess', 'tty-secretX\u007f\r');
      expect(code).toBe(0);
      expect(transcript).toContain('Password: ');
      expect(transcript).not.toContain('tty-secret');
      expect(transcript).toContain('added user tess');
      expect(await passwordOf(dataDir, 'tess', 'tty-secret')).toBe(true);
    },
    30_000,
  );

  it.skipIf(!hasScript)(
    'at a terminal: Ctrl-C cancels with exit 130 and adds nobody',
    async () => {
      const dataDir = join(root, 'tty-cancel');
      const { code, transcript } = await typeAtTerminal(dataDir, 'carl', 'half-typed\u0003');
      expect(code).toBe(130);
      expect(transcript).not.toContain('half-typed');
      expect(await passwordOf(dataDir, 'carl', 'half-typed')).toBeUndefined();
    },
    30_000,
  );
});
