/**
 * When to refresh, when a token is still worth handing out, whether the session is in use,
 * and how long to back off: pure functions of the tokens, the options and the time.
 */
import { ConfigError } from '../errors.js';
import type { Tokens } from '../tokens/types.js';

/**
 * When to refresh ahead of expiry.
 *
 * A token's last `lead` (3% of its lifetime, bounded to 5–60 s: 27 s for a 15-minute token,
 * 60 s for an hour) is its refresh-ahead window:
 * - a token read inside the window starts a refresh in the background and still returns the
 *   current token, so nobody waits;
 * - a read after `usableUntil` (expiry minus `minValidity`) waits for one refresh before the
 *   request goes out, so no request meets a 401 because of expiry;
 * - while something holds the session with `retain()` (a live socket or subscription, or an
 *   app that wants the token always fresh), a timer refreshes at the start of the window.
 *
 * Why refresh on use rather than on a timer: a timer-driven refresh is a guess that the user
 * will come back, and every wrong guess rotates a refresh token for nobody, keeps a server-side
 * idle timeout alive for an absent user, and wakes a sleeping device. Refreshing on use costs,
 * at worst, one round trip for the first request after a pause longer than the token's life.
 * Measured over 30 virtual days of bursty use (test/session/soak.test.ts), this needs about 2%
 * more refreshes than an oracle that knew every request in advance; timer-driven refresh after
 * recent use needed 8–14% more. An app idle for days makes no refresh at all until its next
 * request, which pays exactly one.
 *
 * Expiry is measured from `expires_in` at receipt, so a wrong device clock does not move it.
 */
export interface RefreshPolicy {
  /**
   * Length of the refresh-ahead window before expiry, in ms or as a function of the token
   * lifetime in ms. @default clamp(3% of lifetime, 5 s, 60 s), at most half the lifetime
   */
  lead?: number | ((lifetimeMs: number) => number);
  /**
   * `getAccessToken()` never hands out a token with less validity than this; callers wait for
   * the refresh instead, so a request does not reach the server with a token that expires on
   * the way. @default min(10 s, lead / 2)
   */
  minValidity?: number;
  /**
   * Also refresh on the timer when the token was read or `markActivity()` was called within
   * this many ms (or a function of the lifetime), trading extra refreshes for fewer waits.
   * @default 0 (only `retain()` makes the timer refresh)
   */
  activeWindow?: number | ((lifetimeMs: number) => number);
}

/**
 * Backoff after a refresh failure that keeps the session (network, timeout, 5xx, 429).
 * Either the numbers below (exponential with equal jitter: a delay between half and all of
 * `min(maxDelay, baseDelay * 2^(attempt-1))`), or a function returning the delay in ms.
 * A `Retry-After` from the server is honoured as a minimum.
 */
export type RetryPolicy =
  | {
      /** @default 1000 */
      baseDelay?: number;
      /** @default 60000 */
      maxDelay?: number;
    }
  | ((attempt: number, info: { retryAfter: number | undefined; jitter: number }) => number);

/** Policies with defaults applied. */
export interface ResolvedPolicy {
  lead(lifetimeMs: number): number;
  minValidity(leadMs: number): number;
  activeWindow(lifetimeMs: number): number;
  backoff(attempt: number, retryAfter: number | undefined, jitter: number): number;
}

const SECOND = 1000;
const MAX_RETRY_AFTER = 24 * 3600 * SECOND;

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a number >= 0`);
  return value;
}

export function defaultLead(lifetimeMs: number): number {
  return Math.min(Math.max(lifetimeMs * 0.03, 5 * SECOND), 60 * SECOND, lifetimeMs / 2);
}

/** Validates policy options once and returns the functions the reducer calls. */
export function resolvePolicy(
  refresh: RefreshPolicy = {},
  retry: RetryPolicy = {},
): ResolvedPolicy {
  const { lead, minValidity, activeWindow } = refresh;
  if (typeof lead === 'number') nonNegative(lead, 'refreshPolicy.lead');
  if (minValidity !== undefined) nonNegative(minValidity, 'refreshPolicy.minValidity');
  if (typeof activeWindow === 'number') nonNegative(activeWindow, 'refreshPolicy.activeWindow');
  let backoff: ResolvedPolicy['backoff'];
  if (typeof retry === 'function') {
    backoff = (attempt, retryAfter, jitter) =>
      Math.max(nonNegative(retry(attempt, { retryAfter, jitter }), 'retry()'), retryAfter ?? 0);
  } else {
    const base = nonNegative(retry.baseDelay ?? SECOND, 'retry.baseDelay');
    const max = nonNegative(retry.maxDelay ?? 60 * SECOND, 'retry.maxDelay');
    backoff = (attempt, retryAfter, jitter) => {
      const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
      const delay = ceiling / 2 + (jitter * ceiling) / 2;
      return Math.max(delay, Math.min(retryAfter ?? 0, MAX_RETRY_AFTER));
    };
  }
  return {
    lead: (lifetime) =>
      lead === undefined ? defaultLead(lifetime) : typeof lead === 'number' ? lead : lead(lifetime),
    minValidity: (leadMs) => minValidity ?? Math.min(10 * SECOND, leadMs / 2),
    activeWindow: (lifetime) =>
      activeWindow === undefined
        ? 0
        : typeof activeWindow === 'number'
          ? activeWindow
          : activeWindow(lifetime),
    backoff,
  };
}

function lifetimeOf(tokens: Tokens): number | undefined {
  return tokens.expiresAt === undefined ? undefined : tokens.expiresAt - tokens.receivedAt;
}

/** Local time at which a proactive refresh is due; undefined when expiry is unknown. */
export function refreshAt(policy: ResolvedPolicy, tokens: Tokens): number | undefined {
  const lifetime = lifetimeOf(tokens);
  if (tokens.expiresAt === undefined || lifetime === undefined) return undefined;
  return tokens.expiresAt - policy.lead(Math.max(lifetime, 0));
}

/** Local time after which the access token is no longer handed out. */
export function usableUntil(policy: ResolvedPolicy, tokens: Tokens): number {
  const lifetime = lifetimeOf(tokens);
  if (tokens.expiresAt === undefined || lifetime === undefined) return Number.POSITIVE_INFINITY;
  return tokens.expiresAt - policy.minValidity(policy.lead(Math.max(lifetime, 0)));
}

/** How long a use keeps the session "in use" for proactive refresh. */
export function activeWindowOf(policy: ResolvedPolicy, tokens: Tokens): number {
  const lifetime = lifetimeOf(tokens);
  return lifetime === undefined ? 0 : policy.activeWindow(Math.max(lifetime, 0));
}
