import { createSession, memoryStorage } from 'tokenkeeper';
import { describe, expect, it, vi } from 'vitest';
import { createFetch } from '../../src/transports/fetch.js';
import { harness, MINUTE, outcome, SECOND } from '../harness.js';

// Findings of the code review, each pinned by a test that failed before its fix.
describe('session contract details', () => {
  it('without storage a new session is signedOut at once; with storage, loading until it is read', async () => {
    const fresh = createSession({});
    expect(fresh.getSnapshot().status).toBe('signedOut');
    await expect(fresh.getAccessToken()).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT' });
    await fresh.signIn({ access_token: 'a', expires_in: 60 });
    await fresh.ready(); // the read that finds nothing does not undo the sign-in
    expect(fresh.getSnapshot().status).toBe('active');
    const stored = createSession({ storage: memoryStorage() });
    expect(stored.getSnapshot().status).toBe('loading');
    await stored.ready();
    expect(stored.getSnapshot().status).toBe('signedOut');
    fresh.dispose();
    stored.dispose();
  });

  it('dispose() rejects pending refresh() calls and stops handing out tokens', async () => {
    const { server, session } = harness({ server: { latency: 5 * SECOND } });
    await session.signIn(server.login());
    const pending = outcome(session.refresh());
    session.dispose();
    expect((await pending).error).toMatchObject({ code: 'ERR_DISPOSED' });
    expect((await outcome(session.getAccessToken())).error).toMatchObject({ code: 'ERR_DISPOSED' });
  });

  it('extend() restarts the idle countdown at the click, even while a refresh is already running', async () => {
    const { clock, server, session } = harness({
      session: { idleTimeout: 2 * MINUTE },
      server: { accessTokenTtl: 60 * SECOND, latency: 3 * SECOND },
    });
    await session.signIn(server.login());
    session.retain(); // a live feed: proactive refreshes run for it
    await clock.advance(55 * SECOND); // its refresh is in flight now
    expect(session.getSnapshot().refreshing).toBe(true);
    const extending = session.extend(); // "stay signed in"
    expect(session.getSnapshot().idleDeadline).toBe(clock.now() + 2 * MINUTE);
    await clock.advance(3 * SECOND);
    await extending;
    await clock.advance(2 * MINUTE - 4 * SECOND);
    expect(session.getSnapshot().status).toBe('active');
  });

  it('coming back online keeps a Retry-After the server gave', async () => {
    const { clock, server, session } = harness();
    await session.signIn(server.login());
    clock.jump(20 * MINUTE);
    server.script({ status: 429, retryAfter: 60 });
    await outcome(session.getAccessToken());
    session.setOnline(false); // a Wi-Fi change...
    session.setOnline(true); // ...is no reason to ignore the 429
    await clock.advance(SECOND);
    await outcome(session.getAccessToken());
    expect(server.refreshCount).toBe(1);
    await clock.advance(60 * SECOND);
    expect((await outcome(session.getAccessToken())).value).toBeTypeOf('string');
    expect(server.refreshCount).toBe(2);
  });

  it('handleUnauthorized called from inside a listener gets the fresh token, not the refused one', async () => {
    const { server, session } = harness();
    await session.signIn(server.login());
    const refused = await session.getAccessToken();
    server.rejectAccessTokens();
    let fromListener: Promise<string> | undefined;
    // Any listener: here the app reacts to going to the background by retrying a refused call.
    session.subscribe((event) => {
      if (event.type === 'paused') fromListener = session.handleUnauthorized(refused);
    });
    session.pause();
    const token = await fromListener!;
    expect(token).not.toBe(refused);
    expect(server.isValid(token)).toBe(true);
    expect(server.refreshCount).toBe(1);
  });
});

describe('createFetch in a browser page: URLs the browser resolves elsewhere', () => {
  it('never sends the token where the URL parser sends the request', async () => {
    vi.stubGlobal('location', { href: 'http://app.test/page', origin: 'http://app.test' });
    try {
      const { server, session } = harness();
      await session.signIn(server.login());
      const seen: [string, string | null][] = [];
      const api = createFetch(session, {
        fetch: async (input, init) => {
          const request = new Request(new URL(String(input), 'http://app.test/page'), init);
          seen.push([request.url, request.headers.get('authorization')]);
          return new Response('ok');
        },
      });
      for (const url of [
        '/api/me',
        'api/me',
        '/\\evil.example/x',
        '\\\\evil.example/x',
        '/\t/evil.example/x',
        'https:evil.example/x',
        '//evil.example/x',
      ]) {
        await api(url);
      }
      const ours = seen.filter(([url]) => url.startsWith('http://app.test/'));
      const elsewhere = seen.filter(([url]) => !url.startsWith('http://app.test/'));
      expect(ours.map(([, authorization]) => authorization?.startsWith('Bearer '))).toEqual([
        true,
        true,
      ]);
      expect(elsewhere).toHaveLength(5);
      for (const [, authorization] of elsewhere) expect(authorization).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
