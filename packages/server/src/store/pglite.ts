import { PGlite, type Transaction } from '@electric-sql/pglite';
import { makePrivateDirectory } from './data-dir.js';
import type { Database, Queryable, QueryResult } from './database.js';

/** Options of the embedded (PGlite) database. */
export interface EmbeddedDatabaseOptions {
  /**
   * Directory of the database files; created when missing and made private (mode 0700) before
   * PGlite opens it. Without it the database lives in memory and vanishes on close (fast; for
   * tests and demos).
   */
  dataDir?: string;
}

function wrap(target: PGlite | Transaction): Queryable {
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(sql, params);
      return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? 0 };
    },
  };
}

/**
 * Opens PGlite. It has one connection, so transactions run one at a time; opening costs one to
 * a few seconds, so share an instance and close it (an open instance keeps the process alive).
 */
export async function openEmbeddedDatabase(
  options: EmbeddedDatabaseOptions = {},
): Promise<Database> {
  if (options.dataDir) makePrivateDirectory(options.dataDir);
  const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  const direct = wrap(db);
  let closing: Promise<void> | undefined;
  return {
    kind: 'embedded',
    query: direct.query,
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close() {
      closing ??= db.close();
      return closing;
    },
  };
}
