/**
 * Smoke test of the benchmarks: each benchmark function in its tiniest configuration, against
 * the same real servers, asserting the properties that must hold whatever the machine's speed
 * (never a wall-clock figure).
 */
import { describe, expect, it } from 'vitest';
import { oracleRefreshes } from '../arrivals.js';
import { describeMachine } from '../machine.js';
import { runOverhead } from '../overhead.js';
import { renderResults } from '../report.js';
import type { SavedResult } from '../results-file.js';
import { runServer } from '../server.js';
import { runSteady } from '../steady.js';
import { runStorm } from '../storm.js';

const saved: SavedResult[] = [];
const keep = (result: SavedResult['result']) =>
  saved.push({
    name: result.kind,
    date: new Date().toISOString(),
    seconds: 0,
    quick: true,
    machine: describeMachine(),
    result,
  });

describe('benchmarks, tiniest configuration', () => {
  it('storm N=10: tokenkeeper refreshes once with no failure; the naive interceptor once per 401', async () => {
    const result = await runStorm({
      runs: 1,
      plans: [{ graceMs: 10_000, sizes: [10] }],
      contenders: ['tokenkeeper (fetch)', 'naive interceptor (seed 000)'],
    });
    const [mine, naive] = result.cells;
    expect(mine?.contender).toBe('tokenkeeper (fetch)');
    expect(mine?.runs[0]?.ledger).toMatchObject({ calls: 1, rotations: 1, revoked: false });
    expect(mine?.runs[0]?.failed).toBe(0);
    expect(naive?.runs[0]?.ledger.calls).toBe(10);
    keep(result);
  }, 60_000);

  it('steady state: tokenkeeper meets no 401; a reactive peer meets one per expiry', async () => {
    const result = await runSteady({
      runs: 1,
      requests: 1_000,
      hours: 2,
      accessTtlMinutes: 15,
      contenders: ['tokenkeeper (fetch)', 'axios-auth-refresh 5'],
    });
    const [mine, reactive] = result.cells.map((cell) => cell.runs[0]);
    expect(mine).toMatchObject({ unauthorized: 0, failed: 0 });
    expect(mine?.refreshes).toBeGreaterThanOrEqual(mine?.minimum ?? Number.NaN);
    expect(mine?.minimum).toBeGreaterThan(0);
    expect(reactive).toMatchObject({ failed: 0 });
    expect(reactive?.unauthorized).toBe(reactive?.minimum);
    keep(result);
  });

  it("overhead: measures both pairs, the hot path and createFetch's steps", async () => {
    const result = await runOverhead({
      runs: 1,
      seconds: 0.2,
      concurrency: 4,
      hotPathMs: 20,
      profileSeconds: 0.2,
    });
    const run = result.runs[0];
    expect(run?.throughput.map((pair) => pair.name)).toEqual(['createFetch', 'attachAxios']);
    for (const pair of run?.throughput ?? []) {
      expect(pair.baseline).toBeGreaterThan(0);
      expect(pair.tokenkeeper).toBeGreaterThan(0);
    }
    expect(run?.hotPath.tokenkeeper).toBeGreaterThan(0);
    expect(Object.keys(run?.steps.fetch ?? {})).toContain('createFetch over instant fetch');
    expect(Object.keys(run?.steps.axios ?? {})).toContain('attachAxios over instant adapter');
    expect(result.profiles.createFetch?.tokenkeeper).toBeGreaterThan(0);
    keep(result);
  });

  it('server: rotations and verifications beside their baselines (PostgreSQL when configured)', async () => {
    const databaseUrl = process.env.DATABASE_URL || undefined;
    const result = await runServer({ runs: 1, seconds: 0.1, concurrency: 2, databaseUrl });
    const measured = result.rows.filter((row) => row.runs.length > 0);
    expect(measured.length).toBe(databaseUrl ? 5 : 3);
    for (const row of measured) {
      expect(row.runs[0]?.contender).toBeGreaterThan(0);
      expect(row.runs[0]?.baseline).toBeGreaterThan(0);
    }
    expect(result.postgresSkipped).toBe(databaseUrl ? undefined : 'DATABASE_URL not set');
    keep(result);
  }, 60_000);

  it('RESULTS.md shows every section, its rerun command and the aims', () => {
    const text = renderResults(saved, true);
    for (const name of ['overhead', 'storm', 'steady', 'server']) {
      expect(text).toContain(`npm run bench -- ${name}`);
    }
    expect(text).toMatch(
      /tokenkeeper makes 1 refresh with 0 failed requests at every N \| .* \| yes/,
    );
    expect(text).toMatch(/no 401 from the server .* \| yes/);
  });
});

describe('the oracle', () => {
  it('refreshes only when a request finds the token expired', () => {
    expect(oracleRefreshes([100, 899, 900, 1799, 1800, 5000], 0, 900)).toBe(3);
    expect(oracleRefreshes([], 0, 900)).toBe(0);
  });
});
