/**
 * The GraphQL subscription `ticks` over graphql-ws with `graphqlWsAuth`: every (re)connect reads
 * the live token, and after every refresh the client reconnects with the new one and graphql-ws
 * re-sends the subscription.
 */
import { createClient } from 'graphql-ws';
import type { Session } from 'tokenkeeper';
import { graphqlWsAuth } from 'tokenkeeper/graphql-ws';
import type { SimulatedNetwork } from '../platform/network.js';
import { endNote, type OpenStream, socketUrl } from './stream.js';

const TICKS = 'subscription Ticks { ticks { seq at } }';

export function gqlStream(session: Session, network: SimulatedNetwork): OpenStream {
  return (sink) => {
    sink.update(() => ({ status: 'connecting', note: undefined }));
    let live = true; // events after the page let go of the client change nothing
    const auth = graphqlWsAuth(session, {
      on: {
        connected: (_socket, _payload, wasRetry) => {
          if (!live) return;
          sink.update((s) => ({
            status: 'open',
            note: undefined,
            renewals: s.renewals + (wasRetry ? 1 : 0),
          }));
          if (!wasRetry) return;
          sink.log({
            kind: 'graphql-ws:reconnected',
            tone: 'good',
            title: 'GraphQL subscription reconnected',
            detail: `graphql-ws connected again with ${sink.fingerprint()}; the subscription resumed`,
          });
        },
        closed: () => {
          if (live) sink.update(() => ({ status: 'reconnecting' }));
        },
      },
    });
    const client = createClient({
      url: socketUrl('/graphql'),
      webSocketImpl: network.WebSocket,
      ...auth,
    });
    const unsubscribe = client.subscribe<{ ticks: { seq: number; at: number } }>(
      { query: TICKS },
      {
        next: (result) => {
          const seq = result.data?.ticks.seq;
          if (live && seq !== undefined) sink.update(() => ({ lastSeq: seq }));
        },
        error: (error) => {
          if (live) sink.update(() => ({ status: 'ended', note: endNote(error) }));
        },
        complete: () => {
          if (live) sink.update(() => ({ status: 'ended', note: 'completed' }));
        },
      },
    );
    return () => {
      live = false;
      unsubscribe();
      auth.dispose();
      // dispose() awaits the last connection attempt and rejects with its close event when that
      // attempt had failed (the session ended): the client is gone either way.
      Promise.resolve(client.dispose()).catch(() => undefined);
    };
  };
}
