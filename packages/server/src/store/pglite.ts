import { PGlite, type Transaction } from '@electric-sql/pglite';
import { makePrivateDirectory } from './data-dir.js';
import { type DirectoryLock, lockDirectory } from './data-dir-lock.js';
import type { Database, Queryable, QueryResult } from './database.js';

/** Options of the embedded (PGlite) database. */
export interface EmbeddedDatabaseOptions {
  /**
   * Directory of the database files; created when missing and made private (mode 0700) before
   * PGlite opens it. One process at a time: opening takes an exclusive lock
   * (`tokenkeeper.lock`), released on close, and a directory in use by another process (or by
   * another open store of this one) is refused with a ConfigError. Without it the database
   * lives in memory and vanishes on close (fast; for tests and demos).
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
  let lock: DirectoryLock | undefined;
  if (options.dataDir !== undefined) {
    makePrivateDirectory(options.dataDir);
    // Two PGlite instances on one directory run two PostgreSQL servers on one WAL: writes of
    // one never show in the other, and the files can be corrupted.
    lock = lockDirectory(options.dataDir);
  }
  let db: PGlite;
  try {
    db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  } catch (error) {
    lock?.release();
    throw error;
  }
  const direct = wrap(db);
  let closing: Promise<void> | undefined;
  return {
    kind: 'embedded',
    persistent: options.dataDir !== undefined,
    query: direct.query,
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close() {
      closing ??= db.close().finally(() => lock?.release());
      return closing;
    },
  };
}
