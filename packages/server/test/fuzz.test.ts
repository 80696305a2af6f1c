// Property-based bad input on every endpoint: malformed bodies, wrong content types, oversized
// bodies, odd unicode, missing and mistyped fields. Always a 4xx with an error JSON (or an
// RFC-mandated 200 without a token), never a 5xx, never a token.
import fc from 'fast-check';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuthVariables,
  openStore,
  type RunningTokenServer,
  type Store,
  serve,
  silentLogger,
} from '../src/index.js';
import { fastHashing, testSecret } from './support.js';

let store: Store;
let server: RunningTokenServer;
const introspector = { id: 'rs', secret: 'fuzzing-introspection-secret' };
const basic = `Basic ${Buffer.from(`${introspector.id}:${introspector.secret}`).toString('base64')}`;
const tried = new Map<string, number>();
let validRefresh = '';

beforeAll(async () => {
  store = await openStore();
  server = await serve({
    store,
    secret: testSecret,
    passwordHashing: fastHashing,
    introspectionClients: [introspector],
    logger: silentLogger,
  });
  await server.tokenServer.service.users.add('alice', 'alice-password');
  validRefresh = (
    await server.tokenServer.service.login({ username: 'alice', password: 'alice-password' })
  ).refresh_token;
});

afterAll(async () => {
  const total = [...tried.values()].reduce((a, b) => a + b, 0);
  process.stderr.write(
    `[tokenkeeper-server fuzz] ${total} inputs tried: ${[...tried].map(([k, v]) => `${k}=${v}`).join(', ')}\n`,
  );
  await server?.close();
  await store?.close();
});

const fields = [
  'username',
  'password',
  'client_type',
  'grant_type',
  'refresh_token',
  'token',
  'token_type_hint',
  'scope',
  '__proto__',
  'constructor',
];

// Characters that break naive code: NUL and other controls, lone surrogates, combining marks,
// astral symbols, form-encoding metacharacters, quotes.
const nasty = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\ud800',
  '\udc00',
  'e\u0301',
  '\u212b',
  '🔑',
  '\u202e',
  '\ufeff',
  'a',
  'Z',
  ' ',
  '%',
  '&',
  '=',
  '+',
  '"',
  '\\',
  '.',
  '-',
);
const oddText = fc.oneof(
  { arbitrary: fc.string({ unit: nasty, maxLength: 40 }), weight: 3 },
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', 'refresh_token', 'mobile', 'web', 'alice', 'alice-password', 'tkr1.'),
  fc.constant(null).map(() => validRefresh.replace(/.$/, 'x')),
);
const value = fc.oneof(
  { arbitrary: oddText, weight: 6 },
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);
const pairs = fc.array(fc.tuple(fc.constantFrom(...fields), value), { maxLength: 6 });

const jsonBody = pairs.map((entries) => JSON.stringify(Object.fromEntries(entries)));
const formBody = pairs.map((entries) => {
  const form = new URLSearchParams();
  for (const [key, v] of entries)
    form.append(key, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  return form.toString();
});
/** Bodies shaped like the endpoint expects, each field odd, mistyped or missing. */
const shaped = (keys: Record<string, fc.Arbitrary<unknown>>) =>
  fc.tuple(fc.record(keys, { requiredKeys: [] }), fc.boolean()).map(([record, json]) => {
    if (json) return JSON.stringify(record);
    const form = new URLSearchParams();
    for (const [key, v] of Object.entries(record)) {
      form.append(key, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
    }
    return form.toString();
  });
const shapedBodies = {
  '/auth/login': shaped({ username: value, password: value, client_type: value }),
  '/oauth/token': shaped({
    grant_type: fc.oneof(fc.constant('refresh_token'), value),
    refresh_token: value,
  }),
  '/oauth/revoke': shaped({ token: value, token_type_hint: value }),
  '/oauth/introspect': shaped({ token: value, token_type_hint: value }),
} as const;

const genericBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  jsonBody,
  formBody,
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 64 }), // often invalid UTF-8
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '"x"',
    '{"username":',
    '%',
    '%zz=%',
    '=&=&',
    'a'.repeat(16 * 1024 + 1),
  ),
  fc
    .integer({ min: 16 * 1024 + 1, max: 64 * 1024 })
    .map((n) => `grant_type=refresh_token&x=${'y'.repeat(n)}`),
);
const contentType = fc.oneof(
  {
    arbitrary: fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
    weight: 4,
  },
  fc.constantFrom(
    'application/json',
    'application/x-www-form-urlencoded',
    'APPLICATION/JSON; charset=utf-8',
    'application/x-www-form-urlencoded; charset=latin1',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/jsonp',
    '',
  ),
  fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
);

/**
 * True for a body that is a correct login of alice (after the server's normalisation): the
 * one input a 200 with tokens is right for, so the generators must never produce it.
 */
function isValidLogin(payload: string | Uint8Array): boolean {
  if (typeof payload !== 'string') return false;
  let fields: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(payload);
    if (parsed && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
  } catch {
    const form = new URLSearchParams(payload);
    for (const key of new Set(form.keys())) {
      const all = form.getAll(key);
      fields[key] = all.length === 1 ? all[0] : all;
    }
  }
  const { username, password } = fields;
  return (
    typeof username === 'string' &&
    typeof password === 'string' &&
    username.normalize('NFC') === 'alice' &&
    password.normalize('NFKC') === 'alice-password'
  );
}

const body = (path: string) =>
  fc
    .oneof(
      { arbitrary: shapedBodies[path as keyof typeof shapedBodies], weight: 3 },
      { arbitrary: genericBody, weight: 2 },
    )
    .filter((payload) => path !== '/auth/login' || !isValidLogin(payload));

async function send(path: string, init: RequestInit): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}${path}`, init);
  return { status: response.status, text: await response.text() };
}

function checkAnswer(status: number, text: string, allow200: (text: string) => boolean) {
  expect(status).toBeLessThan(500);
  expect(text).not.toMatch(/tkr1\.[A-Za-z0-9_-]{22}\.|access_token|refresh_token"\s*:/);
  if (status === 200) {
    expect(allow200(text)).toBe(true);
    return;
  }
  expect(status).toBeGreaterThanOrEqual(400);
  const parsed = JSON.parse(text) as { error?: unknown };
  expect(typeof parsed.error).toBe('string');
}

const endpoints: {
  path: string;
  headers?: Record<string, string>;
  allow200: (text: string) => boolean;
}[] = [
  { path: '/auth/login', allow200: () => false },
  { path: '/oauth/token', allow200: () => false },
  // RFC 7009 §2.2: an invalid token still gets 200 (with nothing in the body).
  { path: '/oauth/revoke', allow200: (text) => text === '' },
  {
    path: '/oauth/introspect',
    headers: { authorization: basic },
    allow200: (t) => t === '{"active":false}',
  },
  { path: '/oauth/introspect', allow200: () => false },
];

describe('bad input never yields a 5xx or a token', () => {
  for (const endpoint of endpoints) {
    const label = `${endpoint.path}${endpoint.headers ? ' (authenticated)' : ''}`;
    it(`POST ${label}`, async () => {
      await fc.assert(
        fc.asyncProperty(body(endpoint.path), contentType, async (payload, type) => {
          tried.set(label, (tried.get(label) ?? 0) + 1);
          const headers: Record<string, string> = { ...endpoint.headers };
          if (type) headers['content-type'] = type;
          const { status, text } = await send(endpoint.path, {
            method: 'POST',
            headers,
            body: payload as BodyInit,
          });
          checkAnswer(status, text, endpoint.allow200);
        }),
        { numRuns: 400 },
      );
    });
  }

  it('any method on any path', async () => {
    const path = fc.oneof(
      fc.constantFrom(
        '/auth/login',
        '/oauth/token',
        '/oauth/revoke',
        '/oauth/introspect',
        '/.well-known/jwks.json',
      ),
      fc.webPath(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST'),
        path,
        async (method, p) => {
          tried.set('methods', (tried.get('methods') ?? 0) + 1);
          const { status, text } = await send(p.startsWith('/') ? p : `/${p}`, { method });
          // The two well-known documents are the only 200s; neither holds a token.
          checkAnswer(status, text, () => method === 'GET' && /^\/\.well-known\//.test(p));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('requireAuth with any Authorization header', async () => {
    const app = new Hono<{ Variables: AuthVariables }>();
    app.get('/', server.tokenServer.requireAuth(), (c) => c.text('ok'));
    const header = fc.oneof(
      fc.stringMatching(/^[\x20-\x7e]{0,80}$/),
      fc.stringMatching(/^[\x21-\x7e]{0,200}$/).map((t) => `Bearer ${t}`),
      fc.base64String().map((t) => `Bearer ${t}`),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        `Bearer ${validRefresh}`,
        'bearer eyJ.eyJ.x',
        'Basic Zm9vOmJhcg==',
      ),
    );
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        tried.set('requireAuth', (tried.get('requireAuth') ?? 0) + 1);
        const response = await app.request('/', { headers: { authorization } });
        expect([400, 401]).toContain(response.status);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tokenkeeper"/);
      }),
      { numRuns: 300 },
    );
  });
});
