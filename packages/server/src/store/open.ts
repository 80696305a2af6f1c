import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { makePrivateDirectory } from './data-dir.js';
import { openEmbeddedDatabase } from './pglite.js';
import { openPostgresDatabase } from './postgres.js';
import { createStore, type Store } from './store.js';

/** Which store to open. With neither `databaseUrl` nor `dataDir` the store lives in memory. */
export interface OpenStoreOptions {
  /** PostgreSQL connection string; wins over `dataDir`. */
  databaseUrl?: string;
  /** PostgreSQL schema for the tables. @default 'public' */
  databaseSchema?: string;
  /** PostgreSQL pool size. @default 10 */
  poolSize?: number;
  /**
   * Embedded store directory; the PGlite files live in its `pgdata` subdirectory. Created when
   * missing; made private (mode 0700) before anything opens it.
   */
  dataDir?: string;
  clock?: Clock;
  logger?: Logger;
}

/** Where the embedded store keeps its database files inside a data directory. */
export function embeddedDatabaseDir(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

/** Opens the embedded or PostgreSQL store and applies pending migrations. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  if (!options.databaseUrl && options.dataDir) makePrivateDirectory(options.dataDir);
  const db = options.databaseUrl
    ? await openPostgresDatabase({
        connectionString: options.databaseUrl,
        ...(options.databaseSchema ? { schema: options.databaseSchema } : {}),
        ...(options.poolSize ? { max: options.poolSize } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      })
    : await openEmbeddedDatabase(
        options.dataDir ? { dataDir: embeddedDatabaseDir(options.dataDir) } : {},
      );
  try {
    return await createStore(db, options.clock ? { clock: options.clock } : {});
  } catch (error) {
    await db.close();
    throw error;
  }
}
