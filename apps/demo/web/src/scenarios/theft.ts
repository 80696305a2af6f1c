/**
 * Seed 001, rotation with reuse detection: a thief replays a refresh token copied earlier. The
 * server sees a token of this session that was already rotated away, revokes the whole family,
 * and the legitimate session's next refresh is refused: the session ends and the page says why.
 */
import { isSessionExpiredError } from 'tokenkeeper';
import { fetchAudit, rowsSince } from '../runtime/audit.js';
import type { DemoRuntime } from '../runtime/runtime.js';
import { plural, type ScenarioReport } from './report.js';

/** The copy must be older than the predecessor, which the server may still accept in grace. */
const MIN_ROTATIONS = 2;

export async function replayStolenToken(runtime: DemoRuntime): Promise<ScenarioReport> {
  const { session, api, stolen, platform } = runtime;
  if (!stolen.held()) {
    return {
      tone: 'warn',
      headline: 'No refresh token was copied in this tab',
      lines: [
        'Sign in in this tab first: the "thief" copies the refresh token of the sign-in (or of the first refresh of a restored session).',
      ],
    };
  }
  while (stolen.rotationsSince() < MIN_ROTATIONS) await session.refresh();
  const generations = stolen.rotationsSince();
  const copy = stolen.take()!;
  const since = platform.clock.realNow();
  const response = await platform.network.fetch('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: copy }),
  });
  const answer = (await response.json()) as { error?: string; error_description?: string };
  platform.timeline.add({
    kind: 'scenario:theft',
    tone: response.ok ? 'bad' : 'warn',
    title: 'A thief replayed a stolen refresh token',
    detail: `${plural(generations, 'rotation')} old: HTTP ${response.status} ${answer.error ?? ''}`,
  });

  // The legitimate app carries on: its next call meets the revoked session.
  const next = await api.rest('/api/me');
  if (session.getSnapshot().status === 'active') await session.refresh().catch(() => undefined);
  const reuse = rowsSince(await fetchAudit(), 'reuse_revoked', since)[0];
  const ended = session.getSnapshot();
  return {
    tone: reuse && ended.status === 'expired' ? 'good' : 'bad',
    headline: reuse
      ? 'Reuse detected: the server revoked the session'
      : 'The server did not report a reuse',
    lines: [
      `The thief replayed a refresh token ${plural(generations, 'rotation')} old: HTTP ${response.status} ${answer.error ?? ''} (${answer.error_description ?? 'no description'}).`,
      reuse
        ? `Server audit: reuse_revoked for family ${reuse.familyId?.slice(0, 8)}, generation ${reuse.generation}: every token of the session, the thief's and yours, is now dead.`
        : 'No reuse_revoked row found in the audit log.',
      `This tab's next request: ${isSessionExpiredError(next.error) ? `SessionExpiredError (${next.error.reason}): the refresh was refused, the session ended` : next.ok ? `${next.status} (the session still works)` : 'failed'}.`,
    ],
    facts: {
      thiefStatus: response.status,
      thiefError: answer.error ?? '',
      reuse: reuse ? 1 : 0,
      session: ended.status,
      reason: ended.expiredReason ?? '',
    },
  };
}
