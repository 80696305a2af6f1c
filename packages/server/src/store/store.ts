import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Database, Queryable } from './database.js';
import type {
  AuditEntry,
  AuditOutcome,
  AuditRecord,
  ClientType,
  FamilyRecord,
  SigningKeyRecord,
  UserRecord,
} from './records.js';
import { migrate } from './schema.js';

/** Store operations that run alone or inside a transaction. */
export interface StoreOperations {
  findUserByName(username: string): Promise<UserRecord | undefined>;
  /** Inserts a user; false when the name is taken. */
  insertUser(user: UserRecord): Promise<boolean>;
  insertFamily(family: FamilyRecord): Promise<void>;
  getFamily(id: string): Promise<FamilyRecord | undefined>;
  /**
   * The rotation, one statement (a conditional `UPDATE … WHERE generation = from`): if `id`
   * is alive at generation `from`, advance it, move its idle deadline, write the `rotate`
   * audit row, and return the updated family. Undefined when the family is not current and
   * alive (another request rotated or revoked it first, or a deadline passed).
   */
  rotateCurrent(input: {
    id: string;
    from: number;
    now: number;
    ip: string | null;
    userAgent: string | null;
    requestId: string | null;
  }): Promise<FamilyRecord | undefined>;
  /** Revokes a family; false when it was already revoked (or does not exist). */
  revokeFamily(id: string, now: number, reason: string): Promise<boolean>;
  /**
   * Sliding sessions: moves the idle deadline to `now + idle timeout` if the family is alive
   * and was not touched after `notTouchedSince`. True when it wrote.
   */
  touchFamily(input: { id: string; now: number; notTouchedSince: number }): Promise<boolean>;
  insertAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(options?: { limit?: number; familyId?: string }): Promise<AuditRecord[]>;
}

/** The persistence the token service needs; embedded (PGlite) or PostgreSQL. */
export interface Store extends StoreOperations {
  readonly kind: 'embedded' | 'postgres';
  /** False only for an in-memory store; a persistent one needs a lasting server secret. */
  readonly persistent: boolean;
  /** Commits when `fn` resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: StoreOperations) => Promise<T>): Promise<T>;
  getPrimarySigningKey(): Promise<SigningKeyRecord | undefined>;
  /** Stores the primary signing key unless another instance stored one first. */
  insertPrimarySigningKey(key: SigningKeyRecord): Promise<void>;
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  close(): Promise<void>;
}

type Row = Record<string, unknown>;

const bytes = (value: unknown): Buffer => Buffer.from(value as Uint8Array);
const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null ? null : Number(value));
const strOrNull = (value: unknown): string | null => (value === null ? null : String(value));

function toFamily(row: Row): FamilyRecord {
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

function toAudit(row: Row): AuditRecord {
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

function operations(q: Queryable): StoreOperations {
  return {
    async findUserByName(username) {
      const { rows } = await q.query<Row>(
        'SELECT id, username, password_hash, scopes, created_at FROM tk_users WHERE username = $1',
        [username],
      );
      const row = rows[0];
      if (!row) return undefined;
      return {
        id: String(row.id),
        username: String(row.username),
        passwordHash: String(row.password_hash),
        scopes: String(row.scopes),
        createdAt: num(row.created_at),
      };
    },
    async insertUser(user) {
      const result = await q.query(
        `INSERT INTO tk_users (id, username, password_hash, scopes, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING`,
        [user.id, user.username, user.passwordHash, user.scopes, user.createdAt],
      );
      return result.rowCount === 1;
    },
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

/** Wraps an open database as a {@link Store}, applying pending migrations first. */
export async function createStore(db: Database, options: { clock?: Clock } = {}): Promise<Store> {
  await migrate(db, (options.clock ?? systemClock).now());
  const clock = options.clock ?? systemClock;
  const toKey = (row: Row): SigningKeyRecord => ({
    kid: String(row.kid),
    publicJwk: String(row.public_jwk),
    sealedPrivateKey: bytes(row.sealed_private_key),
  });
  return {
    kind: db.kind,
    persistent: db.persistent,
    ...operations(db),
    transaction: (fn) => db.transaction((tx) => fn(operations(tx))),
    async getPrimarySigningKey() {
      const { rows } = await db.query<Row>(
        `SELECT kid, public_jwk, sealed_private_key FROM tk_signing_keys WHERE slot = 'primary'`,
      );
      return rows[0] ? toKey(rows[0]) : undefined;
    },
    async insertPrimarySigningKey(key) {
      await db.query(
        `INSERT INTO tk_signing_keys (kid, slot, public_jwk, sealed_private_key, created_at)
         VALUES ($1, 'primary', $2, $3, $4) ON CONFLICT DO NOTHING`,
        [key.kid, key.publicJwk, key.sealedPrivateKey, clock.now()],
      );
    },
    async listSigningKeys() {
      const { rows } = await db.query<Row>(
        'SELECT kid, public_jwk, sealed_private_key FROM tk_signing_keys ORDER BY created_at',
      );
      return rows.map(toKey);
    },
    close: () => db.close(),
  };
}
