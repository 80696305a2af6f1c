import { isRetryableError, RefreshFailedError } from 'tokenkeeper';
import { describe, expect, it } from 'vitest';
import { harness, MINUTE, outcome, SECOND } from '../harness.js';

describe('offline is not logout (behaviour 5)', () => {
  for (const script of [
    'network',
    'malformed',
    { status: 503 },
    { status: 500 },
    { status: 502 },
  ] as const) {
    it(`${JSON.stringify(script)}: the session stays, callers get a retryable error, a retry succeeds`, async () => {
      const { clock, server, session, api, of } = harness();
      await session.signIn(server.login());
      clock.jump(16 * MINUTE);
      server.script(script);
      const failed = await outcome(api('https://auth.test/x'));
      expect(failed.error).toBeInstanceOf(RefreshFailedError);
      expect(isRetryableError(failed.error)).toBe(true);
      expect(session.getSnapshot().status).toBe('active');
      expect(of('expired')).toHaveLength(0);
      await clock.advance(2 * SECOND); // first backoff: 0.5-1 s
      expect((await api('https://auth.test/x')).status).toBe(200);
      expect(server.refreshCount).toBe(2);
    });
  }

  it('a hung refresh is aborted through its AbortSignal after refreshTimeout (10 s)', async () => {
    const signals: AbortSignal[] = [];
    const { clock, server, session, of } = harness({
      wrapRefresh: (inner) => (context) => {
        signals.push(context.signal);
        return inner(context);
      },
    });
    await session.signIn(server.login());
    clock.jump(16 * MINUTE);
    server.script('hang');
    const pending = outcome(session.getAccessToken());
    await clock.advance(10 * SECOND - 1);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
    await clock.advance(1);
    expect(signals[0]!.aborted).toBe(true);
    const result = await pending;
    expect(result.error).toBeInstanceOf(RefreshFailedError);
    expect((result.error as RefreshFailedError).kind).toBe('timeout');
    expect(session.getSnapshot().status).toBe('active');
    expect(of('refreshFailed')[0]?.error.kind).toBe('timeout');
    await clock.advance(SECOND);
    await expect(session.getAccessToken()).resolves.toBeTypeOf('string');
  });

  it('429 honours Retry-After: no attempt before it, one right after', async () => {
    const { clock, server, session } = harness();
    await session.signIn(server.login());
    clock.jump(16 * MINUTE);
    server.script({ status: 429, retryAfter: 30 });
    const failed = await outcome(session.getAccessToken());
    expect((failed.error as RefreshFailedError).kind).toBe('rate_limited');
    expect((failed.error as RefreshFailedError).retryAfter).toBe(30 * SECOND);
    const failedAt = clock.now();
    expect(session.getSnapshot().retryAt).toBe(failedAt + 30 * SECOND);
    // Callers during the wait fail fast without firing refreshes.
    for (let i = 0; i < 10; i++) {
      await clock.advance(2 * SECOND);
      expect((await outcome(session.getAccessToken())).error).toBeInstanceOf(RefreshFailedError);
    }
    expect(server.refreshCount).toBe(1);
    await clock.advance(10 * SECOND);
    expect(server.refreshCount).toBe(2);
    await expect(session.getAccessToken()).resolves.toBeTypeOf('string');
  });

  it('backs off exponentially with jitter, capped, while the session is in use', async () => {
    const { clock, server, session, of } = harness({ session: { random: Math.random } });
    await session.signIn(server.login());
    clock.jump(16 * MINUTE);
    server.script(...Array(12).fill('network'));
    // The app keeps trying once a second, as a polling screen would.
    for (let second = 0; second < 6 * 60; second++) {
      await outcome(session.getAccessToken());
      await clock.advance(SECOND);
    }
    const failures = of('refreshFailed');
    expect(failures.length).toBeGreaterThanOrEqual(8);
    const gaps = failures.slice(1).map((f, i) => f.at - failures[i]!.at);
    for (const [i, gap] of gaps.entries()) {
      const ceiling = Math.min(60 * SECOND, SECOND * 2 ** i);
      expect(gap).toBeGreaterThanOrEqual(ceiling / 2);
      expect(gap).toBeLessThanOrEqual(ceiling + 2 * SECOND);
    }
    expect(new Set(gaps.slice(3)).size).toBeGreaterThan(1); // jittered, not lockstep
    expect(session.getSnapshot().status).toBe('active');
  });

  it('waiting requests are released with a retryable error instead of hanging', async () => {
    const { clock, server, session } = harness({ server: { latency: 3 * SECOND } });
    await session.signIn(server.login());
    clock.jump(16 * MINUTE);
    server.script('network');
    const waiting = Array.from({ length: 20 }, () => outcome(session.getAccessToken()));
    await clock.advance(3 * SECOND);
    const results = await Promise.all(waiting);
    expect(results.every((r) => r.error instanceof RefreshFailedError)).toBe(true);
    expect(server.refreshCount).toBe(1);
  });

  it('a proactive refresh that fails keeps handing out the still-valid token', async () => {
    const { clock, server, session } = harness();
    await session.signIn(server.login());
    const token = await session.getAccessToken();
    session.retain();
    server.script({ status: 503 });
    await clock.advance(15 * MINUTE - 27 * SECOND);
    expect(server.refreshCount).toBe(1);
    await expect(session.getAccessToken()).resolves.toBe(token);
    await clock.advance(2 * SECOND);
    expect(server.refreshCount).toBe(2);
    await expect(session.getAccessToken()).resolves.not.toBe(token);
  });
});
