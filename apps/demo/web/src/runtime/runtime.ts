/**
 * Everything that hangs off the page's one session: the session itself, REST and GraphQL calls,
 * the live feeds, the timeline subscription and the thief's copy for the replay scenario. Built
 * outside React; components receive it.
 */
import { createSession, oauth2Refresh, oauth2Revoke, type Session } from 'tokenkeeper';
import { crossTabCoordinator } from 'tokenkeeper/cross-tab';
import { browserLifecycle } from 'tokenkeeper/lifecycle/browser';
import { webStorage } from 'tokenkeeper/storage/web';
import type { DemoClock } from '../platform/clock.js';
import type { SimulatedNetwork } from '../platform/network.js';
import type { Store } from '../store.js';
import { describeSessionEvent } from '../timeline/describe.js';
import type { Timeline } from '../timeline/timeline.js';
import { createDemoApi, type DemoApi } from './api.js';
import { type ClientType, type DemoConfig, idleTimeoutFor } from './config.js';
import { type Ending, followEndings } from './ending.js';
import { createFeeds, type Feeds } from './feeds.js';
import { createStolenToken, type StolenToken } from './stolen-token.js';

/** What the page is made of; one per client type in use (see `holder.ts`). */
export interface Platform {
  readonly config: DemoConfig;
  readonly clock: DemoClock;
  readonly network: SimulatedNetwork;
  readonly timeline: Timeline;
}

export interface DemoRuntime {
  readonly clientType: ClientType;
  readonly platform: Platform;
  readonly session: Session;
  readonly api: DemoApi;
  readonly feeds: Feeds;
  readonly stolen: StolenToken;
  /** Why the session ended, once it has. */
  readonly ending: Store<Ending | undefined>;
  dispose(): void;
}

export function createRuntime(platform: Platform, clientType: ClientType): DemoRuntime {
  const { config, clock, network, timeline } = platform;
  const stolen = createStolenToken();
  const session = createSession({
    // The refresh goes through the plain network, never through the authorized fetch.
    refresh: stolen.wrap(oauth2Refresh({ tokenEndpoint: '/oauth/token', fetch: network.fetch })),
    // Signing out (or this device's idle timeout) revokes the family at the server too.
    revoke: oauth2Revoke({ revocationEndpoint: '/oauth/revoke', fetch: network.fetch }),
    storage: webStorage(),
    coordinator: crossTabCoordinator({ name: 'tokenkeeper-demo' }),
    lifecycle: browserLifecycle(),
    idleTimeout: idleTimeoutFor(config, clientType),
    online: network.online(),
    clock,
  });
  const endings = followEndings(session, clock);
  const cleanups = [
    session.subscribe((event) => {
      const entry = describeSessionEvent(event);
      if (entry) timeline.add(entry);
    }),
    stolen.follow(session),
    endings.stop,
  ];
  const api = createDemoApi(session, network, timeline);
  const feeds = createFeeds(session, network, timeline);
  return {
    clientType,
    platform,
    session,
    api,
    feeds,
    stolen,
    ending: endings.ending,
    dispose() {
      feeds.dispose();
      for (const cleanup of cleanups) cleanup();
      session.dispose();
    },
  };
}
