import type { Outcome } from '../checks/verdict.js';
import { isTransportError } from '../http/http-error.js';
import { LoginError } from '../session/login.js';

/** The outcome of a check that threw: what the audit can honestly say about it. */
export function outcomeOfError(error: unknown): Outcome {
  if (error instanceof LoginError) {
    return { verdict: 'skip', finding: `could not open a session: ${error.message}`, evidence: [] };
  }
  if (isTransportError(error)) {
    if (error.code === 'timeout' || error.code === 'network') {
      return {
        verdict: 'fail',
        finding: 'the server stopped answering',
        evidence: [error.message],
      };
    }
    if (error.code === 'aborted') return { verdict: 'skip', finding: 'interrupted', evidence: [] };
    return {
      verdict: 'skip',
      finding: `not finished: ${error.message} (a bug in tokenkeeper-check)`,
      evidence: [],
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { verdict: 'skip', finding: `not finished: internal error (${message})`, evidence: [] };
}
