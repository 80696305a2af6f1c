import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { describeError } from '../logger.js';
import type { Database, Queryable, QueryResult } from './database.js';
import { ClientPool, numericInt8Types, type PooledClient } from './pg-pool.js';

/** Options of the PostgreSQL database. */
export interface PostgresDatabaseOptions {
  /** e.g. `postgres://user@127.0.0.1:5432/db`. */
  connectionString: string;
  /**
   * Schema that holds the tables; created when missing. Lets several deployments (or test
   * runs) share one database. @default 'public'
   */
  schema?: string;
  /** Pool size. @default 10 */
  max?: number;
  /** Where idle-client errors go. */
  logger?: Logger;
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** serialization_failure and deadlock_detected: the transaction may simply be run again. */
function retryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

/** Checks a schema name so it can be placed in SQL text safely. */
export function assertSchemaName(schema: string): string {
  if (!schemaName.test(schema)) {
    throw new ConfigError(
      `database schema "${schema.slice(0, 70)}" must match ${schemaName.source} (lower case)`,
    );
  }
  return schema;
}

/**
 * The connection string and libpq `options` for the pool. pg lets an `options` parameter in the
 * URL replace the config's, which would drop the search_path (the tables would silently land in
 * `public`): the URL's options are moved into the config, ahead of the search_path.
 */
function connectionSettings(connectionString: string, schema: string) {
  const searchPath = `-c search_path=${schema}`;
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { connectionString, options: searchPath };
  }
  const given = url.searchParams.get('options');
  if (given === null) return { connectionString, options: searchPath };
  url.searchParams.delete('options');
  return { connectionString: url.href, options: `${given} ${searchPath}` };
}

/** Opens a pg pool; `search_path` is set on every connection so unqualified names hit `schema`. */
export async function openPostgresDatabase(options: PostgresDatabaseOptions): Promise<Database> {
  const schema = assertSchemaName(options.schema ?? 'public');
  const onError = (error: Error) =>
    options.logger?.error('postgres connection failed', { error: describeError(error) });
  const pool = new ClientPool(
    {
      ...connectionSettings(options.connectionString, schema),
      types: numericInt8Types(),
      connectionTimeoutMillis: 10_000,
    },
    options.max ?? 10,
    onError,
  );
  const wrap = (client: PooledClient): Queryable => ({
    async query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
      const result = await client.query(sql, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
  });
  // A statement outside a transaction borrows a client for just that statement. An error
  // without a SQLSTATE code is a connection failure: that client is not reused.
  const once = async <T>(fn: (client: PooledClient) => Promise<T>): Promise<T> => {
    const client = await pool.acquire();
    let broken = false;
    try {
      return await fn(client);
    } catch (error) {
      broken = typeof (error as { code?: unknown }).code !== 'string';
      throw error;
    } finally {
      pool.release(client, broken);
    }
  };
  // The rotation rule relies on READ COMMITTED: a conditional UPDATE that waited for a
  // concurrent rotation re-checks its WHERE on the new row, and the read that follows sees the
  // committed rotation. Stated on BEGIN, so a server whose default_transaction_isolation is
  // repeatable read or serializable cannot turn lost races into serialization failures (500s).
  const attempt = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    const client = await pool.acquire();
    let broken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable; destroy it rather than return it to the pool.
        broken = true;
        options.logger?.error('postgres rollback failed', {
          error: describeError(rollbackError),
        });
      }
      throw error;
    } finally {
      pool.release(client, broken);
    }
  };
  let closing: Promise<void> | undefined;
  const db: Database = {
    kind: 'postgres',
    persistent: true,
    query: (sql, params) => once((client) => wrap(client).query(sql, params)),
    async exec(sql) {
      await once((client) => client.query(sql));
    },
    async transaction(fn) {
      try {
        return await attempt(fn);
      } catch (error) {
        // A serialization failure or deadlock rolled everything back; one more try usually
        // succeeds. READ COMMITTED makes both rare (a deadlock needs two rows locked in
        // opposite orders, which no store transaction does).
        if (!retryable(error)) throw error;
        return attempt(fn);
      }
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
  if (schema !== 'public') {
    // Serialised with an advisory lock: concurrent CREATE SCHEMA IF NOT EXISTS can still fail.
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tokenkeeper:${schema}`]);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    });
  }
  return db;
}
