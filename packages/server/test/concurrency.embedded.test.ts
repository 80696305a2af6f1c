import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openStore,
  type RunningTokenServer,
  type Store,
  serve,
  silentLogger,
} from '../src/index.js';
import { expectSharedSuccessor, expectSingleWinner, refreshStorm } from './load.js';
import { fastHashing, post, refreshBody, testSecret } from './support.js';
import { createTransactionLatch } from './transaction-latch.js';

let store: Store;
let graceful: RunningTokenServer;
let strict: RunningTokenServer;
const latch = createTransactionLatch();

beforeAll(async () => {
  store = await openStore();
  const common = {
    store: latch.wrap(store),
    secret: testSecret,
    passwordHashing: fastHashing,
    logger: silentLogger,
  };
  graceful = await serve({ ...common, reuseGrace: '10s', checkSession: true });
  strict = await serve({ ...common, reuseGrace: 0, issuer: graceful.url });
  await graceful.tokenServer.service.users.add('carol', 'carol-password');
});

afterAll(async () => {
  await graceful?.close();
  await strict?.close();
  await store?.close();
});

const login = async () => {
  const response = await post(graceful.url, '/auth/login', {
    username: 'carol',
    password: 'carol-password',
  });
  return response.body as { access_token: string; refresh_token: string };
};

// Each storm's 200 requests all begin (read the clock) before any of their transactions runs,
// so every one of them was in flight when the winning rotation committed: that is what
// "concurrent" means for the race-or-reuse rule. Without the gate, requests that the server
// parses after the winner committed began after the rotation, and at grace 0 those are reuse.
describe('200 concurrent refreshes of one token on the embedded store', () => {
  it('with grace > 0: every answer 200 with the same successor, one new generation', async () => {
    const { refresh_token } = await login();
    latch.gate(200);
    const answers = await refreshStorm([graceful.url], refresh_token, 200);
    const successor = await expectSharedSuccessor(store, answers, refresh_token);
    expect((await post(graceful.url, '/oauth/token', refreshBody(successor))).status).toBe(200);
  });

  it('with grace 0: exactly one 200, the rest invalid_grant (lost races), family not revoked, never a 5xx', async () => {
    const { refresh_token } = await login();
    latch.gate(200);
    const answers = await refreshStorm([strict.url], refresh_token, 200);
    await expectSingleWinner(
      store,
      answers,
      refresh_token,
      async (token) => (await post(strict.url, '/oauth/token', refreshBody(token))).status,
    );
  });
});

describe('revoke racing refresh (HTTP)', () => {
  it('once /oauth/revoke has answered 200, no token minted by an in-flight refresh works', async () => {
    let mintedTotal = 0;
    for (let round = 0; round < 5; round++) {
      const tokens = await login();
      const inFlight = refreshStorm([graceful.url], tokens.refresh_token, 30);
      // Fire the revoke at a different point of the storm each round.
      await new Promise((resolve) => setImmediate(resolve, round));
      for (let i = 0; i < round; i++) await new Promise((resolve) => setImmediate(resolve));
      const revoked = await post(graceful.url, '/oauth/revoke', { token: tokens.refresh_token });
      expect(revoked.status).toBe(200);
      const answers = await inFlight;
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      const minted = answers.flatMap((a) => (a.refreshToken ? [a.refreshToken] : []));
      mintedTotal += minted.length;
      for (const token of new Set([tokens.refresh_token, ...minted])) {
        const refresh = await post(graceful.url, '/oauth/token', refreshBody(token));
        expect(refresh.body?.error).toBe('invalid_grant');
      }
      const access = await graceful.tokenServer
        .verifyRequest(
          new Request('http://api/', {
            headers: { authorization: `Bearer ${tokens.access_token}` },
          }),
        )
        .catch((error: unknown) => error);
      expect(access).toMatchObject({ code: 'invalid_token' });
    }
    // The race was real: some refreshes minted tokens before the revocation landed.
    expect(mintedTotal).toBeGreaterThan(0);
  });
});
