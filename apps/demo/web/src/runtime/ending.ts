/**
 * Why the session ended, for the notice above the sign-in form: the `expired` event's reason,
 * completed with the server's audit row that explains it (a `reuse_revoked` after a replayed
 * refresh token, a server-side expiry).
 */
import type { Session } from 'tokenkeeper';
import type { DemoClock } from '../platform/clock.js';
import { createStore, type Store } from '../store.js';
import { type AuditRow, fetchAudit } from './audit.js';

export interface Ending {
  readonly reason: string;
  /** Another tab saw it first and told this one. */
  readonly remote: boolean;
  /** The server's record of why, when it has one. */
  readonly audit: AuditRow | undefined;
  /** How long the app had been away when it ended, for endings on resume. */
  readonly awayMs: number | undefined;
}

/** Audit rows older than this (before the end) are not taken as its cause. */
const LOOK_BACK = 60_000;
const EXPLAINING = new Set(['reuse_revoked', 'expired', 'revoke']);

export function followEndings(
  session: Session,
  clock: DemoClock,
): { ending: Store<Ending | undefined>; stop(): void } {
  const ending = createStore<Ending | undefined>(undefined);
  let awayMs: number | undefined;
  const stop = session.subscribe((event) => {
    if (event.type === 'resumed') awayMs = event.awayMs;
    else if (event.type === 'signedIn' || event.type === 'restored') {
      ending.set(undefined);
      awayMs = undefined;
    } else if (event.type === 'expired') {
      const endedAt = clock.realNow();
      const base: Ending = { reason: event.reason, remote: event.remote, audit: undefined, awayMs };
      ending.set(base);
      // Decided on this device; the server only hears of it through the revocation that follows.
      if (event.reason === 'idle') return;
      fetchAudit().then(
        (rows) => {
          const cause = rows.find(
            (row) => EXPLAINING.has(row.outcome) && row.at >= endedAt - LOOK_BACK,
          );
          if (cause && ending.get() === base) ending.set({ ...base, audit: cause });
        },
        () => undefined, // the notice still shows the reason the session gave
      );
    }
  });
  return { ending, stop };
}
