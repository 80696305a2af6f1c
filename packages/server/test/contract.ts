// The store contract: one suite, run against the embedded store and PostgreSQL. It drives the
// service (the real rotation logic over the real store) on a virtual clock.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditOutcome,
  BearerError,
  createManualClock,
  createTokenService,
  OAuthError,
  type RequestContext,
  type Store,
  type TokenServiceOptions,
} from '../src/index.js';
import { decodeRefreshToken } from '../src/service/tokens/refresh-token.js';
import { expectEveryTokenDead } from './load.js';
import { testService } from './support.js';
import { createTransactionLatch } from './transaction-latch.js';

const minute = 60_000;
const nobody = { ip: null, userAgent: null, requestId: null };
const context: RequestContext = {
  ip: '192.0.2.7',
  userAgent: 'contract-test/1.0',
  requestId: 'r-1',
};

export function defineStoreContract(open: () => Promise<Store>): void {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  async function setup(options: Partial<TokenServiceOptions> = {}) {
    const clock = createManualClock();
    const service = await createTokenService({
      store,
      clock,
      ...testService,
      ...options,
    });
    const username = `user-${randomUUID()}`;
    await service.users.add(username, 'password-1');
    const login = (clientType: 'web' | 'mobile' = 'web') =>
      service.login({ username, password: 'password-1', clientType }, context);
    const family = async (token: string) => {
      const parts = decodeRefreshToken(token);
      if (!parts) throw new Error('not a refresh token');
      const row = await store.getFamily(parts.familyId);
      if (!row) throw new Error('family missing');
      return row;
    };
    const outcomes = async (token: string): Promise<AuditOutcome[]> => {
      const rows = await store.listAudit({ familyId: (await family(token)).id, limit: 1000 });
      return rows.reverse().map((row) => row.outcome);
    };
    return { clock, service, login, family, outcomes };
  }

  const rejectsGrant = (promise: Promise<unknown>) =>
    expect(promise).rejects.toMatchObject({ name: 'OAuthError', code: 'invalid_grant' });

  describe('store operations', () => {
    it('refuses a duplicate username and keeps the first password', async () => {
      const { service } = await setup();
      const name = `dup-${randomUUID()}`;
      await service.users.add(name, 'first-password');
      await expect(service.users.add(name, 'second-password')).rejects.toThrow(/already exists/);
      await expect(
        service.login({ username: name, password: 'first-password' }),
      ).resolves.toMatchObject({
        token_type: 'Bearer',
      });
    });

    it('advances a generation once per expected value (the conditional UPDATE)', async () => {
      const { login, family } = await setup();
      const row = await family((await login()).refresh_token);
      const step = { id: row.id, from: 1, now: row.createdAt + 1, ...nobody };
      const results = await Promise.all(
        [1, 2, 3].map(() => store.transaction((tx) => tx.rotateCurrent(step))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(results.find(Boolean)).toMatchObject({
        generation: 2,
        rotatedAt: step.now,
        idleExpiresAt: step.now + row.idleTimeoutMs,
      });
      expect((await store.getFamily(row.id))?.generation).toBe(2);
      expect(await store.revokeFamily(row.id, step.now, 'test')).toBe(true);
      expect(await store.revokeFamily(row.id, step.now, 'test')).toBe(false);
      expect(await store.rotateCurrent({ ...step, from: 2 })).toBeUndefined();
    });

    it('rolls a transaction back completely when it throws', async () => {
      const { login, family } = await setup();
      const row = await family((await login()).refresh_token);
      const failure = new Error('injected');
      await expect(
        store.transaction(async (tx) => {
          await tx.rotateCurrent({ id: row.id, from: 1, now: row.createdAt + 5, ...nobody });
          await tx.insertAudit({ at: 5, outcome: 'rejected', familyId: row.id, generation: 1 });
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect((await store.getFamily(row.id))?.generation).toBe(1);
      expect((await store.listAudit({ familyId: row.id })).map((r) => r.outcome)).toEqual([
        'login',
      ]);
    });
  });

  describe('rotation and the grace window (virtual clock)', () => {
    it('rotates every refresh and replays the same successor to the predecessor inside the window', async () => {
      const { clock, service, login, family, outcomes } = await setup({ reuseGrace: '10s' });
      const first = await login();
      const second = await service.refresh(first.refresh_token, context);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      clock.advance(9_999);
      const replay = await service.refresh(first.refresh_token, context);
      expect(replay.refresh_token).toBe(second.refresh_token);
      expect((await family(first.refresh_token)).generation).toBe(2);
      // The replayed successor is the real one: it rotates.
      const third = await service.refresh(replay.refresh_token, context);
      expect((await family(third.refresh_token)).generation).toBe(3);
      expect(await outcomes(first.refresh_token)).toEqual([
        'login',
        'rotate',
        'grace_replay',
        'rotate',
      ]);
    });

    it('revokes the family when the predecessor comes back exactly at the end of the window', async () => {
      const { clock, service, login, family, outcomes } = await setup({
        reuseGrace: '10s',
        checkSession: true,
      });
      const first = await login();
      const second = await service.refresh(first.refresh_token, context);
      clock.advance(10_000);
      await rejectsGrant(service.refresh(first.refresh_token, context));
      const row = await family(first.refresh_token);
      expect(row.revokedAt).toBe(clock.now());
      expect(row.generation).toBe(2);
      // Every token of the family fails, refresh and access alike, now and later.
      await rejectsGrant(service.refresh(second.refresh_token, context));
      await expect(service.verifyAccessToken(second.access_token)).rejects.toBeInstanceOf(
        BearerError,
      );
      clock.advance(60 * minute);
      await rejectsGrant(service.refresh(first.refresh_token, context));
      await rejectsGrant(service.refresh(second.refresh_token, context));
      expect(await outcomes(first.refresh_token)).toEqual([
        'login',
        'rotate',
        'reuse_revoked',
        'rejected',
        'rejected',
        'rejected',
      ]);
    });

    it.each([
      ['1h', '1h'],
      ['0', 0],
    ])(
      'revokes on generation k after k+2 even within the same millisecond (grace %s)',
      async (_, reuseGrace) => {
        const { service, login, family, outcomes } = await setup({ reuseGrace });
        const g1 = await login();
        const g2 = await service.refresh(g1.refresh_token, context);
        await service.refresh(g2.refresh_token, context);
        // The virtual clock has not moved: only the generation counter says g1 is two behind.
        await rejectsGrant(service.refresh(g1.refresh_token, context));
        expect((await family(g1.refresh_token)).revokedReason).toBe('reuse');
        expect((await outcomes(g1.refresh_token)).at(-1)).toBe('reuse_revoked');
      },
    );

    it('with grace 0, the predecessor presented after the rotation revokes the family', async () => {
      const { clock, service, login, family, outcomes } = await setup({ reuseGrace: 0 });
      const g1 = await login();
      const g2 = await service.refresh(g1.refresh_token, context);
      clock.advance(1);
      await rejectsGrant(service.refresh(g1.refresh_token, context));
      await rejectsGrant(service.refresh(g2.refresh_token, context));
      expect((await family(g1.refresh_token)).revokedAt).toBe(clock.now());
      expect(await outcomes(g1.refresh_token)).toEqual([
        'login',
        'rotate',
        'reuse_revoked',
        'rejected',
      ]);
    });

    it('with grace 0, a predecessor whose request began before the rotation lost a race: refused, family untouched', async () => {
      const { clock, service, login, family } = await setup({ reuseGrace: 0 });
      const g1 = await login();
      clock.advance(minute);
      // Both requests read the clock before either transaction runs (one instant on the
      // virtual clock): whichever rotates, the other began before that rotation committed.
      const [a, b] = await Promise.allSettled([
        service.refresh(g1.refresh_token, context),
        service.refresh(g1.refresh_token, context),
      ]);
      const won = [a, b].filter((r) => r.status === 'fulfilled');
      const lost = [a, b].filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
        name: 'OAuthError',
        code: 'invalid_grant',
      });
      const row = await family(g1.refresh_token);
      expect(row.revokedAt).toBeNull();
      expect(row.generation).toBe(2);
      const rows = await store.listAudit({ familyId: row.id });
      expect(rows.map((r) => [r.outcome, r.generation, r.detail])).toEqual([
        ['rejected', 1, 'lost_race'],
        ['rotate', 1, null],
        ['login', 1, null],
      ]);
      // The winner's successor is alive and rotates.
      const successor = (won[0] as PromiseFulfilledResult<{ refresh_token: string }>).value;
      await expect(service.refresh(successor.refresh_token, context)).resolves.toBeTruthy();
    });

    it('refuses a forged token without touching the family (a MAC failure is not reuse)', async () => {
      const { service, login, family, outcomes } = await setup();
      const g1 = await login();
      const g2 = await service.refresh(g1.refresh_token, context);
      const parts = g1.refresh_token.split('.');
      const forged = [parts[0], parts[1], '1', `${'A'.repeat(42)}A`].join('.');
      await rejectsGrant(service.refresh(forged, context));
      const tampered = g2.refresh_token.replace(/.$/, (c) => (c === 'A' ? 'Q' : 'A'));
      await rejectsGrant(service.refresh(tampered, context));
      expect((await family(g1.refresh_token)).revokedAt).toBeNull();
      await expect(service.refresh(g2.refresh_token, context)).resolves.toBeTruthy();
      expect(await outcomes(g1.refresh_token)).toEqual([
        'login',
        'rotate',
        'rejected',
        'rejected',
        'rotate',
      ]);
      // The refusals name the family they aimed at (the presented generation, whose user):
      // one went through the settling read, one through the rolled-back rotation.
      const row = await family(g1.refresh_token);
      const rejected = (await store.listAudit({ familyId: row.id }))
        .filter((r) => r.outcome === 'rejected')
        .reverse();
      expect(rejected.map((r) => [r.generation, r.userId, r.clientType, r.detail])).toEqual([
        [1, row.userId, 'web', 'invalid_mac'],
        [2, row.userId, 'web', 'invalid_mac'],
      ]);
      // A token of a family that does not exist has no family to name.
      const unknown = [parts[0], 'AAAAAAAAAAAAAAAAAAAAAA', '1', `${'A'.repeat(42)}A`].join('.');
      await rejectsGrant(service.refresh(unknown, { ...context, requestId: 'r-unknown' }));
      const [last] = await store.listAudit({ limit: 1 });
      expect(last).toMatchObject({
        requestId: 'r-unknown',
        familyId: null,
        detail: 'unknown_token',
      });
    });

    it('never extends the absolute lifetime by rotation; extends the idle one', async () => {
      const { clock, service, login, family, outcomes } = await setup({
        lifetimes: { web: { accessTtl: '15m', idleTimeout: '2h', absoluteTimeout: '10h' } },
      });
      let token = (await login()).refresh_token;
      const absolute = (await family(token)).absoluteExpiresAt;
      for (let hour = 1; hour < 10; hour++) {
        clock.advance(60 * minute);
        const next = await service.refresh(token, context);
        const row = await family(next.refresh_token);
        expect(row.absoluteExpiresAt).toBe(absolute);
        expect(row.idleExpiresAt).toBe(clock.now() + 2 * 60 * minute);
        // The access token never outlives the session.
        expect(next.expires_in).toBeLessThanOrEqual(Math.ceil((absolute - clock.now()) / 1000));
        token = next.refresh_token;
      }
      clock.advance(60 * minute);
      await rejectsGrant(service.refresh(token, context));
      expect((await outcomes(token)).at(-1)).toBe('expired');
    });

    it('gives mobile a 60-minute access token and web a 15-minute one by default', async () => {
      const { login, family } = await setup();
      const web = await login('web');
      const mobile = await login('mobile');
      expect(web.expires_in).toBe(15 * 60);
      expect(mobile.expires_in).toBe(60 * 60);
      const row = await family(mobile.refresh_token);
      expect(row.idleTimeoutMs).toBe(90 * 24 * 60 * minute);
    });
  });

  describe('sliding sessions (virtual clock)', () => {
    const lifetimes = { web: { accessTtl: '12h', idleTimeout: '30m', absoluteTimeout: '30d' } };

    it('keeps a session used every 10 minutes alive far past its idle timeout', async () => {
      const { clock, service, login, family } = await setup({ sliding: true, lifetimes });
      const tokens = await login();
      // 10 hours = 20 idle timeouts. The refresh token is used only at the end: the API calls
      // alone keep the session alive (the access token lives 12 h here to isolate that).
      for (let step = 1; step <= 60; step++) {
        clock.advance(10 * minute);
        const claims = await service.verifyAccessToken(tokens.access_token);
        expect(claims.sid).toBe((await family(tokens.refresh_token)).id);
      }
      const row = await family(tokens.refresh_token);
      expect(row.idleExpiresAt).toBe(clock.now() + 30 * minute);
      await expect(service.refresh(tokens.refresh_token, context)).resolves.toBeTruthy();
    });

    it('ends a session idle for idle timeout + 1 s, for refresh and API calls', async () => {
      const { clock, service, login, outcomes } = await setup({ sliding: true, lifetimes });
      const tokens = await login();
      clock.advance(10 * minute);
      await service.verifyAccessToken(tokens.access_token);
      clock.advance(30 * minute + 1000);
      // The JWT itself is still inside its 12-hour life; the session is not.
      await expect(service.verifyAccessToken(tokens.access_token)).rejects.toMatchObject({
        code: 'invalid_token',
      });
      await rejectsGrant(service.refresh(tokens.refresh_token, context));
      expect((await outcomes(tokens.refresh_token)).at(-1)).toBe('expired');
    });

    it('writes the idle deadline at most once per touch interval per session', async () => {
      const { clock, service, login, family } = await setup({
        sliding: true,
        lifetimes,
        touchInterval: '5s',
      });
      const tokens = await login();
      const start = clock.now();
      clock.advance(6_000);
      await service.verifyAccessToken(tokens.access_token);
      expect((await family(tokens.refresh_token)).lastUsedAt).toBe(start + 6_000);
      for (let i = 0; i < 4; i++) {
        clock.advance(1_000);
        await service.verifyAccessToken(tokens.access_token);
      }
      expect((await family(tokens.refresh_token)).lastUsedAt).toBe(start + 6_000);
      clock.advance(1_000);
      await service.verifyAccessToken(tokens.access_token);
      expect((await family(tokens.refresh_token)).lastUsedAt).toBe(start + 11_000);
    });

    it('without sliding mode, API calls do not extend the session', async () => {
      const { clock, service, login } = await setup({ checkSession: true, lifetimes });
      const tokens = await login();
      for (let i = 0; i < 2; i++) {
        clock.advance(10 * minute);
        await service.verifyAccessToken(tokens.access_token);
      }
      clock.advance(10 * minute + 1000);
      await expect(service.verifyAccessToken(tokens.access_token)).rejects.toBeInstanceOf(
        BearerError,
      );
    });
  });

  describe('audit log', () => {
    it('writes exactly one row per outcome, with context and never a token', async () => {
      const { clock, service, login, family } = await setup({
        reuseGrace: '10s',
        lifetimes: { web: { idleTimeout: '1h', absoluteTimeout: '1d' } },
      });
      const a1 = await login();
      const a2 = await service.refresh(a1.refresh_token, context); // rotate
      await service.refresh(a1.refresh_token, context); // grace_replay
      await service.refresh(a2.refresh_token, context); // rotate
      await rejectsGrant(service.refresh(a1.refresh_token, context)); // reuse_revoked
      await rejectsGrant(service.refresh(a2.refresh_token, context)); // rejected
      const b1 = await login();
      await service.revoke(b1.refresh_token, context); // revoke
      const c1 = await login();
      clock.advance(61 * minute);
      await rejectsGrant(service.refresh(c1.refresh_token, context)); // expired
      const ids = await Promise.all(
        [a1, b1, c1].map(async (t) => (await family(t.refresh_token)).id),
      );
      const rows = (await store.listAudit({ limit: 10_000 })).filter((r) =>
        ids.includes(r.familyId ?? ''),
      );
      const count = (outcome: AuditOutcome) => rows.filter((r) => r.outcome === outcome).length;
      expect(count('login')).toBe(3);
      expect(count('rotate')).toBe(2);
      expect(count('grace_replay')).toBe(1);
      expect(count('reuse_revoked')).toBe(1);
      expect(count('rejected')).toBe(1);
      expect(count('revoke')).toBe(1);
      expect(count('expired')).toBe(1);
      expect(rows).toHaveLength(10);
      for (const row of rows) {
        expect(row).toMatchObject({
          ip: '192.0.2.7',
          userAgent: 'contract-test/1.0',
          clientType: 'web',
        });
        expect(JSON.stringify(row)).not.toMatch(/tkr1\.|eyJ/);
      }
      const tokens = [a1, a2, b1, c1].flatMap((t) => [t.refresh_token, t.access_token]);
      const all = JSON.stringify(await store.listAudit({ limit: 10_000 }));
      for (const token of tokens) expect(all).not.toContain(token.split('.').at(-1));
    });

    it('records failed logins without telling unknown users from wrong passwords', async () => {
      const { service } = await setup();
      const name = `audit-${randomUUID()}`;
      await service.users.add(name, 'right-password');
      const wrong = service.login({ username: name, password: 'wrong-password' }, context);
      const unknown = service.login({ username: `${name}-x`, password: 'wrong-password' }, context);
      const [a, b] = await Promise.allSettled([wrong, unknown]);
      expect(a.status).toBe('rejected');
      expect(b.status).toBe('rejected');
      const reasonA = (a as PromiseRejectedResult).reason as OAuthError;
      const reasonB = (b as PromiseRejectedResult).reason as OAuthError;
      expect(reasonA.toJSON()).toEqual(reasonB.toJSON());
      const rows = (await store.listAudit({ limit: 20 })).filter((r) => r.requestId === 'r-1');
      expect(rows.filter((r) => r.detail === 'invalid_credentials').length).toBeGreaterThanOrEqual(
        2,
      );
    });

    it('leaves no success row and no new generation when a refresh rolls back', async () => {
      const { service, login, family, outcomes } = await setup();
      const tokens = await login();
      const failing: Store = {
        ...store,
        transaction: (fn) =>
          store.transaction((tx) =>
            fn({
              ...tx,
              // The rotation and its audit row are written, then the transaction fails.
              rotateCurrent: async (input) => {
                const moved = await tx.rotateCurrent(input);
                expect(moved?.generation).toBe(2);
                throw new Error('disk full (injected)');
              },
            }),
          ),
      };
      const broken = await createTokenService({
        store: failing,
        clock: createManualClock(),
        ...testService,
      });
      await expect(broken.refresh(tokens.refresh_token, context)).rejects.toThrow(
        'disk full (injected)',
      );
      expect((await family(tokens.refresh_token)).generation).toBe(1);
      expect(await outcomes(tokens.refresh_token)).toEqual(['login']);
      // The client's retry with the same token then rotates normally.
      await expect(service.refresh(tokens.refresh_token, context)).resolves.toBeTruthy();
      expect(await outcomes(tokens.refresh_token)).toEqual(['login', 'rotate']);
    });
  });

  describe('one place rotates', () => {
    it('never rotates by another path when the conditional rotation did not apply', async () => {
      const { service, login, family, outcomes } = await setup();
      const tokens = await login();
      // The one rotating statement finds nothing to do although the family is current: that
      // cannot happen (the read after it would see what it saw), so it is a fault, not a
      // reason to rotate some other way.
      const stubborn: Store = {
        ...store,
        transaction: (fn) =>
          store.transaction((tx) => fn({ ...tx, rotateCurrent: async () => undefined })),
      };
      const other = await createTokenService({
        store: stubborn,
        clock: createManualClock(),
        ...testService,
      });
      await expect(other.refresh(tokens.refresh_token, context)).rejects.not.toBeInstanceOf(
        OAuthError,
      );
      expect((await family(tokens.refresh_token)).generation).toBe(1);
      expect(await outcomes(tokens.refresh_token)).toEqual(['login']);
      await expect(service.refresh(tokens.refresh_token, context)).resolves.toBeTruthy();
    });
  });

  describe('revoke racing refresh', () => {
    it('once revoke has resolved, no token minted by a refresh before or during it works', async () => {
      const options = { checkSession: true, reuseGrace: '1m' } as const;
      const { clock, service, login } = await setup(options);
      // A second instance on the same store, whose transactions can be held at their start.
      const latch = createTransactionLatch();
      const racing = await createTokenService({
        store: latch.wrap(store),
        clock,
        ...testService,
        ...options,
      });
      const tokens = await login();
      // Committed before the revocation: one rotation and four replays, five token pairs.
      const before = await Promise.all(
        Array.from({ length: 5 }, () => racing.refresh(tokens.refresh_token, context)),
      );
      const successor = before[0]?.refresh_token ?? '';
      expect(new Set(before.map((t) => t.refresh_token))).toEqual(new Set([successor]));
      // In flight during it: begun (clock read, token decoded), transactions not yet begun.
      // Three present the current generation (they would rotate), two its predecessor.
      const held = latch.hold(5);
      const presented = [
        successor,
        successor,
        successor,
        tokens.refresh_token,
        tokens.refresh_token,
      ];
      const during = presented.map((token) =>
        racing.refresh(token, context).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
      );
      await held.arrived;
      await service.revoke(tokens.refresh_token, context);
      held.release();
      const settled = await Promise.all(during);
      for (const result of settled) {
        expect(result).toMatchObject({ error: { name: 'OAuthError', code: 'invalid_grant' } });
      }
      // Every token any of those refreshes minted is dead, refresh and access alike.
      const minted = [...before, ...settled.flatMap((r) => ('value' in r ? [r.value] : []))];
      expect(minted.length).toBeGreaterThanOrEqual(5);
      await expectEveryTokenDead(
        [service, racing],
        [tokens, ...minted].map((t) => ({ access: t.access_token, refresh: t.refresh_token })),
      );
    });
  });
}
