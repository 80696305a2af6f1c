/**
 * Issue 14.5: the WebSocket adapter for servers that read the token from the URL (RFC 6750
 * §2.3) and for servers that refuse a token in band (a message, or a close code of their own)
 * instead of closing with 4403/4440. Real servers on 127.0.0.1.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { fingerprint } from 'tokenkeeper';
import {
  type AuthWebSocketEvent,
  type AuthWebSocketOptions,
  createAuthWebSocket,
} from 'tokenkeeper/websocket';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  cleanupAfterEach,
  listen,
  runUntil,
  SECOND,
  sessionWithEndpoint,
  tokenLedger,
} from './socket-support.js';

const defer = cleanupAfterEach();

/** A server that reads the token from the query parameter `name` and answers `ready`. */
async function queryServer(name: string, ledger = tokenLedger()) {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const urls: URL[] = [];
  wss.on('connection', (socket, request: IncomingMessage) => {
    const url = new URL(request.url ?? '/', 'http://x');
    urls.push(url);
    if (!ledger.check(url.searchParams.get(name) ?? '')) return socket.close(4403, 'invalid_token');
    socket.send(JSON.stringify({ type: 'ready' }));
  });
  defer(() => wss.close());
  return { host: await listen(http, defer), urls, ledger };
}

function open(
  setup: ReturnType<typeof sessionWithEndpoint>,
  options: Omit<AuthWebSocketOptions, 'WebSocket'>,
) {
  const events: AuthWebSocketEvent[] = [];
  const socket = createAuthWebSocket(setup.session, {
    WebSocket,
    clock: setup.clock,
    random: () => 0.5,
    ...options,
  });
  socket.on((event) => events.push(event));
  defer(() => socket.close());
  return { socket, events };
}

describe('WebSocket adapter: the token in the URL (auth "query")', () => {
  it('carries the live token as access_token, keeps the URL’s own parameters, and reconnects after a refresh', async () => {
    const setup = sessionWithEndpoint(defer);
    const { clock, endpoint, session } = setup;
    await session.signIn(endpoint.login());
    const server = await queryServer('access_token');
    open(setup, { url: `ws://${server.host}/live?room=7`, auth: 'query' });
    await runUntil(clock, () => server.ledger.accepted(session.getSnapshot().fingerprint), SECOND);
    expect(server.urls[0]?.pathname).toBe('/live');
    expect(server.urls[0]?.searchParams.get('room')).toBe('7');

    const before = session.getSnapshot().fingerprint;
    await session.refresh();
    const after = session.getSnapshot().fingerprint;
    await runUntil(clock, () => server.ledger.accepted(after), SECOND);
    expect(server.ledger.seen).toEqual([
      { token: before, accepted: true },
      { token: after, accepted: true },
    ]);
    expect(server.urls[1]?.searchParams.getAll('access_token')).toHaveLength(1);
  });

  it('takes the parameter name the server reads', async () => {
    const setup = sessionWithEndpoint(defer);
    await setup.session.signIn(setup.endpoint.login());
    const server = await queryServer('token');
    const { events } = open(setup, {
      url: `ws://${server.host}`,
      auth: 'query',
      queryParameter: 'token',
    });
    await runUntil(setup.clock, () => events.some((e) => e.type === 'message'), SECOND);
    expect(server.ledger.seen).toEqual([
      { token: setup.session.getSnapshot().fingerprint, accepted: true },
    ]);
  });

  it('a token refused at connect (4403) costs one refresh, and the next URL carries the new token', async () => {
    const setup = sessionWithEndpoint(defer);
    const tokens = setup.endpoint.login();
    await setup.session.signIn(tokens);
    const server = await queryServer('access_token');
    server.ledger.refuse(fingerprint(tokens.access_token));
    open(setup, { url: `ws://${server.host}`, auth: 'query' });
    const current = () => setup.session.getSnapshot().fingerprint;
    await runUntil(setup.clock, () => server.ledger.accepted(current()), SECOND);
    expect(setup.endpoint.refreshCount).toBe(1);
    expect(server.ledger.seen.map((s) => s.accepted)).toEqual([false, true]);
  });
});

/**
 * A server that refuses in band: a refused token gets `{"type":"error","reason":"unauthorized"}`,
 * then (`thenClose`) a close with that code, or nothing (the socket stays open, unauthenticated).
 */
async function inBandServer(thenClose: number | undefined, ledger = tokenLedger()) {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket, request) => {
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (ledger.check(token)) return socket.send(JSON.stringify({ type: 'ready' }));
    socket.send(JSON.stringify({ type: 'error', reason: 'unauthorized' }));
    if (thenClose !== undefined) socket.close(thenClose, 'unauthorized');
  });
  defer(() => wss.close());
  return { host: await listen(http, defer), ledger, clients: () => wss.clients.size };
}

const refusalMessage: AuthWebSocketOptions['isRefusal'] = (event) =>
  event.type === 'message' &&
  (JSON.parse(String(event.data)) as { reason?: string }).reason === 'unauthorized';

describe('WebSocket adapter: servers that refuse in band (isRefusal)', () => {
  for (const thenClose of [undefined, 1000]) {
    it(`a refusal message${thenClose ? ' and a close 1000' : ' on a socket left open'} costs exactly one refresh and a reconnect`, async () => {
      const setup = sessionWithEndpoint(defer);
      const tokens = setup.endpoint.login();
      await setup.session.signIn(tokens);
      const server = await inBandServer(thenClose);
      server.ledger.refuse(fingerprint(tokens.access_token));
      const { events } = open(setup, {
        url: `ws://${server.host}`,
        auth: 'header',
        isRefusal: refusalMessage,
      });
      const current = () => setup.session.getSnapshot().fingerprint;
      await runUntil(setup.clock, () => server.ledger.accepted(current()), SECOND);
      expect(setup.endpoint.refreshCount).toBe(1);
      expect(server.ledger.seen.map((s) => s.accepted)).toEqual([false, true]);
      // The refusal is the adapter's business; the app sees only the server's `ready`.
      const messages = events.filter((e) => e.type === 'message');
      expect(messages).toEqual([{ type: 'message', data: expect.anything() }]);
      expect(String((messages[0] as { data: unknown }).data)).toContain('ready');
      expect(server.clients()).toBe(1); // the refused socket was closed, not left behind
    });
  }

  it('a server that refuses every token in band costs one refresh, then backs off', async () => {
    const setup = sessionWithEndpoint(defer);
    await setup.session.signIn(setup.endpoint.login());
    const server = await inBandServer(1000);
    server.ledger.refuseAll();
    open(setup, { url: `ws://${server.host}`, auth: 'header', isRefusal: refusalMessage });
    await runUntil(setup.clock, () => server.ledger.seen.length >= 5);
    expect(server.ledger.seen.length).toBeGreaterThanOrEqual(5);
    expect(setup.endpoint.refreshCount).toBe(1);
  });

  it('a close code of the server’s own (isRefusal on the close) costs one refresh', async () => {
    const setup = sessionWithEndpoint(defer);
    const tokens = setup.endpoint.login();
    await setup.session.signIn(tokens);
    const ledger = tokenLedger();
    ledger.refuse(fingerprint(tokens.access_token));
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket, request) => {
      const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (ledger.check(token)) socket.send('ready');
      else socket.close(1008, 'unauthorized'); // policy violation, not 4403/4440
    });
    defer(() => wss.close());
    const host = await listen(http, defer);
    const { events } = open(setup, {
      url: `ws://${host}`,
      auth: 'header',
      isRefusal: (event) => event.type === 'close' && event.reason === 'unauthorized',
    });
    const current = () => setup.session.getSnapshot().fingerprint;
    await runUntil(setup.clock, () => ledger.accepted(current()), SECOND);
    expect(setup.endpoint.refreshCount).toBe(1);
    expect(events.find((e) => e.type === 'close')).toMatchObject({ code: 1008, retryIn: 0 });
  });
});
