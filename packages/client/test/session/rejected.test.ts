import { memoryStorage, RefreshRejectedError, SessionExpiredError } from 'tokenkeeper';
import { describe, expect, it } from 'vitest';
import { harness, MINUTE, outcome } from '../harness.js';

describe('rejected refresh ends the session without loops (behaviour 4)', () => {
  for (const [script, reason] of [
    ['invalid_grant', 'invalid_grant'],
    ['unauthorized', 'unauthorized'],
  ] as const) {
    it(`refresh endpoint answering ${script}: expired, storage cleared, waiters rejected`, async () => {
      const storage = memoryStorage();
      const { clock, server, session, api, of } = harness({ session: { storage } });
      await session.signIn(server.login());
      expect(await storage.get('tokenkeeper.session')).toBeTruthy();
      clock.jump(20 * MINUTE);
      server.script(script);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => outcome(api('https://auth.test/x'))),
      );
      for (const result of results) {
        expect(result.error).toBeInstanceOf(SessionExpiredError);
        expect((result.error as SessionExpiredError).reason).toBe(reason);
      }
      expect(server.refreshCount).toBe(1);
      expect(server.resourceCalls).toHaveLength(0);
      expect(session.getSnapshot().status).toBe('expired');
      expect(session.getSnapshot().expiredReason).toBe(reason);
      expect(of('expired')).toEqual([expect.objectContaining({ reason, remote: false })]);
      await session.ready();
      await clock.flush();
      expect(await storage.get('tokenkeeper.session')).toBeUndefined();
      // Afterwards nothing refreshes again, and calls fail fast with the same typed error.
      await clock.advance(60 * MINUTE);
      expect(server.refreshCount).toBe(1);
      await expect(session.getAccessToken()).rejects.toBeInstanceOf(SessionExpiredError);
    });
  }

  it('a 401 storm whose refresh is rejected: every request fails once, none is retried twice', async () => {
    const { server, session, api } = harness();
    await session.signIn(server.login());
    server.rejectAccessTokens();
    server.script('invalid_grant');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => outcome(api('https://auth.test/x'))),
    );
    expect(results.every((r) => r.error instanceof SessionExpiredError)).toBe(true);
    expect(server.refreshCount).toBe(1);
    expect(server.resourceCalls).toHaveLength(20); // each sent once, none retried
  });

  it('a custom refresh function ends the session by throwing RefreshRejectedError or an HTTP 401', async () => {
    for (const thrown of [
      new RefreshRejectedError('invalid_grant', { status: 400 }),
      Object.assign(new Error('Request failed with status code 401'), {
        response: { status: 401 },
      }),
      Object.assign(new Error('Bad Request'), {
        response: { status: 400, data: { error: 'invalid_grant' } },
      }),
    ]) {
      const { server, session } = harness({
        session: {
          refresh: async () => {
            throw thrown;
          },
        },
      });
      await session.signIn(server.login());
      server.rejectAccessTokens();
      const result = await outcome(session.handleUnauthorized(await session.getAccessToken()));
      expect(result.error).toBeInstanceOf(SessionExpiredError);
      expect(session.getSnapshot().status).toBe('expired');
    }
  });

  it('signed out: calls reject with SignedOutError and nothing refreshes', async () => {
    const { server, session } = harness();
    await session.ready();
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT' });
    await session.signIn(server.login());
    await session.signOut();
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT' });
    expect(server.refreshCount).toBe(0);
  });
});
