import { describe, expect, it } from 'vitest';
import { formatMs, tally } from '../../src/checks/describe.js';
import { expirySchedule, expiryWaitMs } from '../../src/checks/expiry-schedule.js';
import { graceProbeOffsets } from '../../src/checks/grace-probes.js';
import { worse } from '../../src/checks/verdict.js';

describe('grace-window probe offsets', () => {
  it('start at once, densely, and never pass --max-wait', () => {
    expect(graceProbeOffsets(3000)).toEqual([0, 250, 500, 1000, 2000, 3000]);
    expect(graceProbeOffsets(0)).toEqual([0]);
    const minute = graceProbeOffsets(60_000);
    expect(minute[0]).toBe(0);
    expect(Math.max(...minute)).toBe(60_000);
    for (let i = 1; i < minute.length; i++) expect(minute[i]!).toBeGreaterThan(minute[i - 1]!);
  });

  it('measure a 10 s window to within 2.5 s and bound the probe count', () => {
    const offsets = graceProbeOffsets(60_000);
    const lastBefore = Math.max(...offsets.filter((o) => o < 10_000));
    const firstAfter = Math.min(...offsets.filter((o) => o >= 10_000));
    expect(firstAfter - lastBefore).toBeLessThanOrEqual(2500);
    expect(graceProbeOffsets(86_400_000).length).toBeLessThan(30);
  });
});

describe('expiry-truthful schedule', () => {
  it('probes before expiry with a margin of 10%, at least 2 s, and from 1.5 s after', () => {
    expect(expirySchedule(4000)).toEqual({
      before: 2000,
      after: [5500, 9000, 19_000, 34_000, 64_000],
    });
    expect(expirySchedule(900_000).before).toBe(810_000);
    expect(expirySchedule(1000).before).toBe(0);
    expect(expiryWaitMs(30_000)).toBe(31_500);
  });
});

describe('evidence formatting', () => {
  it('formats durations at a readable scale', () => {
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(1500)).toBe('1.5 s');
    expect(formatMs(15_000)).toBe('15 s');
    expect(formatMs(900_000)).toBe('15 min');
    expect(formatMs(7_776_000_000)).toBe('90 d');
  });

  it('tallies statuses, most frequent first', () => {
    expect(tally([200, 400, 400, '400', 500])).toBe('400 ×3, 200 ×1, 500 ×1');
  });

  it('orders verdicts fail > warn > pass > skip', () => {
    expect(worse('pass', 'warn')).toBe('warn');
    expect(worse('fail', 'warn')).toBe('fail');
    expect(worse('skip', 'pass')).toBe('pass');
    expect(worse('skip', 'skip')).toBe('skip');
  });
});
