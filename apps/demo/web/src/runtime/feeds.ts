/**
 * The two live streams of the page, both on the session's live token: the raw WebSocket `/ws`
 * (`createAuthWebSocket`, re-authenticating in-band after every refresh) and the GraphQL
 * subscription `ticks` over graphql-ws (`graphqlWsAuth`, reconnecting with the new token). They
 * run while the session is active and the visitor has not paused them.
 */
import { createClient } from 'graphql-ws';
import { isSessionExpiredError, isTokenkeeperError, type Session } from 'tokenkeeper';
import { graphqlWsAuth } from 'tokenkeeper/graphql-ws';
import { createAuthWebSocket, type WebSocketConstructor } from 'tokenkeeper/websocket';
import { NETWORK_LOST_CLOSE_CODE, type SimulatedNetwork } from '../platform/network.js';
import { createStore, type Store } from '../store.js';
import type { Timeline } from '../timeline/timeline.js';

export type StreamStatus = 'off' | 'connecting' | 'open' | 'reconnecting' | 'ended';

export interface StreamState {
  readonly status: StreamStatus;
  /** Number of the latest tick received. */
  readonly lastSeq: number | undefined;
  /** ws: in-band re-authentications; graphql-ws: reconnections. */
  readonly renewals: number;
  readonly note: string | undefined;
}

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

const idle: StreamState = { status: 'off', lastSeq: undefined, renewals: 0, note: undefined };

function wsUrl(path: string): string {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

function endNote(error: unknown): string {
  if (isSessionExpiredError(error)) return `session ended (${error.reason})`;
  if (isTokenkeeperError(error)) return error.message;
  return 'closed';
}

const TICKS = 'subscription Ticks { ticks { seq at } }';

export function createFeeds(
  session: Session,
  network: SimulatedNetwork,
  timeline: Timeline,
): Feeds {
  const state = createStore<FeedsState>({ enabled: true, ws: idle, gql: idle });
  const patch = (which: 'ws' | 'gql', change: Partial<StreamState>) =>
    state.set((s) => ({ ...s, [which]: { ...s[which], ...change } }));
  let stopStreams: (() => void) | undefined;
  const print = () => session.getSnapshot().fingerprint ?? 'none';

  function openWs(): () => void {
    patch('ws', { status: 'connecting', note: undefined });
    const socket = createAuthWebSocket(session, {
      url: wsUrl('/ws'),
      WebSocket: network.WebSocket as unknown as WebSocketConstructor,
    });
    let reported = false; // one timeline line per outage, not one per reconnect attempt
    let live = true; // events after the page let go of the socket change nothing
    socket.on((event) => {
      if (!live) return;
      switch (event.type) {
        case 'open':
          patch('ws', { status: 'open', note: undefined });
          if (event.reconnect && reported) {
            timeline.add({
              kind: 'ws:reconnected',
              tone: 'good',
              title: 'WebSocket reconnected',
              detail: `authenticated with ${print()}`,
            });
          }
          reported = false;
          return;
        case 'message': {
          const message = JSON.parse(String(event.data)) as { type?: string; seq?: number };
          if (message.type === 'tick') patch('ws', { lastSeq: message.seq });
          return;
        }
        case 'reauthenticated':
          state.set((s) => ({ ...s, ws: { ...s.ws, renewals: s.ws.renewals + 1 } }));
          timeline.add({
            kind: 'ws:reauthenticated',
            tone: 'good',
            title: 'WebSocket re-authenticated',
            detail: `sent ${print()} on the open socket: no reconnect, no gap`,
          });
          return;
        case 'close': {
          const why =
            event.code === 4440
              ? 'the server closed it: token expired'
              : event.code === NETWORK_LOST_CLOSE_CODE || event.code === 1006
                ? 'network lost'
                : `closed (${event.code})`;
          patch('ws', { status: 'reconnecting', note: why });
          if (!reported && event.code !== 4205) {
            reported = true;
            timeline.add({
              kind: 'ws:closed',
              tone: 'warn',
              title: 'WebSocket dropped',
              detail: why,
            });
          }
          return;
        }
        case 'ended':
          patch('ws', { status: 'ended', note: endNote(event.error) });
          return;
      }
    });
    return () => {
      live = false;
      socket.close();
    };
  }

  function openGql(): () => void {
    patch('gql', { status: 'connecting', note: undefined });
    let live = true;
    const auth = graphqlWsAuth(session, {
      on: {
        connected: (_socket, _payload, wasRetry) => {
          if (!live) return;
          state.set((s) => ({
            ...s,
            gql: {
              ...s.gql,
              status: 'open',
              note: undefined,
              renewals: s.gql.renewals + (wasRetry ? 1 : 0),
            },
          }));
          if (wasRetry) {
            timeline.add({
              kind: 'graphql-ws:reconnected',
              tone: 'good',
              title: 'GraphQL subscription reconnected',
              detail: `graphql-ws connected again with ${print()}; the subscription resumed`,
            });
          }
        },
        closed: () => {
          if (live) patch('gql', { status: 'reconnecting' });
        },
      },
    });
    const client = createClient({
      url: wsUrl('/graphql'),
      webSocketImpl: network.WebSocket,
      ...auth,
    });
    const unsubscribe = client.subscribe<{ ticks: { seq: number; at: number } }>(
      { query: TICKS },
      {
        next: (result) => {
          if (!live) return;
          const seq = result.data?.ticks.seq;
          if (seq !== undefined) patch('gql', { lastSeq: seq });
        },
        error: (error) => {
          if (live) patch('gql', { status: 'ended', note: endNote(error) });
        },
        complete: () => {
          if (live) patch('gql', { status: 'ended', note: 'completed' });
        },
      },
    );
    return () => {
      live = false;
      unsubscribe();
      auth.dispose();
      // dispose() awaits the last connection attempt and rejects with its close event when
      // that attempt already failed (the session ended): the client is gone either way.
      Promise.resolve(client.dispose()).catch(() => undefined);
    };
  }

  function start(): void {
    if (stopStreams) return;
    // Set before opening: opening retains the session, whose change calls sync() again.
    const stops: (() => void)[] = [];
    stopStreams = () => {
      for (const stop of stops) stop();
    };
    stops.push(openWs(), openGql());
  }

  function stop(status: StreamStatus, note?: string): void {
    stopStreams?.();
    stopStreams = undefined;
    state.set((s) => ({
      ...s,
      ws: { ...s.ws, status, note },
      gql: { ...s.gql, status, note },
    }));
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
