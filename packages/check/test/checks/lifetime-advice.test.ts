import { describe, expect, it } from 'vitest';
import { judgeAccessLifetime, judgeRefreshLifetime } from '../../src/checks/lifetime-advice.js';

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
