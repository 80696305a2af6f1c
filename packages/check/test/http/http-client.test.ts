import { describe, expect, it } from 'vitest';
import { createAuditHttp, describeRequest } from '../../src/http/http-client.js';
import { isTransportError } from '../../src/http/http-error.js';

const noLimit = { acquire: async () => {} };

function client(fetch: typeof globalThis.fetch, maxRequests = 10, timeoutMs = 1000) {
  return createAuditHttp({ fetch, limiter: noLimit, now: Date.now, timeoutMs, maxRequests });
}

describe('the audit HTTP client', () => {
  it('never follows redirects and counts what it sends', async () => {
    const seen: RequestInit[] = [];
    const http = client(async (_url, init) => {
      seen.push(init!);
      return new Response('moved', {
        status: 302,
        headers: { location: 'https://elsewhere.example/' },
      });
    });
    const answer = await http.send({
      method: 'POST',
      url: 'http://127.0.0.1:1/oauth/token',
      body: 'a=b',
    });
    expect(answer.status).toBe(302);
    expect(seen[0]?.redirect).toBe('manual');
    expect(http.count).toBe(1);
  });

  it('refuses the request past its budget, before sending it', async () => {
    let sent = 0;
    const http = client(async () => {
      sent++;
      return new Response('');
    }, 2);
    await http.burst([
      { method: 'GET', url: 'http://127.0.0.1:1/a' },
      { method: 'GET', url: 'http://127.0.0.1:1/b' },
    ]);
    const error = await http
      .send({ method: 'GET', url: 'http://127.0.0.1:1/c' })
      .catch((e: unknown) => e);
    expect(isTransportError(error) && error.code).toBe('budget');
    expect(sent).toBe(2);
    http.limit(3);
    await http.send({ method: 'GET', url: 'http://127.0.0.1:1/c' });
    expect(sent).toBe(3);
  });

  it('turns a hang into a timeout naming the method and path, never the body', async () => {
    const http = client(
      (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
        ),
      10,
      50,
    );
    const error = await http
      .send({
        method: 'POST',
        url: 'http://127.0.0.1:1/oauth/token?x=1',
        body: 'refresh_token=SECRET',
      })
      .catch((e: unknown) => e);
    expect(isTransportError(error) && error.code).toBe('timeout');
    expect((error as Error).message).toBe('POST /oauth/token: no answer within 50 ms');
  });

  it('reports a refused connection as a network error', async () => {
    const http = client(globalThis.fetch);
    const error = await http
      .send({ method: 'GET', url: 'http://127.0.0.1:9/' })
      .catch((e: unknown) => e);
    expect(isTransportError(error) && error.code).toBe('network');
  });

  it('once interrupted sends nothing new, but lets a request in flight finish', async () => {
    const controller = new AbortController();
    let release = () => {};
    let sent = 0;
    const http = createAuditHttp({
      fetch: async () => {
        sent++;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return new Response('{"access_token":"a"}');
      },
      limiter: noLimit,
      now: Date.now,
      timeoutMs: 1000,
      maxRequests: 10,
      signal: controller.signal,
    });
    const inFlight = http.send({ method: 'POST', url: 'http://127.0.0.1:1/auth/login' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    release();
    expect((await inFlight).status).toBe(200);
    const error = await http
      .send({ method: 'GET', url: 'http://127.0.0.1:1/x' })
      .catch((e: unknown) => e);
    expect(isTransportError(error) && error.code).toBe('aborted');
    expect(sent).toBe(1);
  });

  it('describes requests by method and path only', () => {
    expect(describeRequest({ method: 'GET', url: 'https://a.example/p/q?token=SECRET' })).toBe(
      'GET /p/q',
    );
  });
});
