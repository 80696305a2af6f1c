import {
  ConfigError,
  createSession,
  oauth2Refresh,
  oauth2Revoke,
  parseRetryAfter,
  processTokenResponse,
  RefreshFailedError,
  RefreshRejectedError,
  refreshTokenGrantRequest,
  type TokenResponseError,
} from 'tokenkeeper';
import { createTokenEndpoint } from 'tokenkeeper/testing';
import { describe, expect, it } from 'vitest';
import { outcome } from '../harness.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('processTokenResponse (canned responses)', () => {
  it('reads an RFC 6749 §5.1 response and the Date header as the server-time hint', async () => {
    const set = await processTokenResponse(
      json(
        200,
        {
          access_token: 'at-123456',
          token_type: 'Bearer',
          expires_in: 900,
          refresh_token: 'rt-123456',
          scope: 'a b',
        },
        { date: 'Sun, 22 Nov 2026 10:00:00 GMT' },
      ),
    );
    expect(set).toMatchObject({
      accessToken: 'at-123456',
      refreshToken: 'rt-123456',
      expiresIn: 900,
      scope: 'a b',
    });
    expect(set.serverTime).toBe(Date.parse('Sun, 22 Nov 2026 10:00:00 GMT'));
  });

  const cases: [string, Response, (error: unknown) => void][] = [
    [
      '200 with an HTML page',
      new Response('<html>portal</html>', { status: 200 }),
      (e) => expect((e as TokenResponseError).problem).toBe('not_json'),
    ],
    [
      '200 without access_token',
      json(200, { token_type: 'Bearer' }),
      (e) => expect((e as TokenResponseError).problem).toBe('missing_access_token'),
    ],
    [
      '400 invalid_grant',
      json(400, { error: 'invalid_grant', error_description: 'gone' }),
      (e) => expect(e).toMatchObject({ error: 'invalid_grant', status: 400 }),
    ],
    [
      '401 without a body',
      new Response(null, { status: 401 }),
      (e) => expect(e).toMatchObject({ error: 'unauthorized', status: 401 }),
    ],
    [
      '401 invalid_client',
      json(401, { error: 'invalid_client' }),
      (e) => expect(e).toMatchObject({ error: 'invalid_client' }),
    ],
    [
      '400 invalid_scope',
      json(400, { error: 'invalid_scope' }),
      (e) => expect(e).toBeInstanceOf(RefreshRejectedError),
    ],
    [
      '429 with Retry-After seconds',
      new Response('', { status: 429, headers: { 'retry-after': '120' } }),
      (e) => expect(e).toMatchObject({ kind: 'rate_limited', retryAfter: 120_000 }),
    ],
    [
      '503 with an HTTP-date Retry-After',
      new Response('', {
        status: 503,
        headers: {
          'retry-after': 'Sun, 22 Nov 2026 10:01:30 GMT',
          date: 'Sun, 22 Nov 2026 10:00:00 GMT',
        },
      }),
      (e) => expect(e).toMatchObject({ kind: 'server', retryAfter: 90_000 }),
    ],
    [
      '500 with an HTML body',
      new Response('<h1>oops</h1>', { status: 500 }),
      (e) => expect(e).toMatchObject({ kind: 'server', status: 500 }),
    ],
    [
      '404 from a misrouted proxy',
      new Response('not found', { status: 404 }),
      (e) => expect(e).toMatchObject({ kind: 'unknown', status: 404 }),
    ],
    [
      '400 with an unknown error code',
      json(400, { error: 'something_else' }),
      (e) => expect(e).toBeInstanceOf(RefreshFailedError),
    ],
  ];
  for (const [name, response, check] of cases) {
    it(name, async () => {
      const result = await outcome(processTokenResponse(response));
      expect(result.error).toBeDefined();
      check(result.error);
    });
  }

  it('parses Retry-After forms', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('refreshTokenGrantRequest (sending)', () => {
  it('posts a form-encoded refresh_token grant with client_id', async () => {
    let seen: Request | undefined;
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      seen = new Request(input, init);
      return json(200, { access_token: 'abcdefgh' });
    };
    await refreshTokenGrantRequest(
      { tokenEndpoint: 'https://as.test/oauth/token', clientId: 'web app', fetch, scope: 'read' },
      'rt/+=1',
    );
    expect(seen!.method).toBe('POST');
    expect(seen!.headers.get('content-type')).toContain('application/x-www-form-urlencoded');
    const form = new URLSearchParams(await seen!.text());
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt/+=1',
      client_id: 'web app',
      scope: 'read',
    });
  });

  it('calls fetch as a hand-written mock expects: the endpoint string and a string body', async () => {
    const calls: { url: unknown; body: unknown }[] = [];
    const refresh = oauth2Refresh({
      tokenEndpoint: 'https://as.test/oauth/token',
      clientId: 'web',
      // A response-like object without headers or text(), as tests often write one.
      fetch: (async (url: unknown, init: { body: unknown }) => {
        calls.push({ url, body: init.body });
        return {
          ok: true,
          status: 200,
          json: async () => ({ access_token: 'at-1', expires_in: 60 }),
        };
      }) as unknown as typeof fetch,
    });
    const set = await refresh({
      refreshToken: 'rt-1',
      accessToken: 'at-0',
      signal: new AbortController().signal,
      reason: 'demand',
    });
    expect(set).toMatchObject({ accessToken: 'at-1', expiresIn: 60 });
    expect(calls).toEqual([
      {
        url: 'https://as.test/oauth/token',
        body: expect.stringContaining('grant_type=refresh_token'),
      },
    ]);
  });

  it('uses HTTP Basic for a confidential client', async () => {
    let seen: Request | undefined;
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      seen = new Request(input, init);
      return json(200, { access_token: 'abcdefgh' });
    };
    await refreshTokenGrantRequest(
      { tokenEndpoint: 'https://as.test/t', clientId: 'svc', clientSecret: 's3cr:t', fetch },
      'rt',
    );
    expect(seen!.headers.get('authorization')).toBe(`Basic ${btoa('svc:s3cr%3At')}`);
    expect(new URLSearchParams(await seen!.text()).has('client_id')).toBe(false);
  });

  it('rejects a bad endpoint at construction, and a missing refresh token as invalid_grant', async () => {
    expect(() => oauth2Refresh({ tokenEndpoint: 'not a url' })).toThrow(ConfigError);
    const refresh = oauth2Refresh({
      tokenEndpoint: 'https://as.test/t',
      fetch: async () => json(200, {}),
    });
    const result = await outcome(
      refresh({
        refreshToken: undefined,
        accessToken: 'a',
        signal: new AbortController().signal,
        reason: 'demand',
      }),
    );
    expect(result.error).toMatchObject({ code: 'ERR_REFRESH_REJECTED', error: 'invalid_grant' });
  });
});

describe('oauth2Revoke (RFC 7009)', () => {
  it('posts the refresh token with its type hint, or the access token when there is none', async () => {
    const seen: URLSearchParams[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new URLSearchParams(await new Request(input, init).text()));
      return new Response(null, { status: 200 });
    };
    const revoke = oauth2Revoke({
      revocationEndpoint: 'https://as.test/oauth/revoke',
      clientId: 'web',
      fetch,
    });
    const signal = new AbortController().signal;
    await revoke({ refreshToken: 'rt-1', accessToken: 'at-1', signal, reason: 'signOut' });
    await revoke({ refreshToken: undefined, accessToken: 'at-2', signal, reason: 'idle' });
    expect(seen.map((form) => Object.fromEntries(form))).toEqual([
      { token: 'rt-1', token_type_hint: 'refresh_token', client_id: 'web' },
      { token: 'at-2', token_type_hint: 'access_token', client_id: 'web' },
    ]);
  });

  it('throws a typed error for a non-2xx answer and a ConfigError for a bad endpoint', async () => {
    const revoke = oauth2Revoke({
      revocationEndpoint: 'https://as.test/r',
      fetch: async () => new Response('no', { status: 503 }),
    });
    const signal = new AbortController().signal;
    const result = await outcome(
      revoke({ refreshToken: 'rt', accessToken: 'at', signal, reason: 'signOut' }),
    );
    expect(result.error).toMatchObject({ code: 'ERR_REVOKE_FAILED', kind: 'server', status: 503 });
    expect(() => oauth2Revoke({ revocationEndpoint: 'nope' })).toThrow(
      /oauth2Revoke: revocationEndpoint/,
    );
  });
});

describe('createTokenEndpoint', () => {
  it('runs on the system clock when given none', async () => {
    const server = createTokenEndpoint();
    const login = server.login();
    expect(login.expires_in).toBe(900);
    const session = createSession({ refresh: server.refresh });
    await session.signIn(login);
    expect(await session.refresh()).not.toBe(login.access_token);
    expect(server.refreshCount).toBe(1);
    session.dispose();
  });
});
