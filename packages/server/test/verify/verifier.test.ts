// RFC 8725 hygiene: every token a resource server must refuse is refused by requireAuth with
// 401 and the RFC 6750 challenge; the well-formed one passes (so these tests can fail).
import { Hono } from 'hono';
import { base64url, exportSPKI, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthVariables,
  BearerError,
  createAccessTokenVerifier,
  createManualClock,
  createTokenService,
  generateSigningJwk,
  openStore,
  type Store,
  type TokenService,
} from '../../src/index.js';
import { fastHashing, testSecret } from '../support.js';

const issuer = 'https://issuer.test';
const audience = 'api';
const clock = createManualClock();
let store: Store;
let service: TokenService;
let signingJwk: JWK;
let tokens: { access_token: string; refresh_token: string };
let app: Hono<{ Variables: AuthVariables }>;

beforeAll(async () => {
  store = await openStore();
  signingJwk = (await generateSigningJwk()).privateJwk;
  service = await createTokenService({
    store,
    clock,
    issuer,
    audience,
    secret: testSecret,
    signingKey: signingJwk,
    passwordHashing: fastHashing,
  });
  await service.users.add('bob', 'bob-password', { scopes: ['read'] });
  tokens = await service.login({ username: 'bob', password: 'bob-password' });
  app = new Hono<{ Variables: AuthVariables }>();
  app.get('/me', service.verifier.requireAuth(), (c) => c.json({ sub: c.var.auth.sub }));
  app.get('/admin', service.verifier.requireAuth({ scope: 'admin' }), (c) => c.text('ok'));
});

afterAll(async () => {
  await store?.close();
});

const call = (token: string, path = '/me') =>
  app.request(path, { headers: { authorization: `Bearer ${token}` } });

/** Signs claims like the server does, with overrides; `key`/`header` replace the real ones. */
async function forge(
  overrides: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  key?: CryptoKey | Uint8Array,
): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  const claims = {
    iss: issuer,
    aud: audience,
    sub: 'user-1',
    sid: '00000000-0000-4000-8000-000000000000',
    jti: 'j-1',
    client_id: 'web',
    client_type: 'web',
    iat: now,
    exp: now + 600,
    ...overrides,
  };
  const signer = new SignJWT(claims).setProtectedHeader({
    alg: 'ES256',
    typ: 'at+jwt',
    kid: signingJwk.kid,
    ...header,
  } as { alg: string });
  return signer.sign(key ?? ((await importJWK(signingJwk, 'ES256')) as CryptoKey));
}

async function expectRefused(token: string) {
  const response = await call(token);
  expect(response.status).toBe(401);
  const challenge = response.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer realm="tokenkeeper", error="invalid_token"/);
  expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  await expect(service.verifyAccessToken(token)).rejects.toBeInstanceOf(BearerError);
}

describe('requireAuth accepts', () => {
  it('a token the server issued, and one forged with the right key and claims', async () => {
    expect((await call(tokens.access_token)).status).toBe(200);
    expect((await call(await forge())).status).toBe(200);
  });
});

describe('requireAuth refuses (RFC 8725)', () => {
  it('alg: none', async () => {
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const [, payload] = (await forge()).split('.');
    await expectRefused(`${encode({ alg: 'none', typ: 'at+jwt' })}.${payload}.`);
    await expectRefused(
      `${encode({ alg: 'none', typ: 'at+jwt', kid: signingJwk.kid })}.${payload}.`,
    );
  });

  it('HS256 signed with the public key (algorithm confusion)', async () => {
    const { d: _private, ...publicJwk } = signingJwk;
    const pem = await exportSPKI(
      (await importJWK({ ...publicJwk, alg: 'ES256' }, 'ES256')) as CryptoKey,
    );
    const pemBytes = new TextEncoder().encode(pem);
    await expectRefused(await forge({}, { alg: 'HS256' }, pemBytes));
    const jwkBytes = new TextEncoder().encode(JSON.stringify(publicJwk));
    await expectRefused(await forge({}, { alg: 'HS256' }, jwkBytes));
    // The JWKS above already drops keys whose alg is not HS256, so that alone proves nothing
    // about the verifier. Here the key resolver is naive: it hands the public key's bytes to
    // any header, which is a valid HMAC key. Only the verifier's own algorithm pin stops it.
    const naive = createAccessTokenVerifier({
      issuer,
      audience,
      clock,
      keys: async () => pemBytes,
    });
    const confused = await forge({}, { alg: 'HS256' }, pemBytes);
    await expect(naive.verifyAccessToken(confused)).rejects.toMatchObject({
      code: 'invalid_token',
    });
    // The same resolver with a genuine ES256 public key does verify (so the refusal above is
    // about the algorithm, not a broken verifier).
    const publicKey = await importJWK({ ...publicJwk, alg: 'ES256' }, 'ES256');
    const honest = createAccessTokenVerifier({
      issuer,
      audience,
      clock,
      keys: async () => publicKey,
    });
    await expect(honest.verifyAccessToken(await forge())).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('an unknown kid, a known kid over a foreign key, and no kid at all', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await expectRefused(await forge({}, { kid: 'unknown-kid' }, privateKey));
    await expectRefused(await forge({}, {}, privateKey));
    await expectRefused(await forge({}, { kid: undefined }, privateKey));
    // Signed with the right key but without a kid: jose would pick the only key in the set.
    await expectRefused(await forge({}, { kid: undefined }));
  });

  it('a token issued in the future (iat beyond the clock tolerance)', async () => {
    const now = Math.floor(clock.now() / 1000);
    await expectRefused(await forge({ iat: now + 1, exp: now + 600 }));
    await expectRefused(await forge({ iat: now + 3600, exp: now + 7200 }));
    expect((await call(await forge({ iat: now, exp: now + 600 }))).status).toBe(200);
    const tolerant = createAccessTokenVerifier({
      issuer,
      audience,
      clock,
      clockTolerance: '30s',
      keys: service.jwks(),
    });
    await expect(tolerant.verifyAccessToken(await forge({ iat: now + 30 }))).resolves.toBeTruthy();
    await expect(tolerant.verifyAccessToken(await forge({ iat: now + 31 }))).rejects.toMatchObject({
      code: 'invalid_token',
    });
  });

  it('a wrong iss, aud or typ', async () => {
    await expectRefused(await forge({ iss: 'https://evil.test' }));
    await expectRefused(await forge({ aud: 'another-api' }));
    await expectRefused(await forge({}, { typ: 'JWT' }));
    await expectRefused(await forge({}, { typ: undefined }));
  });

  it('an expired token (at exp exactly, with no tolerance)', async () => {
    const now = Math.floor(clock.now() / 1000);
    await expectRefused(await forge({ iat: now - 600, exp: now }));
    const response = await call(await forge({ iat: now - 600, exp: now - 1 }));
    expect(response.headers.get('www-authenticate')).toContain(
      'error_description="access token expired"',
    );
  });

  it('a refresh token presented as an access token', async () => {
    await expectRefused(tokens.refresh_token);
  });

  it('tokens missing required claims', async () => {
    await expectRefused(await forge({ sid: undefined }));
    await expectRefused(await forge({ sid: 'not-a-uuid' }));
    await expectRefused(await forge({ client_type: 'tv' }));
    await expectRefused(await forge({ jti: undefined }));
  });
});

describe('RFC 6750 answers', () => {
  it('gives a bare challenge without credentials and 400 for a malformed header', async () => {
    const none = await app.request('/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tokenkeeper"');
    const basic = await app.request('/me', { headers: { authorization: 'Basic abc' } });
    expect(basic.status).toBe(401);
    const malformed = await app.request('/me', { headers: { authorization: 'Bearer a b' } });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('answers 403 insufficient_scope when the scope is missing', async () => {
    const response = await call(tokens.access_token, '/admin');
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(response.headers.get('www-authenticate')).toContain('scope="admin"');
  });

  it('verifyRequest works on a plain Request and returns exp for socket deadlines', async () => {
    const request = new Request('http://api/x', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = await service.verifier.verifyRequest(request);
    expect(claims.exp).toBe(Math.floor(clock.now() / 1000) + 15 * 60);
    clock.advance(15 * 60 * 1000);
    await expect(service.verifyAccessToken(tokens.access_token)).rejects.toMatchObject({
      code: 'invalid_token',
      message: 'access token expired',
    });
  });
});
