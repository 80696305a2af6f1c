import { ConfigError, createSession, type LifecycleSource, OfflineError } from 'tokenkeeper';
import { describe, expect, it } from 'vitest';
import { browserLifecycle } from '../../src/lifecycle/browser.js';
import { manualLifecycle } from '../../src/lifecycle/manual.js';
import { appStateLifecycle, netInfoLifecycle } from '../../src/lifecycle/react-native.js';
import { DAY, HOUR, harness, MINUTE, outcome } from '../harness.js';
import { FakeBrowser, FakeReactNative } from './fake-platforms.js';

/** One platform, driven through the same four verbs whatever its events are called. */
interface Platform {
  name: string;
  sources(): LifecycleSource[];
  away(): void;
  back(): void;
  offline(): void;
  online(): void;
}

function platforms(): Platform[] {
  const browser = new FakeBrowser();
  const bfcache = new FakeBrowser();
  const frozen = new FakeBrowser();
  const rn = new FakeReactNative();
  const manual = manualLifecycle();
  const web = (b: FakeBrowser) => () => [
    browserLifecycle({ document: b.document, window: b.window, navigator: b.navigator }),
  ];
  return [
    {
      name: 'browser visibility',
      sources: web(browser),
      away: () => browser.hide(),
      back: () => browser.show(),
      offline: () => browser.setOnline(false),
      online: () => browser.setOnline(true),
    },
    {
      name: 'browser bfcache',
      sources: web(bfcache),
      away: () => bfcache.pageHide(),
      back: () => bfcache.pageShow(),
      offline: () => bfcache.setOnline(false),
      online: () => bfcache.setOnline(true),
    },
    {
      name: 'browser freeze',
      sources: web(frozen),
      away: () => frozen.freeze(),
      back: () => frozen.unfreeze(),
      offline: () => frozen.setOnline(false),
      online: () => frozen.setOnline(true),
    },
    {
      name: 'react native',
      sources: () => [appStateLifecycle(rn.AppState), netInfoLifecycle(rn.NetInfo)],
      away: () => rn.setAppState('background'),
      back: () => rn.setAppState('active'),
      offline: () => rn.setConnected(false),
      online: () => rn.setConnected(true),
    },
    {
      name: 'manual',
      sources: () => [manual.source],
      away: manual.pause,
      back: manual.resume,
      offline: () => manual.setOnline(false),
      online: () => manual.setOnline(true),
    },
  ];
}

for (const platform of platforms()) {
  describe(`platform signals: ${platform.name}`, () => {
    it('1. back after days away: the token is refreshed once before the next request goes out', async () => {
      const { clock, server, session, api, of } = harness({
        session: { lifecycle: platform.sources() },
      });
      await session.signIn(server.login());
      session.retain(); // a live socket: timers would run while in front
      platform.away();
      await clock.advance(3 * DAY);
      expect(server.refreshCount).toBe(0);
      platform.back();
      await clock.flush();
      expect(server.refreshCount).toBe(1);
      expect(of('refreshed')[0]?.reason).toBe('resume');
      expect((await api('https://auth.test/x')).status).toBe(200);
      expect(server.refreshCount).toBe(1);
      expect(server.resourceCalls.map((c) => c.status)).toEqual([200]);
    });

    it('1b. back past a sliding idle deadline: expired with reason idle', async () => {
      const { clock, server, session, of } = harness({
        session: { lifecycle: platform.sources(), idleTimeout: 15 * MINUTE },
        server: { sendExpiresIn: false },
      });
      await session.signIn(server.login());
      platform.away();
      await clock.advance(HOUR);
      expect(session.getSnapshot().status).toBe('active'); // nothing ran while away
      platform.back();
      expect(session.getSnapshot().status).toBe('expired');
      expect(of('expired')[0]?.reason).toBe('idle');
      expect(server.refreshCount).toBe(0);
    });

    it('2. offline: no attempts, no backoff growth, fast typed errors; online: one refresh', async () => {
      const { clock, server, session, api } = harness({
        session: { lifecycle: platform.sources() },
      });
      await session.signIn(server.login());
      platform.offline();
      clock.jump(20 * MINUTE);
      for (let i = 0; i < 20; i++) {
        const result = await outcome(api('https://auth.test/x'));
        expect(result.error).toBeInstanceOf(OfflineError);
        await clock.advance(MINUTE);
      }
      expect(server.refreshCount).toBe(0);
      expect(session.getSnapshot().retryAt).toBeUndefined();
      platform.online();
      await clock.flush();
      expect(server.refreshCount).toBe(1);
      expect((await api('https://auth.test/x')).status).toBe(200);
      expect(server.refreshCount).toBe(1);
    });

    it('2b. back online with a token past its refresh point, no request meanwhile: one refresh', async () => {
      const { clock, server, session, of } = harness({
        session: { lifecycle: platform.sources() },
      });
      await session.signIn(server.login());
      platform.offline();
      await clock.advance(3 * HOUR);
      expect(server.refreshCount).toBe(0);
      platform.online();
      await clock.flush();
      expect(server.refreshCount).toBe(1);
      expect(of('refreshed')[0]?.reason).toBe('online');
      platform.offline();
      platform.online(); // the token is fresh now: nothing is due
      await clock.flush();
      expect(server.refreshCount).toBe(1);
    });

    it('3. a resume and a 401 storm at the same moment produce exactly one refresh', async () => {
      const { clock, server, session, api } = harness({
        session: { lifecycle: platform.sources() },
      });
      await session.signIn(server.login());
      platform.away();
      await clock.advance(14 * MINUTE + 50_000);
      server.rejectAccessTokens();
      const storm = Array.from({ length: 30 }, () => api('https://auth.test/x'));
      platform.back();
      const responses = await Promise.all(storm);
      expect(responses.every((r) => r.status === 200)).toBe(true);
      expect(server.refreshCount).toBe(1);
    });

    it('4. no timers while away unless the app opts in', async () => {
      const sleepy = harness({
        session: { lifecycle: platform.sources(), idleTimeout: 15 * MINUTE },
      });
      await sleepy.session.signIn(sleepy.server.login());
      sleepy.session.retain();
      expect(sleepy.clock.pendingTimers()).toBeGreaterThan(0);
      platform.away();
      expect(sleepy.clock.pendingTimers()).toBe(0);
      platform.back();
      sleepy.session.dispose();

      const awake = harness({
        session: {
          lifecycle: platform.sources(),
          idleTimeout: 15 * MINUTE,
          timersWhilePaused: true,
        },
      });
      await awake.session.signIn(awake.server.login());
      platform.away();
      expect(awake.clock.pendingTimers()).toBeGreaterThan(0);
      await awake.clock.advance(20 * MINUTE);
      expect(awake.of('expired')[0]?.reason).toBe('idle');
      platform.back();
    });
  });
}

describe('platform signal details', () => {
  it('a page that starts hidden and offline starts paused and offline', async () => {
    const browser = new FakeBrowser();
    browser.document.visibilityState = 'hidden';
    browser.navigator.onLine = false;
    const { session } = harness({ session: { lifecycle: browserLifecycle(browser) } });
    expect(session.getSnapshot()).toMatchObject({ paused: true, online: false });
  });

  it('a refresh that fails because the device went offline mid-flight does not grow the backoff', async () => {
    const { clock, server, session, of } = harness({ server: { latency: 5000 } });
    await session.signIn(server.login());
    clock.jump(20 * MINUTE);
    server.script('network');
    const pending = outcome(session.getAccessToken());
    session.setOnline(false);
    await clock.advance(5000);
    expect((await pending).error).toBeDefined();
    expect(of('refreshFailed')[0]).toMatchObject({ attempt: 0, retryAt: undefined });
    session.setOnline(true);
    await clock.flush();
    expect(server.refreshCount).toBe(2);
    const token = session.getAccessToken();
    await clock.advance(5000);
    await expect(token).resolves.toBeTypeOf('string');
  });

  it('iOS inactive (app switcher, incoming call) neither pauses nor refreshes', async () => {
    const rn = new FakeReactNative();
    const { clock, server, session } = harness({
      session: { lifecycle: appStateLifecycle(rn.AppState), idleTimeout: 15 * MINUTE },
      server: { sendExpiresIn: false },
    });
    await session.signIn(server.login());
    rn.setAppState('inactive');
    expect(session.getSnapshot().paused).toBe(false);
    rn.setAppState('active');
    await clock.flush();
    expect(server.refreshCount).toBe(0);
  });

  it('NetInfo treats unknown reachability (null) as online', async () => {
    const rn = new FakeReactNative();
    const { session } = harness({ session: { lifecycle: netInfoLifecycle(rn.NetInfo) } });
    rn.setConnected(true, null);
    expect(session.getSnapshot().online).toBe(true);
    rn.setConnected(false, null);
    expect(session.getSnapshot().online).toBe(false);
  });

  it('manualLifecycle() is itself a source: passed as it is, or its source, sessions follow it', () => {
    const app = manualLifecycle();
    const { session: direct } = harness({ session: { lifecycle: app } });
    const { session: named } = harness({ session: { lifecycle: [app.source] } });
    app.pause();
    expect([direct.getSnapshot().paused, named.getSnapshot().paused]).toEqual([true, true]);
    app.setOnline(false);
    expect([direct.getSnapshot().online, named.getSnapshot().online]).toEqual([false, false]);
    app.resume();
    expect(direct.getSnapshot().paused).toBe(false);
  });

  it('a lifecycle that is not a source is a ConfigError, not a TypeError later', () => {
    const notASource = { pause() {}, resume() {} } as unknown as LifecycleSource;
    expect(() => createSession({ lifecycle: notASource })).toThrow(ConfigError);
    expect(() => createSession({ lifecycle: [notASource] })).toThrow(/lifecycle source/);
  });

  it('dispose() removes every platform listener', async () => {
    const browser = new FakeBrowser();
    const rn = new FakeReactNative();
    const { session } = harness({
      session: {
        lifecycle: [
          browserLifecycle(browser),
          appStateLifecycle(rn.AppState),
          netInfoLifecycle(rn.NetInfo),
        ],
      },
    });
    session.dispose();
    expect(rn.appStateListeners.size).toBe(0);
    expect(rn.netListeners.size).toBe(0);
    browser.hide(); // would throw or change state if still attached
    expect(session.getSnapshot().paused).toBe(false);
  });
});
