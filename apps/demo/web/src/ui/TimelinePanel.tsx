import { formatDeviceTime } from '../format.js';
import type { DemoClock } from '../platform/clock.js';
import type { Timeline } from '../timeline/timeline.js';
import { useStore } from './hooks.js';

export function TimelinePanel({ timeline, clock }: { timeline: Timeline; clock: DemoClock }) {
  const entries = useStore({ get: timeline.entries, subscribe: timeline.subscribe });
  const offset = useStore({ get: clock.offset, subscribe: clock.subscribe });
  return (
    <section className="card timeline-card">
      <h2>Timeline</h2>
      <p className="hint">Newest first. Tokens are shown as fingerprints only.</p>
      {entries.length === 0 && <p className="hint">Nothing yet: sign in.</p>}
      <ol className="timeline" data-testid="timeline">
        {entries.map((entry) => (
          <li
            key={entry.id}
            className={`entry tone-${entry.tone}`}
            data-kind={entry.kind}
            data-count={entry.count}
          >
            <time>{formatDeviceTime(entry.at, offset)}</time>
            <div>
              <div className="entry-title">
                {entry.title}
                {entry.count > 1 && <span className="count">×{entry.count}</span>}
              </div>
              {entry.detail && <div className="entry-detail">{entry.detail}</div>}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
