import { useState } from 'react';
import type { SessionSnapshot } from 'tokenkeeper';
import { formatDuration, formatSpan } from '../format.js';
import { idleTimeoutFor } from '../runtime/config.js';
import type { DemoRuntime } from '../runtime/runtime.js';
import { DataPanel } from './DataPanel.js';
import { useNow } from './hooks.js';

function Countdown({
  label,
  remaining,
  total,
  testId,
  note,
  over,
}: {
  label: string;
  remaining: number;
  total: number;
  testId: string;
  note?: string;
  /** Shown once the countdown has run out. */
  over: string;
}) {
  const share = Math.max(0, Math.min(1, remaining / total));
  const tone = share > 0.4 ? 'good' : share > 0.15 ? 'warn' : 'bad';
  return (
    <div className="countdown" data-testid={testId} data-remaining-ms={Math.round(remaining)}>
      <div className="countdown-head">
        <span>{label}</span>
        {remaining > 0 ? (
          <strong>{formatDuration(remaining)}</strong>
        ) : (
          <span className="countdown-over">{over}</span>
        )}
      </div>
      <div className="bar">
        <div className={`bar-fill tone-${tone}`} style={{ width: `${share * 100}%` }} />
      </div>
      {note && <p className="hint">{note}</p>}
    </div>
  );
}

export function SessionPanel({
  runtime,
  snapshot,
}: {
  runtime: DemoRuntime;
  snapshot: SessionSnapshot;
}) {
  const { clock, config } = runtime.platform;
  const now = useNow(clock);
  const [busy, setBusy] = useState(false);
  const lifetime = config.lifetimes[runtime.clientType];
  const idle = idleTimeoutFor(config, runtime.clientType);
  const act = (action: () => Promise<unknown>) => {
    setBusy(true);
    action()
      .catch(() => undefined) // the outcome reaches the timeline as session events
      .finally(() => setBusy(false));
  };
  return (
    <section className="card" data-testid="session-panel">
      <h2>Session</h2>
      <dl className="facts">
        <dt>Signed in as</dt>
        <dd>
          {config.user} · <strong>{runtime.clientType}</strong>{' '}
          {idle === undefined
            ? `(no idle limit on the device; the server allows ${formatSpan(config.lifetimes.mobile.idleTimeout)})`
            : `(sliding: ends after ${formatSpan(idle)} without activity)`}
        </dd>
        <dt>Access token</dt>
        <dd>
          <code data-testid="fingerprint">{snapshot.fingerprint}</code>{' '}
          {snapshot.refreshing && <span className="chip chip-info">refreshing…</span>}
        </dd>
      </dl>
      {snapshot.expiresAt !== undefined && (
        <Countdown
          label="Access token expires in"
          remaining={snapshot.expiresAt - now}
          total={lifetime.accessTtl}
          testId="access-countdown"
          over="expired: the next request refreshes it"
          note={
            snapshot.refreshAt === undefined
              ? undefined
              : `Renewed ${formatSpan(snapshot.expiresAt - snapshot.refreshAt)} before the end while a live feed holds the session; otherwise by the next request that needs a token.`
          }
        />
      )}
      {snapshot.idleDeadline !== undefined && idle !== undefined ? (
        <Countdown
          label="Idle: the session ends without activity in"
          remaining={snapshot.idleDeadline - now}
          total={idle}
          testId="idle-countdown"
          over="now"
          note={
            'Requests, "stay signed in" and coming back to the page count as activity; refreshes that only keep a live feed\'s token fresh do not.'
          }
        />
      ) : (
        <p className="hint" data-testid="idle-countdown">
          No idle countdown: a mobile session stays signed in while the app sleeps.
        </p>
      )}
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => act(() => runtime.session.refresh())}>
          Refresh now
        </button>
        <button type="button" disabled={busy} onClick={() => act(() => runtime.session.signOut())}>
          Sign out
        </button>
      </div>
      <DataPanel runtime={runtime} />
    </section>
  );
}
