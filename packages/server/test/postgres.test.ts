// PostgreSQL connection settings that the store must not depend on, or must keep.
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, openPostgresDatabase, serve, silentLogger } from '../src/index.js';
import { expectSharedSuccessor, refreshStorm } from './load.js';
import {
  databaseUrl,
  dropSchema,
  fastHashing,
  noteSkip,
  post,
  testSecret,
  uniqueSchema,
  withOptions,
} from './support.js';
import { createTransactionLatch } from './transaction-latch.js';

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

  it('runs its transactions READ COMMITTED whatever the default isolation: 100 concurrent refreshes, no 5xx', async () => {
    // Only this pool's connections default to SERIALIZABLE (libpq options in the URL).
    const db = await openPostgresDatabase({
      connectionString: withOptions(
        databaseUrl ?? '',
        '-c default_transaction_isolation=serializable',
      ),
      schema,
      max: 10,
    });
    const store = await createStore(db);
    const latch = createTransactionLatch();
    const server = await serve({
      store: latch.wrap(store),
      secret: testSecret,
      reuseGrace: '30s',
      passwordHashing: fastHashing,
      logger: silentLogger,
    });
    try {
      const level = await db.query<{ default_transaction_isolation: string }>(
        'SHOW default_transaction_isolation',
      );
      expect(level.rows[0]?.default_transaction_isolation).toBe('serializable');
      const inside = await db.transaction((tx) =>
        tx.query<{ transaction_isolation: string }>('SHOW transaction_isolation'),
      );
      expect(inside.rows[0]?.transaction_isolation).toBe('read committed');
      await server.tokenServer.service.users.add('iso', 'iso-password');
      const login = await post(server.url, '/auth/login', {
        username: 'iso',
        password: 'iso-password',
      });
      const token = String(login.body?.refresh_token);
      // Ten connections open (each transaction waits inside until all ten are), then all 100
      // refreshes begin before any runs a statement, so the ten connections' transactions overlap.
      let opened = 0;
      let allInside = () => {};
      const full = new Promise<void>((resolve) => {
        allInside = resolve;
      });
      await Promise.all(
        Array.from({ length: 10 }, () =>
          db.transaction(async () => {
            if (++opened === 10) allInside();
            await full;
          }),
        ),
      );
      latch.gate(100);
      const answers = await refreshStorm([server.url], token, 100);
      await expectSharedSuccessor(store, answers, token);
    } finally {
      await server.close();
      await store.close();
    }
  });

  it('runs a transaction once more after a serialization failure, never after other errors', async () => {
    const db = await openPostgresDatabase({ connectionString: databaseUrl ?? '', schema });
    const raise = (code: string) =>
      `DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '${code}'; END $$`;
    try {
      let attempts = 0;
      const result = await db.transaction(async (tx) => {
        attempts++;
        if (attempts === 1) await tx.query(raise('40001'));
        return 'committed';
      });
      expect([result, attempts]).toEqual(['committed', 2]);
      attempts = 0;
      await expect(
        db.transaction(async (tx) => {
          attempts++;
          await tx.query(raise('23505'));
        }),
      ).rejects.toMatchObject({ code: '23505' });
      expect(attempts).toBe(1);
    } finally {
      await db.close();
    }
  });
});
