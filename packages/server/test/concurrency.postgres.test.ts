import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPostgresDatabase,
  openStore,
  type RunningTokenServer,
  type Store,
  serve,
  silentLogger,
} from '../src/index.js';
import {
  expectEveryTokenDead,
  expectSharedSuccessor,
  expectSingleWinner,
  refreshStorm,
} from './load.js';
import {
  databaseUrl,
  dropSchema,
  fastHashing,
  noteSkip,
  post,
  refreshBody,
  testSecret,
  uniqueSchema,
  withApplicationName,
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

    it('revoke racing refresh: a rotation committed while /oauth/revoke waits on its row lock is revoked too', async () => {
      const url = databaseUrl ?? '';
      const application = `tk_revoker_${process.pid}`;
      const refresherStore = await openStore({ databaseUrl: url, databaseSchema: schema });
      const revokerStore = await openStore({
        databaseUrl: withApplicationName(url, application),
        databaseSchema: schema,
      });
      const admin = await openPostgresDatabase({ connectionString: url });
      // The next rotation that moves a row stops inside its transaction (row lock held, not yet
      // committed) until released.
      let stopNext = false;
      let reached = () => {};
      let release = () => {};
      const stopped = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const stopping: Store = {
        ...refresherStore,
        transaction: (fn) =>
          refresherStore.transaction((tx) =>
            fn({
              ...tx,
              async rotateCurrent(input) {
                const moved = await tx.rotateCurrent(input);
                if (moved && stopNext) {
                  stopNext = false;
                  reached();
                  await released;
                }
                return moved;
              },
            }),
          ),
      };
      const common = {
        secret: testSecret,
        issuer: 'https://issuer.test',
        reuseGrace: '30s',
        checkSession: true,
        passwordHashing: fastHashing,
        logger: silentLogger,
      };
      const refresher = await serve({ ...common, store: stopping });
      const revoker = await serve({ ...common, store: revokerStore });
      try {
        const login = await post(refresher.url, '/auth/login', {
          username: 'dave',
          password: 'dave-password',
        });
        const first = login.body as { access_token: string; refresh_token: string };
        // Committed before the revocation.
        const before = await refreshStorm([refresher.url], first.refresh_token, 5);
        const current = before[0]?.refreshToken ?? '';
        // In flight during it: 20 refreshes of the current token; the winner stops holding the
        // row lock, the others queue behind it.
        stopNext = true;
        const storm = refreshStorm([refresher.url], current, 20);
        await stopped;
        const revoking = post(revoker.url, '/oauth/revoke', { token: first.refresh_token });
        // Proceed only once the revocation's UPDATE is waiting for the winner's row lock.
        for (;;) {
          const waiting = await admin.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [application],
          );
          if ((waiting.rows[0]?.n ?? 0) > 0) break;
        }
        release();
        const revoked = await revoking;
        expect(revoked.status).toBe(200);
        const answers = await storm;
        expect(answers.filter((a) => a.status >= 500)).toEqual([]);
        // The stopped rotation committed and answered while the revocation waited.
        const during = answers.filter((a) => a.status === 200);
        expect(during.length).toBeGreaterThanOrEqual(1);
        expect(answers.filter((a) => a.status !== 200).map((a) => a.error)).toEqual(
          Array(20 - during.length).fill('invalid_grant'),
        );
        const minted = [...before, ...during];
        await expectEveryTokenDead(
          [refresher.tokenServer.service, revoker.tokenServer.service],
          [first, ...minted].map((t) => ({
            access: 'access_token' in t ? t.access_token : t.accessToken,
            refresh: 'refresh_token' in t ? t.refresh_token : t.refreshToken,
          })),
        );
      } finally {
        release();
        await refresher.close();
        await revoker.close();
        await refresherStore.close();
        await revokerStore.close();
        await admin.close();
      }
    });
  },
);
