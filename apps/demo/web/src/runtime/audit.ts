/**
 * The token server's audit log as the demo exposes it (`GET /demo/audit`, newest first): the
 * page's window into what the server decided. Read with the real network, not the page's
 * simulated one: it shows the server, not the app.
 */
import type { AuditOutcome, AuditRecord } from 'tokenkeeper-server';

/** The fields of the server's audit record that the demo's endpoint passes on. */
export type AuditRow = Pick<
  AuditRecord,
  'at' | 'outcome' | 'familyId' | 'generation' | 'clientType'
>;

export async function fetchAudit(): Promise<AuditRow[]> {
  const response = await fetch('/demo/audit', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /demo/audit answered HTTP ${response.status}`);
  return (await response.json()) as AuditRow[];
}

/** Rows of `outcome` written at or after `since` (server time). */
export function rowsSince(rows: readonly AuditRow[], outcome: AuditOutcome, since: number) {
  return rows.filter((row) => row.outcome === outcome && row.at >= since);
}
