import { describe, expect, it } from 'vitest';
import type { AuditSettings } from '../../src/checks/check.js';
import { checkIds } from '../../src/checks/check-id.js';
import { planAudit } from '../../src/run/plan.js';
import { SIGN_OUT_PER_SESSION } from '../../src/session/session-pool.js';
import type { Target } from '../../src/target/target.js';

const settings: AuditSettings = {
  clientType: 'web',
  maxWaitMs: 60_000,
  lostResponsePauseMs: 15_000,
  concurrency: 10,
};
const full: Target = {
  tokenEndpoint: 'https://as.example/token',
  login: { kind: 'url', url: 'https://as.example/login', form: false },
  revocationEndpoint: 'https://as.example/revoke',
  resource: 'https://api.example/me',
  client: { auth: 'none' },
};

describe('planAudit', () => {
  it('runs every check against a full target within 12 sessions', () => {
    const plan = planAudit(full, settings, { maxSessions: 12 });
    expect(plan.checks.map((c) => c.id)).toEqual([...checkIds]);
    expect(plan.checks.filter((c) => c.skip)).toEqual([]);
    expect(plan.sessions).toBe(8);
    expect(plan.longestWaitMs).toBe(60_000);
    const checkRequests = plan.checks.reduce((n, c) => n + (c.needs?.requests ?? 0), 0);
    expect(plan.requests).toBe(checkRequests + 1 + plan.sessions * (1 + SIGN_OUT_PER_SESSION));
    expect(plan.signOutRequests).toBe(plan.sessions * SIGN_OUT_PER_SESSION);
  });

  it('says why a check cannot run against this target', () => {
    const plan = planAudit(
      { ...full, resource: undefined, revocationEndpoint: undefined },
      settings,
      { maxSessions: 12 },
    );
    const skipped = Object.fromEntries(
      plan.checks.filter((c) => c.skip).map((c) => [c.id, c.skip]),
    );
    expect(skipped).toEqual({
      'expiry-truthful': 'needs --resource (a URL that accepts the access token)',
      revocation:
        'no revocation endpoint (--revocation-endpoint, or --issuer with one in its metadata)',
    });
    expect(plan.signOutRequests).toBe(0);
  });

  it('skips the checks that would open more sessions than --max-sessions, in report order', () => {
    const plan = planAudit(full, settings, { maxSessions: 3 });
    expect(plan.sessions).toBe(3);
    const running = plan.checks.filter((c) => !c.skip).map((c) => c.id);
    expect(running).toEqual([
      'refresh-without-access-token',
      'rotation',
      'reuse-detection',
      'grace-window',
      'lifetimes',
      'no-store',
      'error-format',
      'jwt-hygiene',
      'bad-input',
      'transport',
    ]);
    expect(plan.checks.find((c) => c.id === 'concurrent-refresh')?.skip).toBe(
      'needs 1 more session(s) than --max-sessions 3 allows',
    );
  });

  it('with --max-sessions 0 still runs the checks that need no session', () => {
    const plan = planAudit(full, settings, { maxSessions: 0 });
    expect(plan.checks.filter((c) => !c.skip).map((c) => c.id)).toEqual([
      'error-format',
      'bad-input',
      'transport',
    ]);
    expect(plan.sessions).toBe(0);
  });

  it('--only selects, and counts the shared session once', () => {
    const plan = planAudit(full, settings, { only: ['rotation', 'no-store'], maxSessions: 12 });
    expect(plan.sessions).toBe(1);
    expect(plan.checks.filter((c) => c.skip === 'not selected (--only)')).toHaveLength(13);
    expect(plan.longestWaitMs).toBe(0);
  });

  it('sizes the waits from the settings', () => {
    const plan = planAudit(
      full,
      { ...settings, maxWaitMs: 5000, lostResponsePauseMs: 20_000 },
      { maxSessions: 12 },
    );
    expect(plan.checks.find((c) => c.id === 'lost-response')?.needs?.waitMs).toBe(20_000);
    expect(plan.checks.find((c) => c.id === 'grace-window')?.needs?.waitMs).toBe(5000);
    expect(plan.longestWaitMs).toBe(20_000);
  });
});
