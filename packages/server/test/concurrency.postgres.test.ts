import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openStore,
  type RunningTokenServer,
  type Store,
  serve,
  silentLogger,
} from '../src/index.js';
import { expectSharedSuccessor, expectSingleWinner, refreshStorm } from './load.js';
import {
  databaseUrl,
  dropSchema,
  fastHashing,
  noteSkip,
  post,
  refreshBody,
  testSecret,
  uniqueSchema,
} from './support.js';
import { createTransactionLatch } from './transaction-latch.js';

noteSkip('PostgreSQL concurrency (1,000 refreshes through two instances)');
const schema = uniqueSchema('load');

describe.skipIf(!databaseUrl)(
  '1,000 concurrent refreshes on PostgreSQL through two server instances',
  () => {
    const servers: RunningTokenServer[] = [];
    const stores: Store[] = [];
    let observer: Store;
    const latch = createTransactionLatch();

    beforeAll(async () => {
      const url = databaseUrl ?? '';
      // Four instances, each with its own pool, started together on a fresh schema: migrations
      // and the first signing key must come out once.
      const start = async (reuseGrace: string | number) => {
        const store = await openStore({ databaseUrl: url, databaseSchema: schema, poolSize: 10 });
        stores.push(store);
        return serve({
          store: latch.wrap(store),
          secret: testSecret,
          issuer: 'https://issuer.test',
          reuseGrace,
          passwordHashing: fastHashing,
          logger: silentLogger,
        });
      };
      servers.push(...(await Promise.all([start('30s'), start('30s'), start(0), start(0)])));
      observer = await openStore({ databaseUrl: url, databaseSchema: schema });
      await servers[0]?.tokenServer.service.users.add('dave', 'dave-password');
    });

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.close()));
      await Promise.all(stores.map((store) => store.close()));
      await observer?.close();
      if (databaseUrl) await dropSchema(databaseUrl, schema);
    });

    const login = async () => {
      const response = await post(servers[0]?.url ?? '', '/auth/login', {
        username: 'dave',
        password: 'dave-password',
      });
      expect(response.status).toBe(200);
      return String(response.body?.refresh_token);
    };

    it('shares one signing key between instances', async () => {
      const keys = await Promise.all(servers.map((s) => s.tokenServer.service.jwks().keys[0]?.kid));
      expect(new Set(keys).size).toBe(1);
    });

    // Every storm's requests all begin before any of their transactions runs (see the embedded
    // suite): then every loser lost a race. The database work itself is fully concurrent.
    it('with grace > 0: all 200 with the same successor, exactly one new generation', async () => {
      const token = await login();
      latch.gate(1000);
      const answers = await refreshStorm(
        [servers[0]?.url ?? '', servers[1]?.url ?? ''],
        token,
        1000,
      );
      const successor = await expectSharedSuccessor(observer, answers, token);
      expect(
        (await post(servers[1]?.url ?? '', '/oauth/token', refreshBody(successor))).status,
      ).toBe(200);
    });

    it('with grace 0: exactly one 200 and 999 invalid_grant (lost races), family not revoked', async () => {
      const token = await login();
      latch.gate(1000);
      const answers = await refreshStorm(
        [servers[2]?.url ?? '', servers[3]?.url ?? ''],
        token,
        1000,
      );
      await expectSingleWinner(
        observer,
        answers,
        token,
        async (next) =>
          (await post(servers[3]?.url ?? '', '/oauth/token', refreshBody(next))).status,
      );
    });
  },
);
