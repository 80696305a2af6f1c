import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSession, oauth2Refresh, SessionExpiredError } from 'tokenkeeper';
import { createFetch } from 'tokenkeeper/fetch';
import { createVirtualClock } from 'tokenkeeper/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE, outcome } from '../harness.js';

/** A real HTTP server on 127.0.0.1: a token endpoint and resources that record what they saw. */
interface Seen {
  path: string;
  method: string;
  authorization: string | undefined;
  body: string;
}

function startServer() {
  const valid = new Set<string>();
  const refreshTokens = new Set<string>();
  const seen: Seen[] = [];
  let counter = 0;
  let refreshes = 0;
  let nextRefresh: 'ok' | 'invalid_grant' = 'ok';
  const issue = () => {
    counter++;
    const tokens = {
      access_token: `at-${counter}-${Math.random().toString(36).slice(2)}`,
      refresh_token: `rt-${counter}-x`,
      token_type: 'Bearer',
      expires_in: 900,
    };
    valid.add(tokens.access_token);
    refreshTokens.add(tokens.refresh_token);
    return tokens;
  };
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    const path = req.url ?? '/';
    if (path === '/oauth/token') {
      refreshes++;
      const form = new URLSearchParams(body);
      const presented = form.get('refresh_token') ?? '';
      if (nextRefresh === 'invalid_grant' || !refreshTokens.delete(presented)) {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'invalid_grant' }));
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(issue()));
      return;
    }
    const authorization = req.headers.authorization;
    seen.push({ path, method: req.method ?? 'GET', authorization, body });
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
    if (path.startsWith('/forbidden')) {
      res.writeHead(403).end('no');
      return;
    }
    if (!valid.has(token)) {
      res
        .writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' })
        .end('{"error":"invalid_token"}');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ok: true, body }));
  });
  return {
    server,
    seen,
    issue,
    revokeAccess: () => valid.clear(),
    failRefresh: () => {
      nextRefresh = 'invalid_grant';
    },
    get refreshes() {
      return refreshes;
    },
    url: '',
  };
}

let a: ReturnType<typeof startServer>;
let b: ReturnType<typeof startServer>;

beforeAll(async () => {
  a = startServer();
  b = startServer();
  for (const s of [a, b]) {
    s.server.listen(0, '127.0.0.1');
    await once(s.server, 'listening');
    s.url = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
  }
});
afterAll(() => {
  a.server.close();
  b.server.close();
});
beforeEach(() => {
  a.seen.length = 0;
  b.seen.length = 0;
});

function setup(options: { idleTimeout?: number } = {}) {
  const clock = createVirtualClock();
  const session = createSession({
    clock,
    refresh: oauth2Refresh({ tokenEndpoint: `${a.url}/oauth/token` }),
    ...options,
  });
  const api = createFetch(session, { origins: [a.url] });
  return { clock, session, api };
}

describe('createFetch against a real HTTP server', () => {
  it('attaches the live bearer token and marks activity', async () => {
    const { clock, session, api } = setup({ idleTimeout: 15 * MINUTE });
    await session.signIn(a.issue());
    const token = await session.getAccessToken();
    await clock.advance(5 * MINUTE);
    const res = await api(`${a.url}/me`);
    expect(res.status).toBe(200);
    expect(a.seen[0]!.authorization).toBe(`Bearer ${token}`);
    expect(session.getSnapshot().idleDeadline).toBe(clock.now() + 15 * MINUTE);
  });

  it('on 401 refreshes once and retries once, replaying string, form and binary bodies', async () => {
    const { session, api } = setup();
    await session.signIn(a.issue());
    for (const body of [
      '{"like":true}',
      new URLSearchParams({ like: 'yes' }),
      new TextEncoder().encode('bytes!'),
    ]) {
      a.revokeAccess();
      a.seen.length = 0;
      const before = a.refreshes;
      const res = await api(`${a.url}/posts/1/like`, {
        method: 'POST',
        body,
        headers: { 'x-trace': '1' },
      });
      expect(res.status).toBe(200);
      expect(a.refreshes - before).toBe(1);
      expect(a.seen).toHaveLength(2);
      expect(a.seen[1]!.body).toBe(a.seen[0]!.body);
      expect(a.seen[1]!.body.length).toBeGreaterThan(0);
      expect(a.seen[1]!.authorization).not.toBe(a.seen[0]!.authorization);
    }
  });

  it('replays the body of a Request object', async () => {
    const { session, api } = setup();
    await session.signIn(a.issue());
    a.revokeAccess();
    const res = await api(new Request(`${a.url}/items`, { method: 'PUT', body: 'payload' }));
    expect(res.status).toBe(200);
    expect(a.seen.map((s) => s.body)).toEqual(['payload', 'payload']);
  });

  it('does not retry a one-shot stream body: the caller gets the original 401', async () => {
    const { session, api } = setup();
    await session.signIn(a.issue());
    a.revokeAccess();
    const before = a.refreshes;
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const res = await api(`${a.url}/upload`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(401);
    expect(a.seen).toHaveLength(1);
    // The session still learnt the token was refused: the next request carries a new one.
    expect((await api(`${a.url}/next`)).status).toBe(200);
    expect(a.refreshes - before).toBe(1);
  });

  it('does not retry a 403', async () => {
    const { session, api } = setup();
    await session.signIn(a.issue());
    const before = a.refreshes;
    expect((await api(`${a.url}/forbidden`)).status).toBe(403);
    expect(a.seen).toHaveLength(1);
    expect(a.refreshes).toBe(before);
  });

  it('never sends the token to another origin unless told to', async () => {
    const { session, api } = setup();
    await session.signIn(a.issue());
    await api(`${b.url}/elsewhere`);
    expect(b.seen[0]!.authorization).toBeUndefined();
    const told = createFetch(session, { shouldAuthorize: (url) => url.origin === b.url });
    await told(`${b.url}/partner`);
    expect(b.seen[1]!.authorization).toMatch(/^Bearer /);
  });

  it('outside a browser with no origins, pins the first origin it talks to', async () => {
    const { session } = setup();
    await session.signIn(a.issue());
    const api = createFetch(session);
    await api(`${a.url}/first`);
    await api(`${b.url}/second`);
    expect(a.seen[0]!.authorization).toMatch(/^Bearer /);
    expect(b.seen[0]!.authorization).toBeUndefined();
  });

  it('leaves a request with its own Authorization header alone', async () => {
    const { session, api } = setup();
    await session.signIn(a.issue());
    await api(`${a.url}/basic`, { headers: { authorization: 'Basic abc' } });
    expect(a.seen[0]!.authorization).toBe('Basic abc');
  });

  it('rejects with SessionExpiredError when the refresh is refused, sending each request once', async () => {
    const { session, api } = setup();
    await session.signIn(a.issue());
    a.revokeAccess();
    a.failRefresh();
    const results = await Promise.all(Array.from({ length: 5 }, () => outcome(api(`${a.url}/x`))));
    expect(results.every((r) => r.error instanceof SessionExpiredError)).toBe(true);
    expect(a.seen).toHaveLength(5);
    const after = await outcome(api(`${a.url}/y`));
    expect(after.error).toBeInstanceOf(SessionExpiredError);
    expect(a.seen).toHaveLength(5); // nothing sent without a token
  });
});

describe('createFetch origin matching', () => {
  it('matches origins as browsers do, and never by a look-alike prefix or a query string', async () => {
    const clock = createVirtualClock();
    const session = createSession({ clock });
    await session.signIn({ access_token: 'live-token-123', expires_in: 600 });
    const seen: Record<string, string | null> = {};
    const api = createFetch(session, {
      origins: ['https://api.test'],
      fetch: async (input, init) => {
        const request = new Request(input, init);
        seen[request.url] = request.headers.get('authorization');
        return new Response('ok');
      },
    });
    await api('https://API.TEST/upper');
    await api('https://api.test:443/default-port');
    await api(new URL('https://api.test/url-object'));
    await api(new Request('https://api.test/request-object'));
    await api('https://api.test.evil.example/look-alike');
    await api('https://evil.example/?next=https://api.test/');
    await api('https://evil.example#https://api.test/');
    await api('http://api.test/other-scheme');
    await api('https://api.test:8443/other-port');
    const bearer = 'Bearer live-token-123';
    expect(seen).toEqual({
      'https://api.test/upper': bearer,
      'https://api.test/default-port': bearer,
      'https://api.test/url-object': bearer,
      'https://api.test/request-object': bearer,
      'https://api.test.evil.example/look-alike': null,
      'https://evil.example/?next=https://api.test/': null,
      'https://evil.example/#https://api.test/': null,
      'http://api.test/other-scheme': null,
      'https://api.test:8443/other-port': null,
    });
  });

  it('keeps the caller headers, in any form, beside the token', async () => {
    const clock = createVirtualClock();
    const session = createSession({ clock });
    await session.signIn({ access_token: 'live-token-123', expires_in: 600 });
    const seen: Headers[] = [];
    const api = createFetch(session, {
      origins: ['https://api.test'],
      fetch: async (input, init) => {
        seen.push(new Request(input, init).headers);
        return new Response('ok');
      },
    });
    await api('https://api.test/a', { headers: { 'x-one': '1' } });
    await api('https://api.test/b', { headers: new Headers({ 'x-two': '2' }) });
    await api('https://api.test/c', { headers: [['x-three', '3']] });
    await api('https://api.test/d', { headers: { AUTHORIZATION: 'Basic mine' } });
    expect(
      seen.map((h) => [
        h.get('authorization'),
        h.get('x-one') ?? h.get('x-two') ?? h.get('x-three'),
      ]),
    ).toEqual([
      ['Bearer live-token-123', '1'],
      ['Bearer live-token-123', '2'],
      ['Bearer live-token-123', '3'],
      ['Basic mine', null],
    ]);
  });
});
