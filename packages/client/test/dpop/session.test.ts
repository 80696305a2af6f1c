/**
 * A DPoP session against the scripted token endpoint, which checks proofs as RFC 9449 asks
 * (signature, htm, htu, iat, jti, ath, the key bound at login, nonces). Virtual clock throughout.
 */
import axios from 'axios';
import {
  createSession,
  isSessionExpiredError,
  memoryStorage,
  type SessionOptions,
  TokenResponseError,
} from 'tokenkeeper';
import { attachAxios } from 'tokenkeeper/axios';
import { dpopKey } from 'tokenkeeper/dpop';
import { createFetch } from 'tokenkeeper/fetch';
import {
  createTokenEndpoint,
  createVirtualClock,
  type TokenEndpointOptions,
} from 'tokenkeeper/testing';
import { describe, expect, it } from 'vitest';
import { MINUTE, outcome } from '../harness.js';

const ORIGIN = 'https://auth.test';
const LOGIN = `${ORIGIN}/auth/login`;

async function dpopSession(
  server: TokenEndpointOptions = {},
  session: Partial<SessionOptions> = {},
) {
  const clock = createVirtualClock();
  const endpoint = createTokenEndpoint({ clock, dpop: true, ...server });
  const storage = session.storage ?? memoryStorage();
  const make = () =>
    createSession({
      clock,
      refresh: endpoint.refresh,
      revoke: endpoint.revoke,
      storage,
      dpop: dpopKey(),
      random: () => 0.5,
      ...session,
    });
  const first = make();
  await first.ready();
  // With nonces, the login's first answer is use_dpop_nonce with a DPoP-Nonce: retried with it.
  const proof = await first.dpopProof({ method: 'POST', url: LOGIN, nonce: endpoint.nonce });
  await first.signIn(await endpoint.dpopLogin(proof));
  const api = createFetch(first, { fetch: endpoint.fetch, origins: [ORIGIN] });
  return { clock, endpoint, session: first, api, storage, make };
}

describe('DPoP sessions', () => {
  it('binds the login to the session key; refreshes and requests carry proofs the server accepts', async () => {
    const { clock, endpoint, session, api } = await dpopSession();
    expect((await api(`${ORIGIN}/orders?page=1`)).status).toBe(200);
    clock.jump(16 * MINUTE);
    expect((await api(`${ORIGIN}/orders`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect(endpoint.refreshCount).toBe(1);
    expect(endpoint.proofRefusals).toBe(0);
    const headers = await session.getAuthorizationHeaders({ method: 'GET', url: `${ORIGIN}/me` });
    expect(headers.authorization).toMatch(/^DPoP /);
    expect(headers.dpop?.split('.')).toHaveLength(3);
    session.dispose();
  });

  it('a stolen refresh token is refused without the key, and the owner stays signed in', async () => {
    const { clock, endpoint, session, api, storage } = await dpopSession();
    const stolen = JSON.parse((await storage.get('tokenkeeper.session')) ?? '{}') as {
      refreshToken: string;
    };
    // The thief has the refresh token (a copied backup, a leaked log) but not the key.
    const thief = await outcome(
      endpoint.refresh({
        refreshToken: stolen.refreshToken,
        accessToken: '',
        signal: new AbortController().signal,
        reason: 'demand',
      }),
    );
    // Refused for its missing proof; nothing about the owner's family changes.
    expect(thief.error).toMatchObject({ status: 400 });
    clock.jump(16 * MINUTE);
    expect((await api(`${ORIGIN}/me`)).status).toBe(200);
    expect(session.getSnapshot().status).toBe('active');
    expect(endpoint.proofRefusals).toBe(1);
    session.dispose();
  });

  it('answers nonce challenges with one retry, and a storm meeting a new nonce costs one refresh', async () => {
    const { clock, endpoint, session, api } = await dpopSession({ dpop: { nonce: true } });
    const refreshed: unknown[] = [];
    session.subscribe((event) => event.type === 'refreshed' && refreshed.push(event));
    clock.jump(16 * MINUTE);
    endpoint.rotateNonce();
    const before = endpoint.resourceCalls.length;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api(`${ORIGIN}/items/${i}`)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    // One refresh: its first request met the new nonce and was retried once with it.
    expect(refreshed).toHaveLength(1);
    expect(endpoint.refreshCount).toBeLessThanOrEqual(2);
    // At most one extra round trip per request for the nonce.
    expect(endpoint.resourceCalls.length - before).toBeLessThanOrEqual(100);
    expect(endpoint.nonceChallenges).toBeGreaterThan(0);
    session.dispose();
  });

  it('refuses a server that answers bearer tokens to a DPoP request, unless allowed', async () => {
    const clock = createVirtualClock();
    const bearerOnly = createTokenEndpoint({ clock });
    const strict = createSession({ clock, refresh: bearerOnly.refresh, dpop: dpopKey() });
    const refused = await outcome(strict.signIn(bearerOnly.login()));
    expect(refused.error).toBeInstanceOf(TokenResponseError);
    expect((refused.error as TokenResponseError).problem).toBe('token_type_downgrade');
    const lenient = createSession({
      clock,
      refresh: bearerOnly.refresh,
      dpop: dpopKey({ allowBearerDowngrade: true }),
    });
    await lenient.signIn(bearerOnly.login());
    const headers = await lenient.getAuthorizationHeaders({ method: 'GET', url: `${ORIGIN}/me` });
    expect(Object.keys(headers)).toEqual(['authorization']);
    expect(headers.authorization).toMatch(/^Bearer /);
  });

  it('a refresh answered with bearer tokens ends the session rather than downgrade', async () => {
    const clock = createVirtualClock();
    const endpoint = createTokenEndpoint({ clock, dpop: true });
    const session = createSession({
      clock,
      // A server that stopped honouring DPoP: its answer is a bearer token pair.
      refresh: async () => ({
        access_token: 'at-bearer',
        refresh_token: 'rt-bearer',
        token_type: 'Bearer',
        expires_in: 600,
      }),
      dpop: dpopKey(),
    });
    const proof = await session.dpopProof({ method: 'POST', url: LOGIN });
    await session.signIn(await endpoint.dpopLogin(proof));
    const result = await outcome(session.refresh());
    expect(isSessionExpiredError(result.error)).toBe(true);
    expect(session.getSnapshot()).toMatchObject({ status: 'expired', expiredReason: 'rejected' });
  });

  it('the key survives a restart with the session, tabs share it, and sign-out deletes it', async () => {
    const { clock, endpoint, session, storage, make } = await dpopSession();
    const key = await storage.get('tokenkeeper.session.dpop');
    expect(key).toBeTruthy();
    session.dispose();
    const restarted = make(); // a new process over the same storage
    await restarted.ready();
    clock.jump(16 * MINUTE);
    const api = createFetch(restarted, { fetch: endpoint.fetch, origins: [ORIGIN] });
    expect((await api(`${ORIGIN}/me`)).status).toBe(200);
    expect(endpoint.refreshCount).toBe(1);
    expect(endpoint.proofRefusals).toBe(0);
    await restarted.signOut();
    expect(await storage.get('tokenkeeper.session.dpop')).toBeFalsy();
    // The next sign-in makes a new key.
    const proof = await restarted.dpopProof({ method: 'POST', url: LOGIN });
    await restarted.signIn(await endpoint.dpopLogin(proof));
    expect(await storage.get('tokenkeeper.session.dpop')).not.toBe(key);
  });

  it('axios requests carry the proof for their own method and URL', async () => {
    const { endpoint, session } = await dpopSession();
    const instance = axios.create({
      baseURL: ORIGIN,
      adapter: 'fetch',
      env: { fetch: endpoint.fetch },
    });
    attachAxios(session, instance, { origins: [ORIGIN] });
    expect((await instance.get('/me?x=1')).status).toBe(200);
    expect((await instance.post('/orders', { a: 1 })).status).toBe(200);
    expect(endpoint.proofRefusals).toBe(0);
  });

  it('an expired session still ends with SessionExpiredError', async () => {
    const { clock, endpoint, api } = await dpopSession();
    endpoint.revokeRefreshTokens();
    clock.jump(16 * MINUTE);
    const failed = await outcome(api(`${ORIGIN}/me`));
    expect(isSessionExpiredError(failed.error)).toBe(true);
  });
});
