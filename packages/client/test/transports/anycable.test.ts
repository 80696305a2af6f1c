/**
 * The README's note for AnyCable's `@anycable/web` (issue 14.4): no tokenkeeper adapter, but
 * its `transportConfigurator` (awaited before every connect) and `tokenRefresher` (run once per
 * `token_expired` close) carry the session's live token. This test runs the note's code, as
 * written there, against the loopback ActionCable server.
 */
import { createCable } from '@anycable/web';
import type { Session } from 'tokenkeeper';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startCableServer } from './cable-server.js';
import {
  cleanupAfterEach,
  runUntil,
  SECOND,
  sessionWithEndpoint,
  tokenLedger,
} from './socket-support.js';

const defer = cleanupAfterEach();

/** The README's AnyCable note (plus `websocketImplementation` and `monitor`, for Node and tests). */
function anyCableOnSession(session: Session, url: string) {
  let used = '';
  const cable = createCable(url, {
    websocketImplementation: WebSocket,
    monitor: false, // the test reconnects by hand, as an app resuming from the background would
    logLevel: 'error',
    // Awaited before every (re)connect: the live token, refreshed first when it ran out.
    transportConfigurator: async (transport) => {
      used = await session.getAccessToken();
      transport.setToken(used, 'access_token');
    },
    // AnyCable JWT's `token_expired` close: one refresh, then AnyCable reconnects (once in a row).
    tokenRefresher: async (transport) => {
      used = await session.handleUnauthorized(used);
      transport.setToken(used, 'access_token');
    },
  });
  const stop = session.subscribe((event) => {
    if (event.type === 'expired' || event.type === 'signedOut') cable.disconnect();
  });
  return { cable, stop };
}

async function setup() {
  const s = sessionWithEndpoint(defer);
  await s.session.signIn(s.endpoint.login());
  const ledger = tokenLedger();
  const server = await startCableServer(defer, { ledger });
  const { cable, stop } = anyCableOnSession(s.session, server.url);
  defer(() => {
    stop();
    cable.disconnect();
  });
  const received: unknown[] = [];
  const chat = cable.subscribeTo('ChatChannel', { room: 'lobby' });
  chat.on('message', (message) => received.push(message));
  const current = () => s.session.getSnapshot().fingerprint!;
  const subscribedNow = () =>
    server.connections.some((c) => c.token === current() && c.identifiers.size > 0);
  return { ...s, ledger, server, cable, received, current, subscribedNow };
}

describe('AnyCable (@anycable/web) with the README note', () => {
  it('a token_expired close costs one refresh; the reconnect carries the new token and the channel resumes', async () => {
    const s = await setup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const a = s.current();
    s.ledger.refuse(a);
    s.server.disconnect(a, 'token_expired', false);
    await runUntil(s.clock, () => s.current() !== a && s.subscribedNow(), SECOND);
    expect(s.endpoint.refreshCount).toBe(1);
    expect(s.ledger.seen).toEqual([
      { token: a, accepted: true },
      { token: s.current(), accepted: true },
    ]);
    const [identifier] = s.server.connections[0]!.identifiers;
    s.server.broadcast(identifier!, { text: 'back' });
    await vi.waitFor(() => expect(s.received).toEqual([{ text: 'back' }]));
  });

  it('seed 003: paused past the token’s lifetime, the cable dropped; the reconnect carries a fresh token', async () => {
    const s = await setup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const stale = s.current();
    s.session.pause();
    s.server.drop();
    s.clock.jump(40 * 60 * SECOND);
    s.session.resume();
    await vi.waitFor(() => expect(s.cable.state).toBe('disconnected'));
    void s.cable.connect().catch(() => undefined);
    await runUntil(s.clock, () => s.current() !== stale && s.subscribedNow(), SECOND);
    expect(s.ledger.seen.slice(1)).toEqual([{ token: s.current(), accepted: true }]);
    expect(s.endpoint.refreshCount).toBe(1);
  });
});
