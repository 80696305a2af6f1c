import type { Queryable } from './database.js';
import type { StoreOperations } from './operations.js';
import { type Row, toAudit } from './rows.js';

/** The audit log: append and list, newest first. */
export function auditOperations(q: Queryable): Pick<StoreOperations, 'insertAudit' | 'listAudit'> {
  return {
    async insertAudit(e) {
      await q.query(
        `INSERT INTO tk_audit (at, outcome, family_id, generation, client_type, user_id, ip,
           user_agent, request_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          e.at,
          e.outcome,
          e.familyId ?? null,
          e.generation ?? null,
          e.clientType ?? null,
          e.userId ?? null,
          e.ip ?? null,
          e.userAgent ?? null,
          e.requestId ?? null,
          e.detail ?? null,
        ],
      );
    },
    async listAudit(options = {}) {
      const limit = Math.max(1, Math.min(options.limit ?? 100, 100_000));
      const { rows } = options.familyId
        ? await q.query<Row>(
            'SELECT * FROM tk_audit WHERE family_id = $1 ORDER BY id DESC LIMIT $2',
            [options.familyId, limit],
          )
        : await q.query<Row>('SELECT * FROM tk_audit ORDER BY id DESC LIMIT $1', [limit]);
      return rows.map(toAudit);
    },
  };
}
