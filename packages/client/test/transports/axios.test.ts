import { Readable } from 'node:stream';
import axios, { type AxiosError, isAxiosError } from 'axios';
import { SessionExpiredError } from 'tokenkeeper';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attachAxios } from '../../src/transports/axios.js';
import { MINUTE, outcome } from '../harness.js';
import { type ApiServer, startApiServer } from './http-adapters/api-server.js';
import { authorizations, createRig } from './http-adapters/rig.js';

let a: ApiServer;
let b: ApiServer;

beforeAll(async () => {
  [a, b] = await Promise.all([startApiServer(), startApiServer()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});
beforeEach(() => {
  a.reset();
  b.reset();
});

function setup(options: { idleTimeout?: number } = {}) {
  const rig = createRig(a, options);
  const api = axios.create({ baseURL: a.url });
  const detach = attachAxios(rig.session, api, { origins: [a.url] });
  return { ...rig, api, detach };
}

describe('attachAxios against a real HTTP server', () => {
  it('attaches the live token to URLs resolved against baseURL, and marks activity', async () => {
    const { clock, session, api, signIn } = setup({ idleTimeout: 15 * MINUTE });
    const token = await signIn();
    await clock.advance(5 * MINUTE);
    const res = await api.get('/api/me');
    expect(res.data).toMatchObject({ ok: true, path: '/api/me' });
    expect(authorizations(a)).toEqual([`Bearer ${token}`]);
    expect(session.getSnapshot().idleDeadline).toBe(clock.now() + 15 * MINUTE);
  });

  it('a 401 storm of 50 requests costs one refresh; each is retried once with the new token', async () => {
    const { endpoint, session, api, signIn } = setup();
    const old = await signIn();
    endpoint.rejectAccessTokens();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.get(`/api/items/${i}`)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(endpoint.refreshCount).toBe(1);
    const fresh = await session.getAccessToken();
    expect(fresh).not.toBe(old);
    const seen = authorizations(a);
    expect(seen).toHaveLength(100);
    expect(seen.filter((h) => h === `Bearer ${old}`)).toHaveLength(50);
    expect(seen.filter((h) => h === `Bearer ${fresh}`)).toHaveLength(50);
    for (let i = 0; i < 50; i++) {
      expect(a.seen.filter((s) => s.path === `/api/items/${i}`)).toHaveLength(2);
    }
  });

  it('replays a JSON body on the retry', async () => {
    const { endpoint, api, signIn } = setup();
    await signIn();
    endpoint.rejectAccessTokens();
    const res = await api.post(
      '/api/posts/1/like',
      { like: true },
      { headers: { 'x-trace': '1' } },
    );
    expect(res.status).toBe(200);
    expect(a.seen.map((s) => s.body)).toEqual(['{"like":true}', '{"like":true}']);
    expect(a.seen.map((s) => s.trace)).toEqual(['1', '1']);
  });

  it('gives the caller the second 401 as is, without a second retry or refresh', async () => {
    const { endpoint, api, signIn } = setup();
    await signIn();
    a.isValid = () => false;
    const result = await outcome(api.get('/api/me'));
    expect(isAxiosError(result.error)).toBe(true);
    expect((result.error as AxiosError).response?.status).toBe(401);
    expect(a.seen).toHaveLength(2);
    expect(a.seen[1]!.authorization).not.toBe(a.seen[0]!.authorization);
    expect(endpoint.refreshCount).toBe(1);
  });

  it('also retries a 401 that validateStatus lets through', async () => {
    const { endpoint, api, signIn } = setup();
    await signIn();
    endpoint.rejectAccessTokens();
    const res = await api.get('/api/me', { validateStatus: () => true });
    expect(res.status).toBe(200);
    expect(a.seen).toHaveLength(2);
  });

  it('a token expired on the device: 20 requests wait for one refresh and go out with the new token', async () => {
    const { clock, endpoint, session, api, signIn } = setup();
    const old = await signIn();
    clock.jump(20 * MINUTE); // past expiry, no timer fired (a device that slept)
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.post(`/api/items/${i}`, { i })),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(endpoint.refreshCount).toBe(1);
    const fresh = await session.getAccessToken();
    expect(fresh).not.toBe(old);
    expect(authorizations(a)).toEqual(Array.from({ length: 20 }, () => `Bearer ${fresh}`));
    // The next request finds the token at hand again and takes the synchronous path.
    await api.get('/api/after');
    expect(authorizations(a).at(-1)).toBe(`Bearer ${fresh}`);
    expect(endpoint.refreshCount).toBe(1);
  });

  it('a token expired on the device and a refused refresh: SessionExpiredError, nothing sent', async () => {
    const { clock, endpoint, api, signIn } = setup();
    await signIn();
    clock.jump(20 * MINUTE);
    endpoint.script('invalid_grant');
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => outcome(api.get(`/api/items/${i}`))),
    );
    for (const r of results) expect(r.error).toBeInstanceOf(SessionExpiredError);
    expect(endpoint.refreshCount).toBe(1);
    expect(a.seen).toHaveLength(0);
  });

  it('rejects with SessionExpiredError when the refresh is refused; nothing is retried or sent after', async () => {
    const { endpoint, api, signIn } = setup();
    await signIn();
    endpoint.rejectAccessTokens();
    endpoint.script('invalid_grant');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => outcome(api.get(`/api/items/${i}`))),
    );
    for (const r of results) {
      // The session's own error, not wrapped in an AxiosError.
      expect(r.error).toBeInstanceOf(SessionExpiredError);
      expect((r.error as SessionExpiredError).code).toBe('ERR_SESSION_EXPIRED');
    }
    expect(endpoint.refreshCount).toBe(1);
    expect(a.seen).toHaveLength(20);
    const after = await outcome(api.get('/api/later'));
    expect((after.error as SessionExpiredError).code).toBe('ERR_SESSION_EXPIRED');
    expect(a.seen).toHaveLength(20); // nothing sent without a token
  });

  it('does not retry a 403 or a 500', async () => {
    const { endpoint, api, signIn } = setup();
    await signIn();
    for (const [path, status] of [
      ['/api/forbidden', 403],
      ['/api/broken', 500],
    ] as const) {
      const result = await outcome(api.get(path));
      expect((result.error as AxiosError).response?.status).toBe(status);
    }
    expect(a.seen).toHaveLength(2);
    expect(endpoint.refreshCount).toBe(0);
  });

  it('does not retry a stream body, but the next request carries a new token', async () => {
    const { endpoint, api, signIn } = setup();
    const old = await signIn();
    endpoint.rejectAccessTokens();
    const result = await outcome(api.post('/api/upload', Readable.from(['streamed'])));
    expect((result.error as AxiosError).response?.status).toBe(401);
    expect(a.seen).toHaveLength(1);
    expect((await api.get('/api/next')).status).toBe(200);
    expect(a.seen[1]!.authorization).not.toBe(`Bearer ${old}`);
    expect(endpoint.refreshCount).toBe(1);
  });

  it('never sends the token to another origin unless told to', async () => {
    const { session, api, signIn } = setup();
    const token = await signIn();
    b.isValid = a.isValid;
    const elsewhere = await outcome(api.get(`${b.url}/api/elsewhere`));
    expect((elsewhere.error as AxiosError).response?.status).toBe(401);
    expect(b.seen[0]!.authorization).toBeUndefined();
    const partner = axios.create();
    attachAxios(session, partner, { shouldAuthorize: (url) => url.origin === b.url });
    await partner.get(`${b.url}/api/partner`);
    expect(b.seen[1]!.authorization).toBe(`Bearer ${token}`);
  });

  it('outside a browser with no options, pins the first origin it talks to', async () => {
    const { session, signIn } = setup();
    await signIn();
    const api = axios.create();
    attachAxios(session, api);
    await api.get(`${a.url}/api/first`);
    await outcome(api.get(`${b.url}/api/second`));
    expect(a.seen[0]!.authorization).toMatch(/^Bearer /);
    expect(b.seen[0]!.authorization).toBeUndefined();
  });

  it('leaves a request with its own Authorization header alone', async () => {
    const { api, signIn } = setup();
    await signIn();
    const result = await outcome(
      api.get('/api/basic', { headers: { Authorization: 'Basic abc' } }),
    );
    expect((result.error as AxiosError).response?.status).toBe(401);
    expect(authorizations(a)).toEqual(['Basic abc']);
  });

  it('detach removes both interceptors', async () => {
    const { api, detach, signIn } = setup();
    await signIn();
    detach();
    detach();
    const result = await outcome(api.get('/api/me'));
    expect((result.error as AxiosError).response?.status).toBe(401);
    expect(authorizations(a)).toEqual([undefined]);
  });

  it('gives the live token to a config that another library re-sends (as axios-retry does)', async () => {
    const { session, api, signIn } = setup();
    const old = await signIn();
    // Registered after attachAxios, like a retry library: re-sends a 503 once, after a refresh.
    api.interceptors.response.use(undefined, async (error: AxiosError) => {
      if (error.response?.status !== 503 || !error.config) throw error;
      await session.refresh();
      return api.request(error.config);
    });
    a.unavailable = 1;
    expect((await api.get('/api/flaky')).status).toBe(200);
    const fresh = await session.getAccessToken();
    expect(fresh).not.toBe(old);
    expect(authorizations(a)).toEqual([`Bearer ${old}`, `Bearer ${fresh}`]);
  });

  it('a config whose first send waited for a refresh, sent again, goes out once with the live token', async () => {
    const { clock, endpoint, session, api, signIn } = setup();
    await signIn();
    let resent = 0;
    api.interceptors.response.use(undefined, async (error: AxiosError) => {
      if (error.response?.status !== 503 || !error.config || resent++ > 2) throw error;
      return api.request(error.config);
    });
    clock.jump(20 * MINUTE); // the first send waits for a refresh in front of its adapter
    a.unavailable = 3; // then three re-sends of the same config, the token now at hand
    expect((await api.get('/api/flaky')).status).toBe(200);
    expect(endpoint.refreshCount).toBe(1);
    const fresh = await session.getAccessToken();
    expect(authorizations(a)).toEqual(Array.from({ length: 4 }, () => `Bearer ${fresh}`));
  });
});
