import { describe, expect, it } from 'vitest';
import { DAY, harness, MINUTE } from './harness.js';

// Seed 000: an app opened after 4-5 days showed empty screens because its token had expired.
describe('days idle (behaviour 2, seed 000)', () => {
  it('idle app with running timers: the next request succeeds after exactly one refresh', async () => {
    const { clock, server, session, api, events } = harness();
    await session.signIn(server.login());
    expect((await api('https://auth.test/feed')).status).toBe(200);
    await clock.advance(5 * DAY);
    expect(server.refreshCount).toBe(0); // nobody used the session: no rotation all night
    const res = await api('https://auth.test/feed');
    expect(res.status).toBe(200);
    expect(server.refreshCount).toBe(1);
    expect(server.resourceCalls.map((c) => c.status)).toEqual([200, 200]);
    expect(events.some((e) => e.type === 'expired' || e.type === 'refreshFailed')).toBe(false);
  });

  it('paused app (background): resume then request costs exactly one refresh', async () => {
    const { clock, server, session, api } = harness();
    await session.signIn(server.login());
    session.pause();
    await clock.advance(5 * DAY);
    expect(clock.pendingTimers()).toBe(0); // nothing wakes a sleeping phone
    session.resume();
    const res = await api('https://auth.test/feed');
    expect(res.status).toBe(200);
    expect(server.refreshCount).toBe(1);
  });

  it('device asleep, timer never fired: every decision re-reads the clock', async () => {
    const { clock, server, session, api } = harness();
    await session.signIn(server.login());
    session.retain(); // a proactive timer IS pending: the device sleeps through it
    expect(clock.pendingTimers()).toBe(1);
    clock.jump(5 * DAY);
    const [a, b, c] = await Promise.all([
      api('https://auth.test/a'),
      api('https://auth.test/b'),
      api('https://auth.test/c'),
    ]);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(server.refreshCount).toBe(1);
    expect(server.resourceCalls.every((call) => call.status === 200)).toBe(true);
  });

  it('a token that expired one minute ago is refreshed before the request, not after a 401', async () => {
    const { clock, server, session, api } = harness();
    await session.signIn(server.login());
    clock.jump(16 * MINUTE);
    expect((await api('https://auth.test/x')).status).toBe(200);
    expect(server.resourceCalls).toHaveLength(1);
    expect(server.refreshCount).toBe(1);
  });
});
