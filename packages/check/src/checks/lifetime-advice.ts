import type { ClientType } from './check.js';
import { formatSeconds } from './describe.js';
import type { Verdict } from './verdict.js';

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;

export interface LifetimeJudgement {
  readonly verdict: Verdict;
  readonly note: string;
}

/**
 * Access-token lifetime against the advice for the client type. Mobile (seed 003): 15–60 min;
 * shorter means more refreshes, each a chance to fail on a sleeping phone; 24 h was seed 003's
 * cause 3. Web: short enough that a token read by script is soon useless, up to a few hours.
 */
export function judgeAccessLifetime(seconds: number, clientType: ClientType): LifetimeJudgement {
  const value = `access tokens live ${formatSeconds(seconds)}`;
  if (seconds >= 24 * HOUR)
    return { verdict: 'fail', note: `${value}: a day or more (seed 003, cause 3)` };
  if (clientType === 'mobile') {
    if (seconds < 15 * MIN)
      return {
        verdict: 'warn',
        note: `${value}: under the 15–60 min advised for mobile; every refresh is a chance to fail`,
      };
    if (seconds > HOUR)
      return { verdict: 'warn', note: `${value}: over the 15–60 min advised for mobile` };
    return { verdict: 'pass', note: `${value}: within 15–60 min (mobile)` };
  }
  if (seconds < 5 * MIN)
    return { verdict: 'warn', note: `${value}: under 5 min, so clients refresh very often` };
  if (seconds > 4 * HOUR)
    return { verdict: 'warn', note: `${value}: over the few hours advised for web clients` };
  return { verdict: 'pass', note: `${value}: within 5 min–4 h (web)` };
}

/** Refresh-token lifetime, when the server advertises one. Mobile: 30–90 days (seed 003);
 * web: 7–30 days. */
export function judgeRefreshLifetime(seconds: number, clientType: ClientType): LifetimeJudgement {
  const value = `refresh tokens live ${formatSeconds(seconds)}`;
  const [low, high] = clientType === 'mobile' ? [30, 90] : [7, 30];
  if (seconds < low * DAY)
    return {
      verdict: 'warn',
      note: `${value}: under ${low}–${high} d (${clientType}); idle users must sign in again`,
    };
  if (seconds > high * DAY)
    return {
      verdict: 'warn',
      note: `${value}: over ${low}–${high} d (${clientType}); a stolen token stays useful that long`,
    };
  return { verdict: 'pass', note: `${value}: within ${low}–${high} d (${clientType})` };
}
