import type { RevokeContext } from 'tokenkeeper';
import { describe, expect, it } from 'vitest';
import { harness, MINUTE, outcome, SECOND } from '../harness.js';

describe('telling the server when the session ends here (revoke, RFC 7009)', () => {
  it('signOut() revokes the refresh token before it resolves; the server refuses it afterwards', async () => {
    const { clock, server, session } = harness({ revoke: 'endpoint' });
    const tokens = server.login();
    await session.signIn(tokens);
    await session.signOut();
    expect(server.revocations).toEqual([{ at: clock.now(), known: true }]);
    const signal = new AbortController().signal;
    const reuse = await outcome(
      server.refresh({
        refreshToken: tokens.refresh_token!,
        accessToken: tokens.access_token,
        signal,
        reason: 'demand',
      }),
    );
    expect(reuse.error).toMatchObject({ code: 'ERR_REFRESH_REJECTED', error: 'invalid_grant' });
  });

  it('the idle timeout ending the session revokes it too, with reason idle', async () => {
    const seen: RevokeContext['reason'][] = [];
    const { clock, server, session, of } = harness({
      session: { idleTimeout: 2 * MINUTE },
      revoke: async (context) => {
        seen.push(context.reason);
      },
    });
    await session.signIn(server.login());
    await clock.advance(2 * MINUTE);
    expect(of('expired')[0]?.reason).toBe('idle');
    expect(seen).toEqual(['idle']);
  });

  it('no revocation after the server rejected the refresh, nor for an end another tab announced', async () => {
    const { clock, server, session } = harness({ revoke: 'endpoint' });
    await session.signIn(server.login());
    clock.jump(20 * MINUTE);
    server.script('invalid_grant');
    await outcome(session.getAccessToken());
    expect(session.getSnapshot().status).toBe('expired');
    await clock.flush();
    expect(server.revocations).toEqual([]);
  });

  it('a failing or hanging revocation never keeps the user signed in', async () => {
    for (const revoke of [
      async () => {
        throw new TypeError('fetch failed');
      },
      (context: RevokeContext) =>
        new Promise<void>((_, reject) =>
          context.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    ]) {
      const { clock, server, session, logs } = harness({ revoke });
      await session.signIn(server.login());
      const signingOut = session.signOut();
      expect(session.getSnapshot().status).toBe('signedOut'); // signed out at once, locally
      await clock.advance(10 * SECOND); // a hanging revocation is aborted after refreshTimeout
      await signingOut;
      expect(
        logs.some((line) => line.level === 'warn' && line.message === 'revocation failed'),
      ).toBe(true);
      await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT' });
    }
  });
});
