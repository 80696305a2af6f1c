/**
 * The CLI as a user runs it: real processes, real servers on 127.0.0.1. Exit codes, --dry-run,
 * the JSON shape, progress, and above all that no token, password or secret reaches the output.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkIds } from '../src/checks/check-id.js';
import { runCli, startCli } from './support/cli-process.js';
import {
  REF_USER,
  type ReferenceServer,
  type ReferenceServerOptions,
  startReferenceServer,
} from './support/reference-server/server.js';

const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

async function reference(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const server = await startReferenceServer(options);
  closers.push(server.close);
  return server;
}

const quickFlags = [
  '--max-wait',
  '6s',
  '--lost-response-pause',
  '1s',
  '--rate',
  '50',
  '--timeout',
  '30s',
];
const against = (server: ReferenceServer) => [
  '--issuer',
  server.url,
  '--username',
  REF_USER.username,
  '--password-stdin',
  '--resource',
  `${server.url}/api/me`,
];
const CLIENT_SECRET = 'client-secret-that-must-never-be-printed';

function expectNothingSecret(output: string, secrets: Iterable<string>): void {
  let checked = 0;
  for (const secret of secrets) {
    expect(output.includes(secret), 'a secret reached the output').toBe(false);
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
}

describe.concurrent('tokenkeeper-check CLI', () => {
  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage:/);
    for (const id of checkIds) expect(stdout).toContain(id);
  });

  it.each([
    [[], /give --token-endpoint URL or --issuer URL/],
    [
      ['--token-endpoint', 'http://127.0.0.1:9/t', '--login', 'http://127.0.0.1:9/l'],
      /--login needs --username/,
    ],
    [
      ['--issuer', 'http://127.0.0.1:9', '--login-command', 'true', '--only', 'rotation,telepathy'],
      /unknown check telepathy/,
    ],
    [
      ['--token-endpoint', 'http://auth.example.com/token', '--login-command', 'true'],
      /refusing plain http to auth.example.com/,
    ],
    [
      ['--issuer', 'http://127.0.0.1:9', '--login-command', 'true', '--max-wait', 'forever'],
      /--max-wait: a duration/,
    ],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ])('bad usage %j exits 2 with a message and nothing on stdout', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args as string[]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('an issuer without metadata exits 2 and says what it tried', async () => {
    const server = await reference();
    const { code, stderr } = await runCli([
      '--issuer',
      `${server.url}/nowhere`,
      '--login-command',
      'true',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no metadata with a token_endpoint .*openid-configuration: 404/);
  });

  it('a wrong password exits 2 before any check runs', async () => {
    const server = await reference();
    const { code, stderr, stdout } = await runCli(against(server), 'not-the-password\n');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/could not sign in: login at .* answered 400 invalid_grant/);
    expect(stderr).not.toContain('not-the-password');
  });

  it('--dry-run prints the plan and signs nobody in', async () => {
    const server = await reference();
    const text = await runCli([...against(server), '--dry-run']);
    expect(text.code).toBe(0);
    for (const id of checkIds) expect(text.stdout).toContain(id);
    expect(text.stdout).toMatch(
      /8 sessions \(each signed out at the end\), at most \d+ requests \(10\/s\), waiting at most 1 min/,
    );
    expect(text.stdout).toMatch(/lost-response +1 session · ≤ 4 requests · waits up to 15 s/);

    const json = await runCli([
      ...against(server),
      '--dry-run',
      '--json',
      '--only',
      'rotation,expiry-truthful,revocation',
      '--max-wait',
      '30s',
    ]);
    const plan = JSON.parse(json.stdout) as {
      target: string;
      plan: {
        checks: { id: string; run: boolean }[];
        sessions: number;
        requests: number;
        longestWaitMs: number;
      };
    };
    expect(plan.target).toBe(server.url);
    expect(plan.plan.checks.filter((c) => c.run).map((c) => c.id)).toEqual([
      'rotation',
      'expiry-truthful',
      'revocation',
    ]);
    expect(plan.plan.sessions).toBe(3);
    expect(plan.plan.longestWaitMs).toBe(30_000);
    expect(server.minted).toEqual([]);
  });

  it('--json: the report shape, exit 1 when a check fails, and no token, password or secret in the output', {
    timeout: 60_000,
  }, async () => {
    const server = await reference({ mistake: 'no-no-store' });
    const args = [
      ...against(server),
      ...quickFlags,
      '--json',
      '--client-id',
      'app',
      '--client-secret',
      CLIENT_SECRET,
    ];
    const { code, stdout, stderr } = await runCli(args, `${REF_USER.password}\n`);
    expect(code, stdout).toBe(1);
    const report = JSON.parse(stdout) as {
      target: string;
      checks: { id: string; verdict: string; evidence: string[]; why: string; finding: string }[];
      summary: Record<string, number>;
    };
    expect(report.target).toBe(server.url);
    expect(report.checks.map((c) => c.id)).toEqual([...checkIds]);
    for (const check of report.checks) {
      expect(['pass', 'warn', 'fail', 'skip']).toContain(check.verdict);
      expect(Array.isArray(check.evidence)).toBe(true);
      expect(check.why).toMatch(/\((seed|RFC) [^)]+\)\.$/);
    }
    expect(report.summary).toEqual({ pass: 13, warn: 1, fail: 1, skip: 0 });
    expect(report.checks.find((c) => c.verdict === 'fail')?.id).toBe('no-store');
    expect(server.minted.length).toBeGreaterThan(20);
    expectNothingSecret(stdout + stderr, [...server.minted, REF_USER.password, CLIENT_SECRET]);
    expect(server.liveSessions()).toBe(0);
  });

  it('text report: exit 0 on a clean server, progress on stderr, no colour without a terminal', {
    timeout: 60_000,
  }, async () => {
    const server = await reference();
    const { code, stdout, stderr } = await runCli(
      [...against(server), ...quickFlags],
      `${REF_USER.password}\n`,
    );
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/^tokenkeeper-check: http:\/\/127\.0\.0\.1:\d+ \(web client\)$/m);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('14 pass, 1 warn, 0 fail, 0 skip');
    expect(stderr).toContain('tokenkeeper-check: [15/15]');
    expect(stderr).toContain('tokenkeeper-check: signing out 8 session(s)');
    expect(stdout + stderr).not.toContain('\u001b[');
    expectNothingSecret(stdout + stderr, [...server.minted, REF_USER.password]);
  });

  it('Ctrl-C ends the waits, signs every session out and exits 130', {
    timeout: 60_000,
  }, async () => {
    const server = await reference();
    const run = startCli(
      [
        ...against(server),
        '--lost-response-pause',
        '60s',
        '--max-wait',
        '60s',
        '--rate',
        '50',
        '--timeout',
        '30s',
      ],
      `${REF_USER.password}\n`,
    );
    await expect
      .poll(() => run.stderr(), { timeout: 30_000, interval: 100 })
      .toContain('lost-response waits');
    expect(server.liveSessions()).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted; signing out the sessions');
    expect(stdout).toMatch(/SKIP {2}lost-response: interrupted/);
    expect(server.liveSessions()).toBe(0);
  });
});
