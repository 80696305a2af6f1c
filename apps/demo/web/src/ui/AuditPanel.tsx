import { useEffect, useState } from 'react';
import { formatClock, shortId } from '../format.js';
import { type AuditRow, fetchAudit } from '../runtime/audit.js';
import type { Timeline } from '../timeline/timeline.js';

const REFRESH_EVERY = 2000;
/** After a timeline change, wait this long for the server's rows of the same event. */
const SETTLE = 300;
const SHOWN = 14;

const MEANING: Record<AuditRow['outcome'], string> = {
  login: 'signed in',
  rotate: 'refresh token rotated',
  grace_replay: 'retry within grace: same successor',
  reuse_revoked: 'old token reused: session revoked',
  revoke: 'revoked on request',
  expired: 'session over on the server',
  rejected: 'refused',
};

/**
 * The token server's audit log: what the server decided. Read every two seconds, and shortly
 * after anything lands on the timeline, so a scenario's rows appear with its outcome.
 */
export function AuditPanel({ timeline }: { timeline: Timeline }) {
  const [rows, setRows] = useState<AuditRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let stopped = false;
    let soon: ReturnType<typeof setTimeout> | undefined;
    const read = () => {
      soon = undefined;
      fetchAudit().then(
        (next) => {
          if (stopped) return;
          setRows(next);
          setError(undefined);
        },
        (cause: unknown) => !stopped && setError(String(cause)),
      );
    };
    read();
    const timer = setInterval(read, REFRESH_EVERY);
    const unsubscribe = timeline.subscribe(() => {
      soon ??= setTimeout(read, SETTLE);
    });
    return () => {
      stopped = true;
      clearInterval(timer);
      if (soon !== undefined) clearTimeout(soon);
      unsubscribe();
    };
  }, [timeline]);
  return (
    <section className="card">
      <h2>Server audit log</h2>
      <p className="hint">
        What the token server decided, newest first (server time). It never stores a token: rows
        name the session family and the generation of its refresh token.
      </p>
      {error && <p className="error">{error}</p>}
      <table className="audit" data-testid="audit">
        <thead>
          <tr>
            <th>time</th>
            <th>outcome</th>
            <th>family</th>
            <th>gen</th>
            <th>client</th>
          </tr>
        </thead>
        <tbody>
          {rows?.slice(0, SHOWN).map((row) => (
            <tr
              key={`${row.at}-${row.outcome}-${row.familyId}-${row.generation}`}
              className={`outcome-${row.outcome}`}
            >
              <td>{formatClock(row.at)}</td>
              <td title={MEANING[row.outcome]}>
                <span className="outcome">{row.outcome}</span>
                <span className="meaning">{MEANING[row.outcome]}</span>
              </td>
              <td>
                <code>{shortId(row.familyId)}</code>
              </td>
              <td>{row.generation ?? '—'}</td>
              <td>{row.clientType ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
