import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { auditOperations } from './audit-operations.js';
import type { Database, Queryable } from './database.js';
import { familyOperations } from './family-operations.js';
import type { StoreOperations } from './operations.js';
import type { SigningKeyRecord } from './records.js';
import { bytes, type Row } from './rows.js';
import { migrate } from './schema.js';
import { userOperations } from './user-operations.js';

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

/** Every store operation, over a connection, pool or transaction. */
function operations(q: Queryable): StoreOperations {
  return { ...userOperations(q), ...familyOperations(q), ...auditOperations(q) };
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
