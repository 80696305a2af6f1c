/** A check's verdict. `skip`: it could not run here (the reason is in its finding). */
export type Verdict = 'pass' | 'warn' | 'fail' | 'skip';

export const verdicts: readonly Verdict[] = ['fail', 'warn', 'pass', 'skip'];

/** The worse of two verdicts: fail > warn > pass > skip. */
export function worse(a: Verdict, b: Verdict): Verdict {
  const rank: Record<Verdict, number> = { skip: 0, pass: 1, warn: 2, fail: 3 };
  return rank[a] >= rank[b] ? a : b;
}

/** What a check concluded, before the runner adds its id and why. */
export interface Outcome {
  readonly verdict: Verdict;
  /** One line: what was found. */
  readonly finding: string;
  /** What it saw: status codes, timings, fingerprints. Never token text. */
  readonly evidence: readonly string[];
}

export const skip = (finding: string, evidence: readonly string[] = []): Outcome => ({
  verdict: 'skip',
  finding,
  evidence,
});
