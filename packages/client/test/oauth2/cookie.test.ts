/**
 * Cookie mode on the wire: the refresh sends no refresh token, includes the browser's cookies
 * and the CSRF header; the logout route is called on sign-out; a reload resumes with one refresh.
 */
import {
  cookieLogout,
  cookieRefresh,
  createSession,
  isRetryableError,
  memoryStorage,
  resumeFromCookie,
} from 'tokenkeeper';
import { createVirtualClock } from 'tokenkeeper/testing';
import { describe, expect, it } from 'vitest';
import { outcome } from '../harness.js';

interface Seen {
  url: string;
  init: RequestInit;
  form: URLSearchParams;
}

function cookieServer(answers: (() => Response)[]) {
  const seen: Seen[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    seen.push({ url, init, form: new URLSearchParams(String(init.body)) });
    const answer = answers.shift();
    return answer ? answer() : new Response(null, { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  return { seen, fetch };
}

const tokens = (n: number) =>
  new Response(JSON.stringify({ access_token: `at-${n}`, token_type: 'Bearer', expires_in: 900 }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });

describe('cookie mode', () => {
  it('refreshes with the cookie and the CSRF header, never a refresh token in JavaScript', async () => {
    const server = cookieServer([() => tokens(2)]);
    const clock = createVirtualClock();
    const session = createSession({
      clock,
      refresh: cookieRefresh({
        tokenEndpoint: 'https://app.test/oauth/token',
        clientId: 'web',
        fetch: server.fetch,
      }),
      storage: memoryStorage(),
    });
    await session.signIn({ access_token: 'at-1', token_type: 'Bearer', expires_in: 900 });
    expect(await session.refresh()).toBe('at-2');
    const [request] = server.seen;
    expect(request?.init.credentials).toBe('include');
    expect(request?.init.headers).toMatchObject({ 'x-tokenkeeper': '1' });
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      grant_type: 'refresh_token',
      client_id: 'web',
    });
  });

  it('signOut calls the logout route with the cookie and the CSRF header', async () => {
    const server = cookieServer([]);
    const session = createSession({
      refresh: cookieRefresh({
        tokenEndpoint: 'https://app.test/oauth/token',
        fetch: server.fetch,
      }),
      revoke: cookieLogout({
        logoutEndpoint: 'https://app.test/auth/logout',
        fetch: server.fetch,
        csrfHeader: { 'x-csrf': 'yes' },
      }),
    });
    await session.signIn({ access_token: 'at-1', expires_in: 900 });
    await session.signOut();
    expect(
      server.seen.map((s) => [
        s.url,
        s.init.credentials,
        (s.init.headers as Record<string, string>)['x-csrf'],
      ]),
    ).toEqual([['https://app.test/auth/logout', 'include', 'yes']]);
  });

  it('a reload resumes with one refresh; without a server session it stays signed out', async () => {
    const server = cookieServer([
      () => tokens(3),
      () => new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400 }),
      () => new Response('busy', { status: 503 }),
    ]);
    const refresh = cookieRefresh({
      tokenEndpoint: 'https://app.test/oauth/token',
      fetch: server.fetch,
    });
    const reloaded = createSession({ refresh });
    expect(await resumeFromCookie(reloaded, refresh)).toBe(true);
    expect(await reloaded.getAccessToken()).toBe('at-3');
    const stranger = createSession({ refresh });
    expect(await resumeFromCookie(stranger, refresh)).toBe(false);
    expect(stranger.getSnapshot().status).toBe('signedOut');
    const offline = await outcome(resumeFromCookie(createSession({ refresh }), refresh));
    expect(isRetryableError(offline.error)).toBe(true);
  });
});
