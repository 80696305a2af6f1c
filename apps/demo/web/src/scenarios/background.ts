/**
 * Seeds 000 and 002: the app spends five days in the background. The session is paused, the
 * device clock jumps five days, and the session resumes and re-reads the clock. A `web` session
 * (sliding, 2-minute idle) has ended and says so; a `mobile` session (90-day idle) refreshes once
 * and the data loads, where seed 000's app showed empty screens until a manual re-login.
 */
import { formatSpan } from '../format.js';
import { ME_QUERY } from '../runtime/api.js';
import { idleTimeoutFor } from '../runtime/config.js';
import type { DemoRuntime } from '../runtime/runtime.js';
import { expiryReasonText } from '../timeline/describe.js';
import { localRefreshes, plural, recordEvents, type ScenarioReport } from './report.js';

export const FIVE_DAYS = 5 * 86_400_000;

export async function fiveDaysAway(runtime: DemoRuntime): Promise<ScenarioReport> {
  const { session, api, platform, clientType } = runtime;
  const recorder = recordEvents(session);
  try {
    platform.timeline.add({
      kind: 'scenario:background',
      tone: 'info',
      title: 'Scenario: five days in the background',
      detail: 'the app is paused, the device clock moves 5 days ahead, the app resumes',
    });
    session.pause();
    platform.clock.advance(FIVE_DAYS);
    session.resume();
    const after = session.getSnapshot();
    if (after.status !== 'active') {
      const idle = idleTimeoutFor(platform.config, clientType);
      return {
        tone: 'info',
        headline: `The ${clientType} session ended: idle for 5 days (${after.expiredReason})`,
        lines: [
          expiryReasonText(after.expiredReason),
          idle === undefined
            ? 'This client type has no idle limit on the device.'
            : `A web session slides: each request extends it, and ${formatSpan(idle)} without one ends it. The page says so and asks for a sign-in, instead of showing screens without data (seed 002).`,
          'Sign in as "mobile" and try again: a phone app keeps its session for 90 days (seed 003).',
        ],
        facts: { outcome: 'ended', reason: after.expiredReason ?? '', refreshes: 0 },
      };
    }
    const me = await api.rest('/api/me');
    const graph = await api.graphql('GraphQL me + items', ME_QUERY);
    const refreshes = localRefreshes(recorder.events);
    const loaded = me.ok && graph.ok;
    return {
      tone: loaded && refreshes.length === 1 ? 'good' : 'bad',
      headline: `Back after 5 days: ${plural(refreshes.length, 'refresh')}, ${loaded ? 'data loaded' : 'data NOT loaded'}`,
      lines: [
        `The access token had expired days ago; on resume the session re-read the clock and refreshed once (${refreshes.map((r) => r.reason).join(', ') || 'none'}) before any request used it.`,
        `REST /api/me → ${me.status ?? 'failed'}, GraphQL me + items → ${graph.ok ? 'OK' : 'failed'}. Seed 000's app loaded no data after 4–5 days until a manual re-login.`,
      ],
      facts: { outcome: loaded ? 'loaded' : 'failed', refreshes: refreshes.length },
    };
  } finally {
    recorder.stop();
  }
}
