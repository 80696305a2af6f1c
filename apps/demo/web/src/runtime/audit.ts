/**
 * The token server's audit log as the demo exposes it (`GET /demo/audit`, newest first): the
 * page's window into what the server decided. Read with the real network, not the page's
 * simulated one: it shows the server, not the app.
 */
export type AuditOutcome =
  | 'login'
  | 'rotate'
  | 'grace_replay'
  | 'reuse_revoked'
  | 'revoke'
  | 'expired'
  | 'rejected';

export interface AuditRow {
  /** Server time (ms). */
  readonly at: number;
  readonly outcome: AuditOutcome;
  readonly familyId: string | null;
  readonly generation: number | null;
  readonly clientType: string | null;
}

export async function fetchAudit(): Promise<AuditRow[]> {
  const response = await fetch('/demo/audit', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /demo/audit answered HTTP ${response.status}`);
  return (await response.json()) as AuditRow[];
}

/** Rows of `outcome` written at or after `since` (server time). */
export function rowsSince(rows: readonly AuditRow[], outcome: AuditOutcome, since: number) {
  return rows.filter((row) => row.outcome === outcome && row.at >= since);
}
