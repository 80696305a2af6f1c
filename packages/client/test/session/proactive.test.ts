import { describe, expect, it } from 'vitest';
import { DAY, HOUR, harness, MINUTE, SECOND } from '../harness.js';

describe('proactive refresh (behaviour 1)', () => {
  it('steady use: refreshed in the background before expiry, nobody waits, no 401', async () => {
    // The endpoint takes 2 s to answer: a request that had to wait for it would not settle
    // without the clock moving.
    const { clock, server, session, api, of } = harness({ server: { latency: 2 * SECOND } });
    await session.signIn(server.login());
    for (let tick = 0; tick < 2 * 60 * 6; tick++) {
      const pending = api('https://auth.test/data');
      let settled = false;
      void pending.then(() => {
        settled = true;
      });
      await clock.flush();
      expect(settled).toBe(true);
      expect((await pending).status).toBe(200);
      await clock.advance(10 * SECOND);
    }
    expect(server.resourceCalls.every((call) => call.status === 200)).toBe(true);
    const refreshed = of('refreshed');
    expect(refreshed).toHaveLength(8); // 120 min / ~14.6 min per token
    let expiresAt = refreshed[0]!.at;
    for (const event of refreshed) {
      expect(event.reason).toBe('proactive');
      if (event !== refreshed[0]) expect(event.at).toBeLessThan(expiresAt);
      expiresAt = event.expiresAt!;
    }
  });

  it('sparse use: the first request after the token ran out refreshes before it is sent', async () => {
    const { clock, server, session, api, of } = harness();
    await session.signIn(server.login());
    for (let minute = 0; minute < 3 * 60; minute++) {
      expect((await api('https://auth.test/data')).status).toBe(200);
      await clock.advance(MINUTE);
    }
    expect(server.resourceCalls.every((call) => call.status === 200)).toBe(true);
    expect(of('refreshed')).toHaveLength(11); // one per 15 minutes of the first 165
  });

  it('starts the refresh at the documented lead before expiry for several lifetimes', async () => {
    for (const [ttl, lead] of [
      [15 * MINUTE, 27 * SECOND],
      [HOUR, 60 * SECOND],
      [2 * MINUTE, 5 * SECOND],
      [24 * HOUR, 60 * SECOND],
    ] as const) {
      const { clock, server, session, of } = harness({ server: { accessTokenTtl: ttl } });
      await session.signIn(server.login());
      const start = clock.now();
      // A live socket holds the session in use, so the proactive refresh is due without traffic.
      const release = session.retain();
      await clock.advance(ttl - lead - 1);
      expect(server.refreshCount).toBe(0);
      await clock.advance(1);
      expect(server.refreshCount).toBe(1);
      expect(of('refreshed')[0]!.at - start).toBe(ttl - lead);
      release();
      session.dispose();
    }
  });

  it('honours a custom lead', async () => {
    const { clock, server, session } = harness({
      session: { refreshPolicy: { lead: 5 * MINUTE } },
    });
    await session.signIn(server.login());
    session.retain();
    await clock.advance(10 * MINUTE - 1);
    expect(server.refreshCount).toBe(0);
    await clock.advance(1);
    expect(server.refreshCount).toBe(1);
  });

  it('keeps refreshing across the 24.8-day timer overflow for long-lived tokens', async () => {
    const { clock, server, session } = harness({ server: { accessTokenTtl: 30 * DAY } });
    await session.signIn(server.login());
    session.retain();
    await clock.advance(SECOND);
    expect(server.refreshCount).toBe(0);
    expect(clock.pendingTimers()).toBe(1);
    // Platform timers overflow past 2^31-1 ms and fire at once; the session hops instead.
    expect(clock.nextTimerAt()! - clock.now()).toBeLessThanOrEqual(6 * HOUR);
    await clock.advance(30 * DAY - 62 * SECOND);
    expect(server.refreshCount).toBe(0);
    await clock.advance(SECOND);
    expect(server.refreshCount).toBe(1);
  });
});
