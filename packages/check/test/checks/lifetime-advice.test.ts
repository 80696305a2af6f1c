import { describe, expect, it } from 'vitest';
import { judgeAccessLifetime, judgeRefreshLifetime } from '../../src/checks/lifetime-advice.js';
import { judgeLifetimes } from '../../src/checks/lifetimes.js';

const MIN = 60;
const DAY = 86_400;

describe('access-token lifetime advice (seed 003)', () => {
  it.each([
    [15 * MIN, 'mobile', 'pass'],
    [60 * MIN, 'mobile', 'pass'],
    [5 * MIN, 'mobile', 'warn'],
    [2 * 3600, 'mobile', 'warn'],
    [24 * 3600, 'mobile', 'fail'],
    [15 * MIN, 'web', 'pass'],
    [4 * 3600, 'web', 'pass'],
    [30, 'web', 'warn'],
    [8 * 3600, 'web', 'warn'],
    [48 * 3600, 'web', 'fail'],
  ] as const)('%i s for %s: %s', (seconds, type, verdict) => {
    expect(judgeAccessLifetime(seconds, type).verdict).toBe(verdict);
  });

  it('says the number and the advice', () => {
    expect(judgeAccessLifetime(24 * 3600, 'mobile').note).toMatch(/1 d.*seed 003, cause 3/);
  });
});

describe('refresh-token lifetime advice', () => {
  it.each([
    [90 * DAY, 'mobile', 'pass'],
    [14 * DAY, 'mobile', 'warn'],
    [365 * DAY, 'mobile', 'warn'],
    [14 * DAY, 'web', 'pass'],
    [DAY, 'web', 'warn'],
    [90 * DAY, 'web', 'warn'],
  ] as const)('%i s for %s: %s', (seconds, type, verdict) => {
    expect(judgeRefreshLifetime(seconds, type).verdict).toBe(verdict);
  });
});

describe('judgeLifetimes', () => {
  const jwt = (claims: Record<string, unknown>) =>
    `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  it('passes lifetimes within the advice and says the refresh lifetime was not advertised', () => {
    const outcome = judgeLifetimes({ accessToken: 'a', expiresIn: 900 }, undefined, 'web');
    expect(outcome).toEqual({
      verdict: 'pass',
      finding: 'lifetimes within the advice for web clients',
      evidence: [
        'advice for web clients (--client-type)',
        'access tokens live 15 min: within 5 min–4 h (web)',
        'refresh-token lifetime not advertised (no refresh_expires_in): not judged',
      ],
    });
  });

  it('names the worst finding: seed 003 cause 3 for day-long mobile tokens', () => {
    const outcome = judgeLifetimes(
      { accessToken: 'a', expiresIn: 86_400, refreshExpiresIn: 90 * 86_400 },
      undefined,
      'mobile',
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.finding).toMatch(/cause 3/);
    expect(outcome.evidence).toContain('refresh tokens live 90 d: within 30–90 d (mobile)');
  });

  it('warns without expires_in and falls back to the JWT for the number', () => {
    const outcome = judgeLifetimes({ accessToken: jwt({ iat: 100, exp: 1000 }) }, undefined, 'web');
    expect(outcome.verdict).toBe('warn');
    expect(outcome.finding).toMatch(/no expires_in.*the JWT says exp - iat/);
    expect(outcome.evidence).toContain('access tokens live 15 min: within 5 min–4 h (web)');
  });

  it('notes a refresh that changes expires_in and reads the refresh lifetime it advertises', () => {
    const outcome = judgeLifetimes(
      { accessToken: 'a', expiresIn: 900 },
      { accessToken: 'b', expiresIn: 600, refreshExpiresIn: 3600 },
      'web',
    );
    expect(outcome.verdict).toBe('warn');
    expect(outcome.evidence).toContain('after a refresh expires_in is 600 (login: 900)');
    expect(outcome.finding).toMatch(/refresh tokens live 1 h: under 7–30 d/);
  });
});
