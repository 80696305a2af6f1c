import { formatClock } from '../format.js';
import type { Timeline } from '../timeline/timeline.js';
import { useStore } from './hooks.js';

/** The lifecycle timeline, newest first; times are the device clock's. */
export function TimelinePanel({ timeline }: { timeline: Timeline }) {
  const entries = useStore({ get: timeline.entries, subscribe: timeline.subscribe });
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
            <time>{formatClock(entry.at)}</time>
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
