/**
 * What a scenario shows when it is done: a headline, a few plain sentences, and the numbers it
 * counted (also exposed as data attributes for the end-to-end test).
 */
import type { Session, SessionEvent } from 'tokenkeeper';

export interface ScenarioReport {
  readonly tone: 'good' | 'info' | 'warn' | 'bad';
  readonly headline: string;
  readonly lines: readonly string[];
  readonly facts?: Readonly<Record<string, number | string>>;
}

/** Collects the session's events until `stop()`. */
export function recordEvents(session: Session): { events: SessionEvent[]; stop(): void } {
  const events: SessionEvent[] = [];
  const stop = session.subscribe((event) => events.push(event));
  return { events, stop };
}

/** Refreshes this tab ran itself (not adopted from another tab). */
export function localRefreshes(events: readonly SessionEvent[]) {
  return events.filter(
    (event): event is Extract<SessionEvent, { type: 'refreshed' }> =>
      event.type === 'refreshed' && event.reason !== 'remote',
  );
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
