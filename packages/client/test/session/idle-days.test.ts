import { createSession, memoryStorage } from 'tokenkeeper';
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';
import { describe, expect, it } from 'vitest';
import { DAY, harness, MINUTE } from '../harness.js';

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

describe('a request made while stored tokens are still being read (restart)', () => {
  it('waits for the restore, and an expired stored token costs exactly one refresh', async () => {
    const clock = createVirtualClock();
    const server = createTokenEndpoint({ clock });
    const storage = memoryStorage();
    const first = createSession({ clock, storage, refresh: server.refresh });
    await first.signIn(server.login());
    first.dispose();
    clock.jump(5 * DAY); // the page is reloaded days later
    // Reading storage takes a moment (IndexedDB, a keychain): the first request comes before it.
    const slow = {
      ...storage,
      get: async (key: string) => {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 5));
        return storage.get(key);
      },
    };
    const second = createSession({ clock, storage: slow, refresh: server.refresh });
    const pending = second.getAccessToken(); // before ready(): the app calls the API on mount
    await clock.advance(10);
    const token = await pending;
    expect(server.isValid(token)).toBe(true);
    expect(server.refreshCount).toBe(1);
  });

  it('a still-valid stored token is handed out without a refresh', async () => {
    const clock = createVirtualClock();
    const server = createTokenEndpoint({ clock });
    const storage = memoryStorage();
    const first = createSession({ clock, storage, refresh: server.refresh });
    await first.signIn(server.login());
    first.dispose();
    const second = createSession({ clock, storage, refresh: server.refresh });
    expect(server.isValid(await second.getAccessToken())).toBe(true);
    expect(server.refreshCount).toBe(0);
  });
});
