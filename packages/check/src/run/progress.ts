import type { CheckId } from '../checks/check-id.js';
import type { Verdict } from '../checks/verdict.js';

/** What the runner tells a progress display. Times are the runner's clock (ms). */
export type ProgressEvent =
  | { readonly type: 'start'; readonly total: number }
  | { readonly type: 'wait'; readonly id: CheckId; readonly until: number }
  | {
      readonly type: 'done';
      readonly id: CheckId;
      readonly verdict: Verdict;
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'sign-out'; readonly sessions: number };
