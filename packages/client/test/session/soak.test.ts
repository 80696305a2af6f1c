import { isRetryableError, type RefreshFunction } from 'tokenkeeper';
import { seededRandom } from 'tokenkeeper/testing';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, harness, MINUTE, outcome, SECOND } from '../harness.js';

const TTL = 15 * MINUTE;

interface SoakResult {
  requests: number;
  okRequests: number;
  refreshes: number;
  failedRefreshes: number;
  minimum: number;
  expired: number;
  unexpected: unknown[];
  resource401: number;
}

/**
 * 30 virtual days: bursts of use separated by idle gaps, background periods, offline periods,
 * and 1% transient refresh failures. Returns what happened and the minimum number of refreshes
 * the lifetimes allow for the requests actually made (a refresh only when a request finds the
 * token expired).
 */
async function soak(seed: number): Promise<SoakResult> {
  const random = seededRandom(seed);
  let online = true;
  const flaky =
    (inner: RefreshFunction): RefreshFunction =>
    async (context) => {
      if (!online) throw new TypeError('fetch failed: offline');
      if (random() < 0.01) throw new TypeError('fetch failed: connection reset');
      return inner(context);
    };
  const h = harness({ wrapRefresh: flaky, session: { random } });
  const { clock, server, session, of } = h;
  const api = async (path: string) => {
    if (!online) throw new TypeError('fetch failed: offline');
    return h.api(`https://auth.test${path}`);
  };
  const end = clock.now() + 30 * DAY;
  await session.signIn(server.login());
  let tokenValidUntil = clock.now() + TTL; // for the minimum: greedy, refresh only when needed
  let minimum = 0;
  const result = { requests: 0, okRequests: 0, unexpected: [] as unknown[] };

  while (clock.now() < end) {
    const roll = random();
    if (roll < 0.1) {
      session.pause(); // background for a while
      await clock.advance(random() * 6 * HOUR);
      session.resume();
    } else if (roll < 0.2) {
      online = false;
      session.setOnline(false);
      await clock.advance(random() * 30 * MINUTE);
      online = true;
      session.setOnline(true);
    } else if (roll < 0.5) {
      await clock.advance(random() * 3 * HOUR); // idle, app in front
    }
    // A burst of use: 5 minutes to 3 hours, a request every 5 s to 4 minutes.
    const burstEnd = clock.now() + 5 * MINUTE + random() * 175 * MINUTE;
    while (clock.now() < burstEnd) {
      result.requests++;
      if (online && clock.now() >= tokenValidUntil) {
        minimum++;
        tokenValidUntil = clock.now() + TTL;
      }
      const res = await outcome(api('/work'));
      if (res.value?.status === 200) result.okRequests++;
      else if (!isRetryableError(res.error) && !(res.error instanceof TypeError))
        result.unexpected.push(res.error ?? res.value?.status);
      await clock.advance(5 * SECOND + random() * 235 * SECOND);
    }
  }
  return {
    ...result,
    refreshes: of('refreshed').length,
    failedRefreshes: of('refreshFailed').length,
    minimum,
    expired: of('expired').length,
    resource401: server.resourceCalls.filter((c) => c.status === 401).length,
  };
}

describe('soak: 30 virtual days (behaviour 10)', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: no expiry, no 401, refresh count within 5% of the minimum`, async () => {
      const r = await soak(seed);
      console.log(
        `soak seed ${seed}:`,
        JSON.stringify({
          ...r,
          unexpected: r.unexpected.length,
          ratio: (r.refreshes / r.minimum).toFixed(4),
        }),
      );
      expect(r.requests).toBeGreaterThan(5000);
      expect(r.expired).toBe(0);
      expect(r.resource401).toBe(0);
      expect(r.unexpected).toEqual([]);
      expect(r.failedRefreshes).toBeGreaterThan(0);
      expect(r.refreshes).toBeGreaterThanOrEqual(r.minimum * 0.95);
      expect(r.refreshes).toBeLessThanOrEqual(r.minimum * 1.05);
    }, 120_000);
  }
});
