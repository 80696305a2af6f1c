import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../src/cli/args.js';
import { parseDurationMs } from '../../src/cli/duration.js';
import { progressText } from '../../src/cli/progress-line.js';

const base = [
  '--token-endpoint',
  'https://as.example/token',
  '--login',
  'https://as.example/login',
  '--username',
  'alice',
  '--password-stdin',
];

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('parseCliArgs', () => {
  it('reads every option of the issue', () => {
    const command = parseCliArgs([
      ...base,
      '--client-id',
      'app',
      '--client-secret',
      's3cret-value',
      '--client-auth',
      'post',
      '--revocation-endpoint',
      'https://as.example/revoke',
      '--resource',
      'https://api.example/me',
      '--client-type',
      'mobile',
      '--json',
      '--only',
      'rotation, reuse-detection',
      '--max-sessions',
      '4',
      '--max-wait',
      '2m',
      '--lost-response-pause',
      '500ms',
      '--concurrency',
      '5',
      '--rate',
      '20',
      '--timeout',
      '3s',
      '--dry-run',
      '--login-form',
    ]);
    expect(command).toEqual({
      kind: 'audit',
      passwordStdin: true,
      json: true,
      dryRun: true,
      insecureHttp: false,
      options: {
        tokenEndpoint: 'https://as.example/token',
        loginUrl: 'https://as.example/login',
        loginForm: true,
        username: 'alice',
        clientId: 'app',
        clientSecret: 's3cret-value',
        clientAuth: 'post',
        revocationEndpoint: 'https://as.example/revoke',
        resource: 'https://api.example/me',
        clientType: 'mobile',
        only: ['rotation', 'reuse-detection'],
        maxSessions: 4,
        concurrency: 5,
        rate: 20,
        maxWaitMs: 120_000,
        lostResponsePauseMs: 500,
        timeoutMs: 3000,
      },
    });
  });

  it('knows help and version', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it('accepts --issuer alone for the endpoints and --login-command for sign-in', () => {
    const command = parseCliArgs([
      '--issuer',
      'https://as.example',
      '--login-command',
      'get-token.sh',
    ]);
    expect(command.kind === 'audit' && command.options).toEqual({
      issuer: 'https://as.example',
      loginCommand: 'get-token.sh',
    });
  });

  it.each([
    [[], /--token-endpoint URL or --issuer URL/],
    [['--token-endpoint', 'https://a.example/t'], /--login URL/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--token-endpoint', 'https://a.example/t', 'extra'], /positional/i],
    [[...base.slice(0, 4), '--password-stdin'], /--login needs --username/],
    [base.slice(0, 6), /--password-stdin/],
    [[...base, '--login-command', 'x'], /not both/],
    [
      ['--token-endpoint', 'https://a.example/t', '--login-command', 'x', '--username', 'u'],
      /go with --login/,
    ],
    [[...base, '--only', 'rotation,nope'], /unknown check nope/],
    [[...base, '--client-type', 'tv'], /web or mobile/],
    [[...base, '--client-secret', 's'], /needs --client-id/],
    [[...base, '--client-id', 'c', '--client-auth', 'basic'], /needs --client-secret/],
    [[...base, '--max-sessions=-1'], /whole number/],
    [[...base, '--max-sessions', '2.5'], /whole number/],
    [[...base, '--max-wait', 'soon'], /a duration/],
    [[...base, '--concurrency', '1'], /from 2 to 50/],
    [[...base, '--resource', 'ftp://a.example/'], /only http/],
    [[...base, '--resource', 'not a url'], /not a URL/],
  ])('%j is bad usage', (argv, message) => {
    expect(usageError(argv as string[])).toMatch(message);
  });

  it('refuses plain http outside loopback unless --insecure-http', () => {
    const remote = ['--token-endpoint', 'http://auth.example.com/token', '--login-command', 'x'];
    expect(usageError(remote)).toMatch(/refusing plain http to auth.example.com/);
    expect(parseCliArgs([...remote, '--insecure-http'])).toMatchObject({
      kind: 'audit',
      insecureHttp: true,
    });
    expect(
      parseCliArgs(['--token-endpoint', 'http://127.0.0.1:8080/token', '--login-command', 'x'])
        .kind,
    ).toBe('audit');
  });
});

describe('durations', () => {
  it.each([
    ['15s', 15_000],
    ['15', 15_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1.5s', 1500],
    ['1h', 3_600_000],
    ['x', undefined],
    ['-1s', undefined],
  ])('%s → %s', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });
});

describe('the progress line', () => {
  it('shows checks done, who waits and for how long, and requests', () => {
    const waits = new Map([
      ['lost-response', 9_400],
      ['grace-window', 500],
    ] as const);
    expect(progressText({ done: 7, total: 15, waits, requests: 43 }, 1000)).toBe(
      'tokenkeeper-check: 7/15 checks · waiting: lost-response 9 s · 43 requests',
    );
    expect(progressText({ done: 0, total: 3, waits: new Map(), requests: 0 }, 0)).toBe(
      'tokenkeeper-check: 0/3 checks · 0 requests',
    );
  });
});
