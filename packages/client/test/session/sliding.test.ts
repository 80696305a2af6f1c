import { SessionExpiredError } from 'tokenkeeper';
import { describe, expect, it } from 'vitest';
import { harness, MINUTE, outcome, SECOND } from '../harness.js';

// Seed 002: a 15-minute session token with no expiry given, extended by every API call.
const sliding = (extra: Parameters<typeof harness>[0] = {}) =>
  harness({
    ...extra,
    session: { idleTimeout: 15 * MINUTE, ...extra.session },
    server: { sendExpiresIn: false, accessTokenTtl: 365 * 24 * 60 * MINUTE, ...extra.server },
  });

describe('sliding session with unknown expiry (behaviour 6, seed 002)', () => {
  it('every request resets the countdown; a session used every 10 minutes never ends', async () => {
    const { clock, server, session, api, of } = sliding();
    await session.signIn(server.login());
    for (let i = 0; i < 30; i++) {
      await clock.advance(10 * MINUTE);
      expect((await api('https://auth.test/step')).status).toBe(200);
      expect(session.getSnapshot().idleDeadline).toBe(clock.now() + 15 * MINUTE);
    }
    expect(of('expired')).toHaveLength(0);
    expect(server.refreshCount).toBe(0);
  });

  it('warns `expiringWarning` before the deadline with the remaining time, then expires', async () => {
    const { clock, server, session, api, of } = sliding({
      session: { expiringWarning: 42 * SECOND },
    });
    await session.signIn(server.login());
    await api('https://auth.test/step');
    const deadline = clock.now() + 15 * MINUTE;
    await clock.advance(15 * MINUTE - 42 * SECOND - 1);
    expect(of('expiring')).toHaveLength(0);
    await clock.advance(1);
    expect(of('expiring')).toEqual([
      expect.objectContaining({ remaining: 42 * SECOND, deadline, at: deadline - 42 * SECOND }),
    ]);
    await clock.advance(42 * SECOND - 1);
    expect(session.getSnapshot().status).toBe('active');
    await clock.advance(1);
    expect(session.getSnapshot().status).toBe('expired');
    expect(of('expired')).toEqual([expect.objectContaining({ reason: 'idle', at: deadline })]);
    const late = await outcome(api('https://auth.test/step'));
    expect(late.error).toBeInstanceOf(SessionExpiredError);
    expect((late.error as SessionExpiredError).reason).toBe('idle');
  });

  it('the app can extend silently when warned (extend() refreshes and restarts the countdown)', async () => {
    const { clock, server, session, of } = sliding();
    await session.signIn(server.login());
    session.subscribe((event) => {
      if (event.type === 'expiring') void session.extend();
    });
    await clock.advance(3 * 60 * MINUTE);
    expect(of('expired')).toHaveLength(0);
    expect(of('expiring').length).toBe(server.refreshCount);
    expect(server.refreshCount).toBeGreaterThanOrEqual(12);
    expect(of('refreshed').every((e) => e.reason === 'extend')).toBe(true);
  });

  it('autoExtend extends by itself', async () => {
    const { clock, server, session, of } = sliding({ session: { autoExtend: true } });
    await session.signIn(server.login());
    await clock.advance(60 * MINUTE);
    expect(of('expired')).toHaveLength(0);
    expect(server.refreshCount).toBe(4);
  });

  it('background: resume inside the deadline refreshes and goes on', async () => {
    const { clock, server, session, api, of } = sliding();
    await session.signIn(server.login());
    await api('https://auth.test/step');
    session.pause();
    await clock.advance(14 * MINUTE);
    expect(of('expiring')).toHaveLength(0); // no timers while paused
    session.resume();
    await clock.flush();
    expect(server.refreshCount).toBe(1);
    expect(of('refreshed')[0]?.reason).toBe('resume');
    expect(session.getSnapshot().idleDeadline).toBe(clock.now() + 15 * MINUTE);
    expect((await api('https://auth.test/step')).status).toBe(200);
  });

  it('background: resume past the deadline expires with reason idle, without a refresh', async () => {
    const { clock, server, session, of } = sliding();
    await session.signIn(server.login());
    session.pause();
    await clock.advance(15 * MINUTE + SECOND);
    session.resume();
    expect(session.getSnapshot().status).toBe('expired');
    expect(of('expired')[0]?.reason).toBe('idle');
    expect(server.refreshCount).toBe(0);
  });

  it('a device that slept through the deadline expires on the next request', async () => {
    const { clock, server, session, api } = sliding();
    await session.signIn(server.login());
    clock.jump(16 * MINUTE);
    const result = await outcome(api('https://auth.test/step'));
    expect((result.error as SessionExpiredError).reason).toBe('idle');
    expect(server.resourceCalls).toHaveLength(0);
  });
});

describe('what counts as activity for a sliding session', () => {
  it('a token read (getAccessToken) is an API call: it restarts the countdown', async () => {
    const { clock, server, session, of } = sliding();
    await session.signIn(server.login());
    for (let i = 0; i < 10; i++) {
      await clock.advance(10 * MINUTE);
      await session.getAccessToken();
      expect(session.getSnapshot().idleDeadline).toBe(clock.now() + 15 * MINUTE);
    }
    expect(of('expired')).toHaveLength(0);
    clock.jump(16 * MINUTE); // past the deadline, no timer fired: a read does not revive it
    const late = await outcome(session.getAccessToken());
    expect((late.error as SessionExpiredError).reason).toBe('idle');
  });

  it('a live socket keeps the token fresh but does not keep an absent user signed in', async () => {
    const { clock, server, session, of } = harness({
      session: { idleTimeout: 15 * MINUTE },
      server: { accessTokenTtl: 5 * MINUTE },
    });
    await session.signIn(server.login());
    session.retain(); // a dashboard's live feed
    await clock.advance(14 * MINUTE);
    expect(server.refreshCount).toBeGreaterThanOrEqual(2); // the token was kept fresh...
    expect(session.getSnapshot().idleDeadline).toBe(clock.now() + MINUTE); // ...the countdown was not reset
    await clock.advance(MINUTE);
    expect(of('expired')[0]?.reason).toBe('idle');
  });

  it('a request just before the idle deadline counts, even when its token needs a slow refresh', async () => {
    const { clock, server, session, api, of } = harness({
      session: { idleTimeout: 15 * MINUTE },
      server: { accessTokenTtl: 10 * MINUTE, latency: 5 * SECOND },
    });
    await session.signIn(server.login());
    await clock.advance(15 * MINUTE - SECOND); // the token expired; one second of idle left
    const response = api('https://auth.test/step');
    await clock.advance(5 * SECOND); // the refresh completes after the old deadline
    expect((await response).status).toBe(200);
    expect(of('expired')).toHaveLength(0);
    expect(session.getSnapshot().idleDeadline).toBe(clock.now() - 5 * SECOND + 15 * MINUTE);
  });
});
