import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTokenServer,
  type Logger,
  openStore,
  type PasswordHasher,
  type RunningTokenServer,
  type Store,
  scryptHasher,
  serve,
  silentLogger,
} from '../src/index.js';
import { fastHashing, post, refreshBody, testSecret } from './support.js';

let store: Store;
let server: RunningTokenServer;
let url: string;
const introspector = { id: 'resource-api', secret: 'introspection secret with some length' };
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

beforeAll(async () => {
  store = await openStore();
  server = await serve({
    store,
    secret: testSecret,
    passwordHashing: fastHashing,
    introspectionClients: [introspector],
    logger: silentLogger,
  });
  url = server.url;
  await server.tokenServer.service.users.add('alice', 'alice-password', {
    scopes: ['read', 'write'],
  });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

/**
 * The token with one MAC character changed, certainly different and still canonical (the
 * second-to-last character of the MAC carries six whole bits).
 */
const tamper = (token: string) => {
  const at = token.length - 2;
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
};

const login = async (clientType?: string) => {
  const body: Record<string, string> = { username: 'alice', password: 'alice-password' };
  if (clientType) body.client_type = clientType;
  const response = await post(url, '/auth/login', body, { json: true });
  expect(response.status).toBe(200);
  return response.body as { access_token: string; refresh_token: string; expires_in: number };
};

describe('POST /auth/login', () => {
  it('answers an RFC 6749 §5.1 token response that must not be cached', async () => {
    const response = await post(
      url,
      '/auth/login',
      { username: 'alice', password: 'alice-password' },
      { json: true },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = response.body as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'read write' });
    expect(body.refresh_token).toMatch(/^tkr1\./);
    const header = decodeProtectedHeader(String(body.access_token));
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    const claims = decodeJwt(String(body.access_token));
    expect(claims).toMatchObject({
      iss: url,
      aud: 'tokenkeeper',
      client_type: 'web',
      client_id: 'web',
    });
    expect(Object.keys(claims).sort()).toEqual(
      ['aud', 'client_id', 'client_type', 'exp', 'iat', 'iss', 'jti', 'scope', 'sid', 'sub'].sort(),
    );
  });

  it('gives mobile clients their own lifetimes and accepts form bodies', async () => {
    const response = await post(url, '/auth/login', {
      username: 'alice',
      password: 'alice-password',
      client_type: 'mobile',
    });
    expect(response.status).toBe(200);
    expect(response.body?.expires_in).toBe(3600);
    const bad = await post(url, '/auth/login', {
      username: 'alice',
      password: 'x',
      client_type: 'tv',
    });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('answers a wrong password and an unknown user identically', async () => {
    const wrong = await post(
      url,
      '/auth/login',
      { username: 'alice', password: 'nope' },
      { json: true },
    );
    const unknown = await post(
      url,
      '/auth/login',
      { username: 'mallory', password: 'nope' },
      { json: true },
    );
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid username or password',
    });
  });

  it('does the same password-hashing work for an unknown user as for a wrong password', async () => {
    // Equal work instead of wall-clock timing: a recording hasher around the real scrypt one.
    const real = scryptHasher(fastHashing);
    const verified: string[] = [];
    const recording: PasswordHasher = {
      hash: (password) => real.hash(password),
      async verify(password, encoded) {
        // scrypt$N$r$p: the parameters, which set the cost; not the salt or the hash.
        verified.push(encoded.split('$').slice(0, 4).join('$'));
        return real.verify(password, encoded);
      },
    };
    const counted = await createTokenServer({
      store,
      secret: testSecret,
      issuer: 'https://equal-work.test',
      audience: 'api',
      passwordHasher: recording,
      logger: silentLogger,
    });
    await counted.service.users.add('equal-work', 'the-right-password');
    const attempt = async (username: string) => {
      verified.length = 0;
      const response = await counted.fetch(
        new Request('http://local/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password: 'a-wrong-password' }),
        }),
      );
      return { status: response.status, body: await response.text(), hashes: [...verified] };
    };
    const wrong = await attempt('equal-work');
    const unknown = await attempt('nobody-by-this-name');
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toBe(wrong.body);
    expect(wrong.hashes).toEqual(['scrypt$1024$8$1']);
    expect(unknown.hashes).toEqual(wrong.hashes);
  });
});

describe('POST /oauth/token', () => {
  it('rotates with form and JSON bodies', async () => {
    const first = await login();
    const form = await post(url, '/oauth/token', refreshBody(first.refresh_token));
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toBe('no-store');
    const second = String(form.body?.refresh_token);
    expect(second).not.toBe(first.refresh_token);
    const json = await post(url, '/oauth/token', refreshBody(second), { json: true });
    expect(json.status).toBe(200);
  });

  it('answers RFC 6749 §5.2 errors', async () => {
    const { refresh_token } = await login();
    const cases: [Record<string, string>, number, string][] = [
      [{}, 400, 'invalid_request'],
      [{ refresh_token }, 400, 'invalid_request'],
      [{ grant_type: 'password', username: 'alice' }, 400, 'unsupported_grant_type'],
      [{ grant_type: 'refresh_token' }, 400, 'invalid_request'],
      [refreshBody('not-a-token'), 400, 'invalid_grant'],
      [refreshBody(tamper(refresh_token)), 400, 'invalid_grant'],
    ];
    for (const [body, status, error] of cases) {
      const response = await post(url, '/oauth/token', body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.body?.error).toBe(error);
      expect(typeof response.body?.error_description).toBe('string');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    // The genuine token survived every bad attempt above.
    expect((await post(url, '/oauth/token', refreshBody(refresh_token))).status).toBe(200);
  });

  it('refuses repeated parameters, wrong media types, oversized bodies and wrong methods', async () => {
    const { refresh_token } = await login();
    const repeated = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&refresh_token=${refresh_token}&refresh_token=${refresh_token}`,
    });
    expect(repeated.status).toBe(400);
    const text = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'grant_type=refresh_token',
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: 'invalid_request' });
    const big = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&refresh_token=${'a'.repeat(17 * 1024)}`,
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'invalid_request' });
    const get = await fetch(`${url}/oauth/token`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toEqual({
      error: 'method_not_allowed',
      error_description: 'use POST',
    });
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('POST /oauth/revoke (RFC 7009)', () => {
  it('answers 200 for unknown tokens and 400 without a token', async () => {
    expect((await post(url, '/oauth/revoke', { token: 'whatever' })).status).toBe(200);
    expect(
      (
        await post(url, '/oauth/revoke', {
          token: `tkr1.AAAAAAAAAAAAAAAAAAAAAA.1.${'A'.repeat(43)}`,
        })
      ).status,
    ).toBe(200);
    expect((await post(url, '/oauth/revoke', {})).status).toBe(400);
  });

  it('revokes the whole family from a refresh token or an access token', async () => {
    for (const kind of ['refresh_token', 'access_token'] as const) {
      const g1 = await login();
      const g2 = (await post(url, '/oauth/token', refreshBody(g1.refresh_token))).body as typeof g1;
      const revoked = await post(url, '/oauth/revoke', { token: g2[kind], token_type_hint: kind });
      expect(revoked.status).toBe(200);
      for (const token of [g1.refresh_token, g2.refresh_token]) {
        const refresh = await post(url, '/oauth/token', refreshBody(token));
        expect(refresh.body?.error, kind).toBe('invalid_grant');
      }
    }
  });
});

describe('POST /oauth/introspect (RFC 7662)', () => {
  it('requires client authentication', async () => {
    const { access_token } = await login();
    const none = await post(url, '/oauth/introspect', { token: access_token });
    expect(none.status).toBe(401);
    expect(none.body?.error).toBe('invalid_client');
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    const wrong = await post(
      url,
      '/oauth/introspect',
      { token: access_token },
      {
        headers: { authorization: basic(introspector.id, 'wrong') },
      },
    );
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain('active');
  });

  it('reports active access and refresh tokens, and inactive ones after revocation', async () => {
    const tokens = await login();
    const auth = { headers: { authorization: basic(introspector.id, introspector.secret) } };
    const access = await post(url, '/oauth/introspect', { token: tokens.access_token }, auth);
    expect(access.body).toMatchObject({
      active: true,
      token_use: 'access_token',
      scope: 'read write',
    });
    const refresh = await post(url, '/oauth/introspect', { token: tokens.refresh_token }, auth);
    expect(refresh.body).toMatchObject({
      active: true,
      token_use: 'refresh_token',
      sid: access.body?.sid,
    });
    expect(JSON.stringify(refresh.body)).not.toContain(tokens.refresh_token);
    await post(url, '/oauth/revoke', { token: tokens.refresh_token });
    for (const token of [tokens.access_token, tokens.refresh_token, 'garbage']) {
      const after = await post(url, '/oauth/introspect', { token }, auth);
      expect(after).toMatchObject({ status: 200, body: { active: false } });
    }
  });
});

describe('POST /oauth/introspect with an access token (RFC 7662 §2.1)', () => {
  it("a user's valid access token may introspect that user's tokens; anyone else's read inactive", async () => {
    await server.tokenServer.service.users.add('bob', 'bob-password');
    const mine = await login();
    const other = await post(url, '/auth/login', { username: 'bob', password: 'bob-password' });
    const bobs = other.body as { access_token: string; refresh_token: string };
    const asAlice = { headers: { authorization: `Bearer ${mine.access_token}` } };
    const own = await post(url, '/oauth/introspect', { token: mine.refresh_token }, asAlice);
    expect(own.body).toMatchObject({ active: true, token_use: 'refresh_token' });
    for (const token of [bobs.access_token, bobs.refresh_token]) {
      const foreign = await post(url, '/oauth/introspect', { token }, asAlice);
      expect(foreign).toMatchObject({ status: 200, body: { active: false } });
    }
    const forged = await post(
      url,
      '/oauth/introspect',
      { token: mine.refresh_token },
      { headers: { authorization: `Bearer ${tamper(mine.access_token)}` } },
    );
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect(JSON.stringify(forged.body)).not.toContain('active');
  });
});

describe('well-known documents', () => {
  it('publishes RFC 8414 metadata that points at the real endpoints', async () => {
    const response = await fetch(`${url}/.well-known/oauth-authorization-server`);
    const meta = (await response.json()) as Record<string, string>;
    expect(meta.issuer).toBe(url);
    expect(meta.token_endpoint).toBe(`${url}/oauth/token`);
    expect((await fetch(meta.jwks_uri ?? '')).status).toBe(200);
    expect(meta.response_types_supported).toEqual([]);
    // Public and cacheable for a while, with no stray empty Pragma header.
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.has('pragma')).toBe(false);
  });
});

describe('client IP behind a proxy (--trust-proxy)', () => {
  it('takes the rightmost X-Forwarded-For entry, the one the trusted proxy appended', async () => {
    const proxied = await createTokenServer({
      store,
      secret: testSecret,
      issuer: url,
      audience: 'tokenkeeper',
      trustProxy: true,
      passwordHashing: fastHashing,
      logger: silentLogger,
    });
    const requestId = `xff-${Date.now()}`;
    const response = await proxied.fetch(
      new Request('http://local/auth/login', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': requestId,
          // The client wrote the first entry itself; the proxy appended the address it saw.
          'x-forwarded-for': '203.0.113.66, 198.51.100.7',
        },
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      }),
    );
    expect(response.status).toBe(200);
    const rows = (await store.listAudit({ limit: 50 })).filter((r) => r.requestId === requestId);
    expect(rows.map((r) => [r.outcome, r.ip])).toEqual([['login', '198.51.100.7']]);
  });
});

describe('unexpected failures', () => {
  it('answers a logged 500 with a request id, never a silent success or a token', async () => {
    const lines: string[] = [];
    const logger: Logger = {
      info: () => {},
      warn: () => {},
      error: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
    };
    const broken: Store = {
      ...store,
      transaction: (fn) =>
        store.transaction((tx) =>
          fn({
            ...tx,
            rotateCurrent: async () => {
              throw new Error('connection reset (injected)');
            },
          }),
        ),
    };
    const failing = await createTokenServer({
      store: broken,
      secret: testSecret,
      issuer: url,
      audience: 'tokenkeeper',
      logger,
      passwordHashing: fastHashing,
    });
    const { refresh_token } = await login();
    const response = await failing.fetch(
      new Request('http://local/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(refreshBody(refresh_token)),
      }),
    );
    expect(response.status).toBe(500);
    const body = (await response.json()) as Record<string, string>;
    expect(body.error).toBe('server_error');
    expect(body.request_id).toBe(response.headers.get('x-request-id'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(body.request_id);
    expect(lines[0]).toContain('connection reset (injected)');
    expect(lines[0]).not.toContain(refresh_token.split('.').at(-1));
    // Nothing changed: the same token still rotates on the healthy server.
    expect((await post(url, '/oauth/token', refreshBody(refresh_token))).status).toBe(200);
  });
});
