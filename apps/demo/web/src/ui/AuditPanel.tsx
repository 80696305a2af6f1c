import { useEffect, useState } from 'react';
import { formatClock, shortId } from '../format.js';
import { type AuditRow, fetchAudit } from '../runtime/audit.js';

const REFRESH_EVERY = 2000;
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

/** The token server's audit log, read every two seconds: what the server decided. */
export function AuditPanel() {
  const [rows, setRows] = useState<AuditRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let stopped = false;
    const read = () =>
      fetchAudit().then(
        (next) => {
          if (stopped) return;
          setRows(next);
          setError(undefined);
        },
        (cause: unknown) => !stopped && setError(String(cause)),
      );
    void read();
    const timer = setInterval(read, REFRESH_EVERY);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  return (
    <section className="card">
      <h2>Server audit log</h2>
      <p className="hint">
        Read from the token server every 2 s (server time). Tokens never reach it: rows name the
        session family and its generation.
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
