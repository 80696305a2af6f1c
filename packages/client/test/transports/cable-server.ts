/**
 * A loopback server that speaks the ActionCable protocol as Rails 8.1 does (`actioncable-v1-json`):
 * the token in the cable URL is checked in `connect`; a refused one gets
 * `{"type":"disconnect","reason":"unauthorized","reconnect":false}` and a close 1000 (no welcome);
 * an accepted one gets `welcome`, then `ping` every beat; `subscribe` is answered with
 * `confirm_subscription` or, for a channel the server rejects, `reject_subscription`;
 * broadcasts carry `{identifier, message}`. Everything the server sees is recorded by token
 * fingerprint, never the token.
 */
import { createServer } from 'node:http';
import { fingerprint } from 'tokenkeeper';
import { type WebSocket, WebSocketServer } from 'ws';
import { listen, type tokenLedger } from './socket-support.js';

export interface CableConnection {
  readonly token: string; // fingerprint
  readonly socket: WebSocket;
  readonly identifiers: Set<string>;
}

export interface CableServerOptions {
  ledger: ReturnType<typeof tokenLedger>;
  /** The query parameter the token travels in. @default 'access_token' */
  param?: string;
  /** Channels whose subscriptions are rejected. */
  rejectChannels?: readonly string[];
  /** Real ms between pings (Rails: 3000). The client's monitor reads them on its own timers. */
  beat?: number;
}

export async function startCableServer(
  defer: (cleanup: () => unknown) => void,
  options: CableServerOptions,
) {
  const { ledger, param = 'access_token', rejectChannels = [], beat = 1000 } = options;
  const http = createServer();
  let gate: Promise<void> | undefined;
  let held = 0;
  const wss = new WebSocketServer({
    server: http,
    path: '/cable',
    // Holds upgrades at the gate, so that something can happen while a socket is opening.
    verifyClient: (_info, done: (accept: boolean) => void) => {
      if (!gate) return done(true);
      held++;
      void gate.then(() => done(true));
    },
    handleProtocols: (offered) =>
      offered.has('actioncable-v1-json') ? 'actioncable-v1-json' : false,
  });
  const connections: CableConnection[] = [];
  /** Every `subscribe` command, with the fingerprint of the connection's token. */
  const subscribes: { token: string; identifier: string }[] = [];
  const urls: URL[] = [];
  const send = (socket: WebSocket, message: unknown) =>
    socket.readyState === socket.OPEN && socket.send(JSON.stringify(message));

  wss.on('connection', (socket, request) => {
    const url = new URL(request.url ?? '/', 'http://x');
    urls.push(url);
    const token = url.searchParams.get(param) ?? '';
    if (!ledger.check(token)) {
      send(socket, { type: 'disconnect', reason: 'unauthorized', reconnect: false });
      return socket.close(1000);
    }
    const connection = { token: fingerprint(token), socket, identifiers: new Set<string>() };
    connections.push(connection);
    send(socket, { type: 'welcome' });
    const pings = setInterval(
      () => send(socket, { type: 'ping', message: Math.floor(Date.now() / 1000) }),
      beat,
    );
    pings.unref();
    socket.on('close', () => {
      clearInterval(pings);
      connections.splice(connections.indexOf(connection), 1);
    });
    socket.on('message', (data) => {
      const { command, identifier } = JSON.parse(String(data)) as {
        command: string;
        identifier: string;
      };
      if (command === 'subscribe') {
        subscribes.push({ token: connection.token, identifier });
        const { channel } = JSON.parse(identifier) as { channel: string };
        if (rejectChannels.includes(channel)) {
          return send(socket, { identifier, type: 'reject_subscription' });
        }
        connection.identifiers.add(identifier);
        send(socket, { identifier, type: 'confirm_subscription' });
      } else if (command === 'unsubscribe') connection.identifiers.delete(identifier);
    });
  });
  defer(() => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  });
  const host = await listen(http, defer);

  return {
    url: `ws://${host}/cable`,
    /** Holds every upgrade until the returned function is called. */
    hold(): () => void {
      let open!: () => void;
      gate = new Promise((resolve) => {
        open = resolve;
      });
      return () => {
        gate = undefined;
        open();
      };
    },
    held: () => held,
    connections,
    subscribes,
    urls,
    /** Sends `message` to every connection subscribed to `identifier`; returns how many. */
    broadcast(identifier: string, message: unknown): number {
      const targets = connections.filter((c) => c.identifiers.has(identifier));
      for (const c of targets) send(c.socket, { identifier, message });
      return targets.length;
    },
    /** Disconnects the connections of token `print` as Rails does (`disconnect`, then close 1000). */
    disconnect(print: string, reason: string, reconnect: boolean) {
      for (const c of connections.filter((c) => c.token === print)) {
        send(c.socket, { type: 'disconnect', reason, reconnect });
        c.socket.close(1000);
      }
    },
    /** Drops every connection without a word, as a network failure or a killed app would. */
    drop() {
      for (const c of [...connections]) c.socket.terminate();
    },
  };
}
