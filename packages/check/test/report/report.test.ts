import { describe, expect, it } from 'vitest';
import { formatJsonReport, formatTextReport, summaryLine } from '../../src/report/text-report.js';
import type { AuditReport } from '../../src/run/audit.js';

const report: AuditReport = {
  target: 'https://as.example',
  endpoints: { issuer: 'https://as.example', 'token endpoint': 'https://as.example/token' },
  clientType: 'web',
  checks: [
    {
      id: 'rotation',
      verdict: 'pass',
      finding: 'every refresh returns a new refresh token',
      evidence: ['new refresh token #0badf00d'],
      why: 'why rotation',
    },
    {
      id: 'no-store',
      verdict: 'fail',
      finding: 'no Cache-Control: no-store on the refresh response',
      evidence: ['refresh 200: Cache-Control (absent)'],
      why: 'why no-store',
    },
    {
      id: 'expiry-truthful',
      verdict: 'skip',
      finding: 'needs --resource',
      evidence: [],
      why: 'why expiry',
    },
    {
      id: 'lost-response',
      verdict: 'warn',
      finding: 'a lost response signs the user out',
      evidence: ['#1 after 15 s: 400'],
      why: 'why lost',
    },
  ],
  summary: { pass: 1, warn: 1, fail: 1, skip: 1 },
  run: { sessions: 2, signedOut: 2, requests: 17, durationMs: 15_400 },
};

describe('the text report', () => {
  const text = formatTextReport(report);

  it('groups checks by verdict, failures first, with evidence; why only for fail and warn', () => {
    const order = [
      'FAIL  no-store',
      'WARN  lost-response',
      'PASS  rotation',
      'SKIP  expiry-truthful',
    ].map((line) => text.indexOf(line));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(text).toContain('        refresh 200: Cache-Control (absent)');
    expect(text).toContain('why: why no-store');
    expect(text).toContain('why: why lost');
    expect(text).not.toContain('why rotation');
  });

  it('ends with the run and the summary line', () => {
    expect(text).toContain('2 session(s) opened, 2 signed out · 17 requests · 15 s');
    expect(text.trimEnd().endsWith('1 pass, 1 warn, 1 fail, 1 skip')).toBe(true);
    expect(summaryLine({ pass: 13, warn: 0, fail: 0, skip: 2 })).toBe(
      '13 pass, 0 warn, 0 fail, 2 skip',
    );
  });

  it('is plain text unless colour is asked for', () => {
    expect(text).not.toContain('\u001b[');
    const coloured = formatTextReport(report, { colour: true });
    expect(coloured).toContain('\u001b[31mFAIL\u001b[0m');
    expect(coloured).toContain('\u001b[32mPASS\u001b[0m');
  });
});

describe('the JSON report', () => {
  it('has target, checks with id, verdict, evidence and why, and the summary', () => {
    const json = JSON.parse(formatJsonReport(report)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'target',
      'endpoints',
      'clientType',
      'checks',
      'summary',
      'run',
    ]);
    expect(json.target).toBe('https://as.example');
    expect(json.summary).toEqual({ pass: 1, warn: 1, fail: 1, skip: 1 });
    expect((json.checks as unknown[])[1]).toEqual({
      id: 'no-store',
      verdict: 'fail',
      finding: 'no Cache-Control: no-store on the refresh response',
      evidence: ['refresh 200: Cache-Control (absent)'],
      why: 'why no-store',
    });
  });
});
