import pg from 'pg';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { describeError } from '../logger.js';
import type { Database, Queryable, QueryResult } from './database.js';

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

const int8 = 20;
const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a schema name so it can be placed in SQL text safely. */
export function assertSchemaName(schema: string): string {
  if (!schemaName.test(schema)) {
    throw new ConfigError(
      `database schema "${schema.slice(0, 70)}" must match ${schemaName.source} (lower case)`,
    );
  }
  return schema;
}

/** Opens a pg pool; `search_path` is set on every connection so unqualified names hit `schema`. */
export async function openPostgresDatabase(options: PostgresDatabaseOptions): Promise<Database> {
  const schema = assertSchemaName(options.schema ?? 'public');
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    options: `-c search_path=${schema}`,
    // Generations and epoch milliseconds are int8; they fit in a double (< 2^53).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === int8 && format !== 'binary'
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', (error) => {
    options.logger?.error('postgres idle client failed', { error: describeError(error) });
  });
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
      const result = await client.query(sql, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
  });
  let closing: Promise<void> | undefined;
  const db: Database = {
    kind: 'postgres',
    query: wrap(pool).query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
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
        client.release(broken);
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
