import {
  createSession,
  memoryStorage,
  type Session,
  type SessionEvent,
  type SessionStorage,
} from 'tokenkeeper';
import { createTokenEndpoint, createVirtualClock, type VirtualClock } from 'tokenkeeper/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { crossTabCoordinator } from '../../src/coordination/cross-tab.js';
import { MINUTE, outcome, SECOND } from '../harness.js';

/** A BroadcastChannel whose tab can be killed: it stops sending and receiving without a word. */
class KillableChannel extends BroadcastChannel {
  dead = false;
  /** While set, outgoing messages wait here (a slow delivery); `release()` sends them. */
  held: unknown[] | undefined;
  override postMessage(message: unknown): void {
    if (this.dead) return;
    if (this.held) this.held.push(message);
    else super.postMessage(message);
  }
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const message of held) super.postMessage(message);
  }
}

let tabs: Session[] = [];
afterEach(() => {
  for (const tab of tabs) tab.dispose();
  tabs = [];
});

let channelName = 0;

/** Several sessions sharing storage (as tabs share IndexedDB) and a BroadcastChannel name. */
function browserWithTabs(
  count: number,
  options: { clock?: VirtualClock; storage?: SessionStorage } = {},
) {
  const clock = options.clock ?? createVirtualClock();
  // Rotation with no grace (a used token is refused) and a realistic 300 ms per refresh, so
  // tabs that raced past a broken lock would all reach the server.
  const server = createTokenEndpoint({ clock, latency: 300 });
  const storage = options.storage ?? memoryStorage();
  const name = `tabs-${++channelName}`;
  const channels: KillableChannel[] = [];
  const events: (SessionEvent & { tab: number })[] = [];
  const open = (refresh = server.refresh) => {
    const index = tabs.length;
    const session = createSession({
      clock,
      storage,
      refresh,
      random: () => 0.5,
      coordinator: crossTabCoordinator({
        name,
        clock,
        lockTimeout: 20 * SECOND,
        BroadcastChannel: class extends KillableChannel {
          constructor(channel: string) {
            super(channel);
            channels.push(this);
          }
        },
      }),
    });
    session.subscribe((event) => events.push({ ...event, tab: index }));
    tabs.push(session);
    return session;
  };
  const list = Array.from({ length: count }, () => open());
  return { clock, server, storage, tabs: list, open, channels, events };
}

describe('cross-tab coordination over BroadcastChannel (Node)', () => {
  it('5 tabs after expiry: exactly one refresh, nobody logged out, one token everywhere', async () => {
    const { clock, server, tabs: list, events } = browserWithTabs(5);
    await list[0]!.signIn(server.login());
    await clock.flush();
    for (const tab of list) await tab.ready();
    expect(new Set(list.map((t) => t.getSnapshot().fingerprint)).size).toBe(1); // sign-in shared
    clock.jump(20 * MINUTE);
    // Every tab makes two requests at once.
    const pending = list.flatMap((tab) => [
      outcome(tab.getAccessToken()),
      outcome(tab.getAccessToken()),
    ]);
    await clock.advance(SECOND);
    const tokens = await Promise.all(pending);
    expect(tokens.every((t) => typeof t.value === 'string')).toBe(true);
    expect(server.refreshCount).toBe(1);
    expect(new Set(tokens.map((t) => t.value)).size).toBe(1);
    expect(server.isValid(tokens[0]!.value!)).toBe(true);
    expect(new Set(list.map((t) => t.getSnapshot().fingerprint)).size).toBe(1);
    expect(events.filter((e) => e.type === 'expired' || e.type === 'signedOut')).toHaveLength(0);
  });

  it('sign-out in one tab signs out all', async () => {
    const { clock, server, tabs: list } = browserWithTabs(3);
    await list[1]!.signIn(server.login());
    await clock.flush();
    await list[2]!.signOut();
    await clock.flush();
    expect(list.map((t) => t.getSnapshot().status)).toEqual([
      'signedOut',
      'signedOut',
      'signedOut',
    ]);
    await expect(list[0]!.getAccessToken()).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT' });
  });

  it('expiry in one tab expires all, with its reason', async () => {
    const { clock, server, tabs: list, events } = browserWithTabs(3);
    await list[0]!.signIn(server.login());
    await clock.flush();
    server.revokeRefreshTokens();
    clock.jump(20 * MINUTE);
    const failed = outcome(list[0]!.getAccessToken());
    await clock.advance(SECOND);
    expect((await failed).error).toMatchObject({
      code: 'ERR_SESSION_EXPIRED',
      reason: 'invalid_grant',
    });
    expect(list.map((t) => t.getSnapshot().status)).toEqual(['expired', 'expired', 'expired']);
    expect(
      events.filter((e) => e.type === 'expired').map((e) => (e as { remote: boolean }).remote),
    ).toEqual([false, true, true]);
    expect(server.refreshCount).toBe(1);
  });

  it('a tab told invalid_grant re-reads storage first: rotation never logs out a second tab', async () => {
    const storage = memoryStorage();
    const { clock, server, tabs: list } = browserWithTabs(1, { storage });
    await list[0]!.signIn(server.login());
    // An uncoordinated second tab (say, an old build without the coordinator) shares storage.
    const stray = createSession({ clock, storage, refresh: server.refresh });
    tabs.push(stray);
    await stray.ready();
    clock.jump(20 * MINUTE);
    const first = outcome(list[0]!.getAccessToken());
    await clock.advance(SECOND);
    expect(typeof (await first).value).toBe('string'); // tab 0 rotated the refresh token
    const pending = outcome(stray.getAccessToken()); // stray presents the rotated-away one
    await clock.advance(SECOND);
    const second = await pending;
    expect(second.value).toBe((await first).value);
    expect(stray.getSnapshot().status).toBe('active');
    expect(server.refreshCount).toBe(2);
  });

  it('a lock holder that dies mid-refresh blocks the others only until its lease ends', async () => {
    const clock = createVirtualClock();
    const { server, open, channels, events } = browserWithTabs(0, { clock });
    let holderStarted = false;
    const dying = open(async () => {
      holderStarted = true;
      return new Promise<never>(() => {}); // the tab is killed before its request leaves
    });
    const others = [open(), open(), open()];
    await dying.signIn(server.login());
    await clock.flush();
    clock.jump(20 * MINUTE);
    const stuck = outcome(dying.getAccessToken());
    void stuck;
    await clock.advance(SECOND);
    expect(holderStarted).toBe(true);
    channels[0]!.dead = true; // the tab is gone: no release, no more messages
    const pending = others.map((tab) => outcome(tab.getAccessToken()));
    await clock.advance(19 * SECOND);
    expect(server.refreshCount).toBe(0); // still inside the dead holder's 20 s lease
    await clock.advance(5 * SECOND);
    const results = await Promise.all(pending);
    expect(server.refreshCount).toBe(1);
    for (const tab of others) expect(tab.getSnapshot().status).toBe('active');
    expect(new Set(others.map((t) => t.getSnapshot().fingerprint)).size).toBe(1);
    expect(events.filter((e) => e.type === 'expired')).toHaveLength(0);
    // Callers that waited past the lock bound got a retryable error, not a logout.
    for (const result of results) {
      if (result.error) expect(result.error).toMatchObject({ retryable: true });
    }
  });
});

describe('cross-tab edge cases found in review', () => {
  it('an idle second tab does not end the session the user is working in', async () => {
    const clock = createVirtualClock();
    const server = createTokenEndpoint({
      clock,
      sendExpiresIn: false,
      accessTokenTtl: 365 * 24 * 60 * MINUTE,
    });
    const storage = memoryStorage();
    const name = `idle-${++channelName}`;
    const tab = () =>
      createSession({
        clock,
        storage,
        refresh: server.refresh,
        idleTimeout: 15 * MINUTE,
        coordinator: crossTabCoordinator({ name, clock }),
      });
    const busy = tab();
    const idle = tab();
    tabs.push(busy, idle);
    await busy.signIn(server.login());
    await clock.flush();
    for (let minute = 0; minute < 40; minute++) {
      busy.markActivity(); // the user works in this tab; the other one sits idle
      await clock.advance(MINUTE);
    }
    expect([busy.getSnapshot().status, idle.getSnapshot().status]).toEqual(['active', 'active']);
    await clock.advance(16 * MINUTE); // now nobody works anywhere
    expect([busy.getSnapshot().status, idle.getSnapshot().status]).toEqual(['expired', 'expired']);
  });

  it('a sign-out is not undone by another tab whose refresh answer arrives at the same moment', async () => {
    const {
      clock,
      server,
      storage,
      channels,
      tabs: [a, b],
    } = browserWithTabs(2);
    await a!.signIn(server.login());
    await clock.flush();
    clock.jump(20 * MINUTE);
    const refreshing = outcome(a!.getAccessToken()); // 50 ms to take the lock, 300 ms to refresh
    await clock.advance(349);
    channels[1]!.held = []; // B's news travels slowly
    await b!.signOut(); // B signs out...
    await clock.advance(1); // ...and A's refresh answer arrives before B's message does
    await refreshing;
    channels[1]!.release();
    await clock.advance(SECOND);
    expect([a!.getSnapshot().status, b!.getSnapshot().status]).toEqual(['signedOut', 'signedOut']);
    expect(await storage.get('tokenkeeper.session')).toBeUndefined(); // a reload stays signed out
  });
});

describe('a refresh function that ignores its abort signal', () => {
  it('times out, and the next refresh is not stuck behind it', async () => {
    const clock = createVirtualClock();
    const server = createTokenEndpoint({ clock });
    let calls = 0;
    const session = createSession({
      clock,
      random: () => 0.5,
      coordinator: crossTabCoordinator({ name: `hung-${++channelName}`, clock }),
      refresh: (context) => {
        calls++;
        return calls === 1 ? new Promise<never>(() => {}) : server.refresh(context); // hangs once, deaf to abort
      },
    });
    tabs.push(session);
    await session.signIn(server.login());
    clock.jump(20 * MINUTE);
    const first = outcome(session.getAccessToken());
    await clock.advance(11 * SECOND); // 50 ms claim window + 10 s refreshTimeout
    expect((await first).error).toMatchObject({ code: 'ERR_REFRESH_FAILED', kind: 'timeout' });
    await clock.advance(2 * SECOND); // past the first backoff
    const second = outcome(session.getAccessToken());
    await clock.advance(SECOND);
    expect(typeof (await second).value).toBe('string');
    expect(calls).toBe(2);
  });
});
