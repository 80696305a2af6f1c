import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
  it('once /oauth/revoke has answered 200, no token minted by a refresh before or during it works', async () => {
    const tokens = await login();
    // Answered before the revocation: one rotation and nine replays, ten token pairs.
    const before = await refreshStorm([graceful.url], tokens.refresh_token, 10);
    expect(before.map((a) => a.status)).toEqual(Array(10).fill(200));
    const successor = before[0]?.refreshToken ?? '';
    // In flight while it runs: received and begun, transactions held at their start (PGlite
    // runs one transaction at a time, so an overlap inside the database cannot happen here;
    // the PostgreSQL suite has that one). Half present the current token, half its predecessor.
    const held = latch.hold(20);
    const during = [
      refreshStorm([graceful.url], successor, 10),
      refreshStorm([graceful.url], tokens.refresh_token, 10),
    ];
    await held.arrived;
    const revoked = await post(graceful.url, '/oauth/revoke', { token: tokens.refresh_token });
    expect(revoked.status).toBe(200);
    held.release();
    const answers = (await Promise.all(during)).flat();
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.map((a) => a.error)).toEqual(Array(20).fill('invalid_grant'));
    // Every refresh token and every access token minted by any of those refreshes is dead.
    const minted = [...before, ...answers].filter((a) => a.status === 200);
    expect(minted.length).toBeGreaterThanOrEqual(10);
    await expectEveryTokenDead(
      [graceful.tokenServer.service],
      [
        { access: tokens.access_token, refresh: tokens.refresh_token },
        ...minted.map((a) => ({ access: a.accessToken, refresh: a.refreshToken })),
      ],
    );
  });
});
