/**
 * The page's two live streams, both on the session's live token: the raw WebSocket `/ws` and
 * the GraphQL subscription over graphql-ws. They run while the session is active and the
 * visitor has not paused them, and close for good when the session ends.
 */
import type { Session } from 'tokenkeeper';
import type { SimulatedNetwork } from '../platform/network.js';
import { createStore, type Store } from '../store.js';
import type { Timeline } from '../timeline/timeline.js';
import { gqlStream } from './gql-stream.js';
import { type OpenStream, STREAM_OFF, type StreamState, type StreamStatus } from './stream.js';
import { wsStream } from './ws-stream.js';

export interface FeedsState {
  /** The visitor wants the feeds (they still wait for an active session). */
  readonly enabled: boolean;
  readonly ws: StreamState;
  readonly gql: StreamState;
}

export interface Feeds {
  readonly state: Store<FeedsState>;
  setEnabled(enabled: boolean): void;
  /** Drops and reopens both streams now (after the network came back). */
  restart(): void;
  dispose(): void;
}

export function createFeeds(
  session: Session,
  network: SimulatedNetwork,
  timeline: Timeline,
): Feeds {
  const state = createStore<FeedsState>({ enabled: true, ws: STREAM_OFF, gql: STREAM_OFF });
  const streams: Record<'ws' | 'gql', OpenStream> = {
    ws: wsStream(session, network),
    gql: gqlStream(session, network),
  };
  let stopStreams: (() => void) | undefined;

  const open = (which: 'ws' | 'gql') =>
    streams[which]({
      update: (change) =>
        state.set((s) => ({ ...s, [which]: { ...s[which], ...change(s[which]) } })),
      log: timeline.add,
      fingerprint: () => session.getSnapshot().fingerprint ?? 'none',
    });

  function start(): void {
    if (stopStreams) return;
    // Set before opening: opening retains the session, whose change calls sync() again.
    const stops: (() => void)[] = [];
    stopStreams = () => {
      for (const stop of stops) stop();
    };
    stops.push(open('ws'), open('gql'));
  }

  function stop(status: StreamStatus, note?: string): void {
    stopStreams?.();
    stopStreams = undefined;
    state.set((s) => ({ ...s, ws: { ...s.ws, status, note }, gql: { ...s.gql, status, note } }));
  }

  function sync(): void {
    const snapshot = session.getSnapshot();
    if (snapshot.status === 'active') {
      if (state.get().enabled) start();
    } else if (stopStreams) {
      // The adapters close for good when the session ends; a new sign-in starts fresh ones.
      const why = snapshot.expiredReason
        ? `session ended (${snapshot.expiredReason})`
        : 'signed out';
      stop('ended', why);
    }
  }

  const unwatch = session.watch(sync);
  sync();

  return {
    state,
    setEnabled(enabled) {
      state.set((s) => ({ ...s, enabled }));
      if (enabled) sync();
      else stop('off');
    },
    restart() {
      if (!stopStreams) return sync();
      stop('connecting');
      sync();
    },
    dispose() {
      unwatch();
      stop('off');
    },
  };
}
