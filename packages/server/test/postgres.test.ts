// PostgreSQL connection settings that the store must not depend on, or must keep.
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase } from '../src/index.js';
import { databaseUrl, dropSchema, noteSkip, uniqueSchema, withOptions } from './support.js';

noteSkip('PostgreSQL connection settings');
const schema = uniqueSchema('session');

describe.skipIf(!databaseUrl)('PostgreSQL connection settings', () => {
  afterAll(async () => {
    if (databaseUrl) await dropSchema(databaseUrl, schema);
  });

  it('keeps the schema when the URL carries its own options', async () => {
    const db = await openPostgresDatabase({
      connectionString: withOptions(databaseUrl ?? '', '-c statement_timeout=12345'),
      schema,
    });
    try {
      const path = await db.query<{ search_path: string }>('SHOW search_path');
      expect(path.rows[0]?.search_path).toBe(schema);
      const timeout = await db.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(timeout.rows[0]?.statement_timeout).toBe('12345ms');
    } finally {
      await db.close();
    }
  });
});
