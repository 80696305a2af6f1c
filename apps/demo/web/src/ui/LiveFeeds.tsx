import type { DemoRuntime } from '../runtime/runtime.js';
import type { StreamState } from '../runtime/stream.js';
import { useStore } from './hooks.js';

const STATUS: Record<StreamState['status'], string> = {
  off: 'paused',
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  ended: 'closed',
};

function Stream({
  name,
  how,
  stream,
  renewal,
  testId,
}: {
  name: string;
  how: string;
  stream: StreamState;
  renewal: string;
  testId: string;
}) {
  return (
    <div
      className="stream"
      data-testid={testId}
      data-status={stream.status}
      data-seq={stream.lastSeq ?? ''}
    >
      <div>
        <strong>{name}</strong>
        <p className="hint">{how}</p>
      </div>
      <span className={`chip stream-${stream.status}`}>{STATUS[stream.status]}</span>
      <div className="tick">
        <span className="tick-label">tick</span>
        <span className="tick-number">
          {stream.lastSeq === undefined ? '—' : `#${stream.lastSeq}`}
        </span>
      </div>
      <p className="stream-note">
        {stream.renewals > 0 ? `${renewal} ${stream.renewals}×` : `not yet ${renewal}`}
        {stream.note ? ` · ${stream.note}` : ''}
      </p>
    </div>
  );
}

/** Seed 003: live sockets that follow every refresh instead of holding on to an old token. */
export function LiveFeeds({ runtime }: { runtime: DemoRuntime }) {
  const feeds = useStore(runtime.feeds.state);
  return (
    <section className="card">
      <div className="card-head">
        <h2>Live feeds</h2>
        <button type="button" onClick={() => runtime.feeds.setEnabled(!feeds.enabled)}>
          {feeds.enabled ? 'Pause live feeds' : 'Resume live feeds'}
        </button>
      </div>
      <p className="hint">
        The server pushes a numbered tick every second and closes a socket when its token expires.
        Both streams take the live token on every (re)connect and follow every refresh, so the
        numbers keep climbing (seed 003's socket kept a stale token). While open they keep the token
        renewed ahead of expiry, but they are not you: a web session still ends after its idle
        window without a click.
      </p>
      <Stream
        name="WebSocket /ws"
        how="createAuthWebSocket: first-message auth; after a refresh, the new token on the same socket"
        stream={feeds.ws}
        renewal="re-authenticated"
        testId="feed-ws"
      />
      <Stream
        name="GraphQL subscription ticks"
        how="graphql-ws with graphqlWsAuth: reconnects with the new token, the subscription resumes"
        stream={feeds.gql}
        renewal="reconnected"
        testId="feed-gql"
      />
    </section>
  );
}
