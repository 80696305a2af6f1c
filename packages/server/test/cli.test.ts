import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../src/cli-args.js';
import { runCli } from './cli-process.js';

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
});
