// Rows (as pg and PGlite return them) to records: bigint columns arrive as numbers (see
// pg-pool.ts), bytea as bytes.
import type { ClientType } from '../client-type.js';
import type { AuditOutcome, AuditRecord, FamilyRecord } from './records.js';

/** A row as the drivers return it. */
export type Row = Record<string, unknown>;

export const bytes = (value: unknown): Buffer => Buffer.from(value as Uint8Array);
export const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null ? null : Number(value));
const strOrNull = (value: unknown): string | null => (value === null ? null : String(value));

/** A tk_families row as a record. */
export function toFamily(row: Row): FamilyRecord {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    clientType: row.client_type as ClientType,
    scope: String(row.scope),
    secret: bytes(row.secret),
    generation: num(row.generation),
    createdAt: num(row.created_at),
    rotatedAt: num(row.rotated_at),
    lastUsedAt: num(row.last_used_at),
    idleExpiresAt: num(row.idle_expires_at),
    absoluteExpiresAt: num(row.absolute_expires_at),
    accessTtlMs: num(row.access_ttl_ms),
    idleTimeoutMs: num(row.idle_timeout_ms),
    revokedAt: numOrNull(row.revoked_at),
    revokedReason: strOrNull(row.revoked_reason),
  };
}

/** A tk_audit row as a record. */
export function toAudit(row: Row): AuditRecord {
  return {
    id: num(row.id),
    at: num(row.at),
    outcome: row.outcome as AuditOutcome,
    familyId: strOrNull(row.family_id),
    generation: numOrNull(row.generation),
    clientType: strOrNull(row.client_type) as ClientType | null,
    userId: strOrNull(row.user_id),
    ip: strOrNull(row.ip),
    userAgent: strOrNull(row.user_agent),
    requestId: strOrNull(row.request_id),
    detail: strOrNull(row.detail),
  };
}
