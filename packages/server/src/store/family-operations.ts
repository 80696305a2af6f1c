import type { Queryable } from './database.js';
import type { StoreOperations } from './operations.js';
import { type Row, toFamily } from './rows.js';

/** The families table: create, read, rotate (the one conditional UPDATE), revoke, touch. */
export function familyOperations(
  q: Queryable,
): Pick<
  StoreOperations,
  'insertFamily' | 'getFamily' | 'rotateCurrent' | 'revokeFamily' | 'touchFamily'
> {
  return {
    async insertFamily(f) {
      await q.query(
        `INSERT INTO tk_families (id, user_id, client_type, scope, secret, generation, created_at,
           rotated_at, last_used_at, idle_expires_at, absolute_expires_at, access_ttl_ms,
           idle_timeout_ms, revoked_at, revoked_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          f.id,
          f.userId,
          f.clientType,
          f.scope,
          f.secret,
          f.generation,
          f.createdAt,
          f.rotatedAt,
          f.lastUsedAt,
          f.idleExpiresAt,
          f.absoluteExpiresAt,
          f.accessTtlMs,
          f.idleTimeoutMs,
          f.revokedAt,
          f.revokedReason,
        ],
      );
    },
    async getFamily(id) {
      const { rows } = await q.query<Row>('SELECT * FROM tk_families WHERE id = $1', [id]);
      return rows[0] ? toFamily(rows[0]) : undefined;
    },
    async rotateCurrent({ id, from, now, ip, userAgent, requestId }) {
      const { rows } = await q.query<Row>(
        `WITH moved AS (
           UPDATE tk_families
              SET generation = generation + 1, rotated_at = $3, last_used_at = $3,
                  idle_expires_at = $3 + idle_timeout_ms
            WHERE id = $1 AND generation = $2 AND revoked_at IS NULL
              AND idle_expires_at > $3 AND absolute_expires_at > $3
           RETURNING *
         ), logged AS (
           INSERT INTO tk_audit (at, outcome, family_id, generation, client_type, user_id, ip,
             user_agent, request_id)
           SELECT $3, 'rotate', id, $2::bigint, client_type, user_id, $4, $5, $6 FROM moved
         )
         SELECT * FROM moved`,
        [id, from, now, ip, userAgent, requestId],
      );
      return rows[0] ? toFamily(rows[0]) : undefined;
    },
    async revokeFamily(id, now, reason) {
      const result = await q.query(
        `UPDATE tk_families SET revoked_at = $2, revoked_reason = $3
          WHERE id = $1 AND revoked_at IS NULL`,
        [id, now, reason],
      );
      return result.rowCount === 1;
    },
    async touchFamily({ id, now, notTouchedSince }) {
      const result = await q.query(
        `UPDATE tk_families SET last_used_at = $2, idle_expires_at = $2 + idle_timeout_ms
          WHERE id = $1 AND revoked_at IS NULL AND idle_expires_at > $2
            AND absolute_expires_at > $2 AND last_used_at <= $3`,
        [id, now, notTouchedSince],
      );
      return result.rowCount === 1;
    },
  };
}
