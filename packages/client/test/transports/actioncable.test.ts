/**
 * Issue 14.4: `tokenkeeper/actioncable` with the real `@rails/actioncable` client against a
 * loopback server that speaks the ActionCable protocol (cable-server.ts), including seed 003's
 * background case. ActionCable's own timers (its monitor, its subscription guarantor) run on
 * real time; tokenkeeper's run on the virtual clock.
 */
import * as ActionCable from '@rails/actioncable';
import { fingerprint, SignedOutError } from 'tokenkeeper';
import { createAuthCable } from 'tokenkeeper/actioncable';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
const MINUTE = 60 * SECOND;
const CHAT = JSON.stringify({ channel: 'ChatChannel', room: 'lobby' });

beforeAll(() => {
  // What a Node app gives ActionCable: a WebSocket, and the globals its monitor listens on.
  ActionCable.adapters.WebSocket = WebSocket as unknown as typeof ActionCable.adapters.WebSocket;
  vi.stubGlobal('addEventListener', () => {});
  vi.stubGlobal('removeEventListener', () => {});
});
afterAll(() => vi.unstubAllGlobals());

/** A signed-in session, a cable server and an authenticated consumer subscribed to the chat. */
async function cableSetup(options: { refuseFirst?: boolean; rejectChannels?: string[] } = {}) {
  const setup = sessionWithEndpoint(defer);
  const tokens = setup.endpoint.login();
  await setup.session.signIn(tokens);
  const ledger = tokenLedger();
  if (options.refuseFirst) ledger.refuse(fingerprint(tokens.access_token));
  const server = await startCableServer(defer, { ledger, rejectChannels: options.rejectChannels });
  const cable = createAuthCable(setup.session, ActionCable, {
    url: server.url,
    clock: setup.clock,
    random: () => 0.5,
  });
  defer(() => cable.close());
  const chat = {
    received: [] as unknown[],
    connected: [] as unknown[],
    disconnected: [] as unknown[],
  };
  cable.consumer.subscriptions.create(
    { channel: 'ChatChannel', room: 'lobby' },
    {
      received: (message: unknown) => chat.received.push(message),
      connected: (info: unknown) => chat.connected.push(info),
      disconnected: (info: unknown) => chat.disconnected.push(info),
    },
  );
  const current = () => setup.session.getSnapshot().fingerprint!;
  /** The server holds a connection on the current token with the chat subscribed. */
  const subscribedNow = () =>
    server.connections.some((c) => c.token === current() && c.identifiers.has(CHAT));
  return { ...setup, ledger, server, cable, chat, current, subscribedNow };
}

describe('tokenkeeper/actioncable', () => {
  it('connects with the live token in the URL; the consumer’s own URL carries none', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    expect(s.ledger.seen).toEqual([{ token: s.current(), accepted: true }]);
    expect(s.cable.consumer.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/cable#/);
    expect(s.cable.consumer.url).not.toContain('access_token');
    expect(s.server.urls[0]?.hash).toBe('');
    expect(s.server.broadcast(CHAT, { text: 'hi' })).toBe(1);
    await vi.waitFor(() => expect(s.chat.received).toEqual([{ text: 'hi' }]));
  });

  it('a Rails refusal costs exactly one refresh and a reconnect, and the subscription resumes', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const a = s.current();
    await s.clock.advance(MINUTE);
    s.ledger.refuse(a); // revoked at the server...
    s.server.disconnect(a, 'unauthorized', false); // ...which drops the cable as Rails does
    await runUntil(s.clock, () => s.current() !== a && s.subscribedNow(), SECOND);
    expect(s.endpoint.refreshCount).toBe(1);
    expect(s.ledger.seen).toEqual([
      { token: a, accepted: true },
      { token: s.current(), accepted: true },
    ]);
    expect(s.server.subscribes.map((x) => x.token)).toEqual([a, s.current()]);
    expect(s.chat.connected).toHaveLength(2);
    s.server.broadcast(CHAT, { text: 'back' });
    await vi.waitFor(() => expect(s.chat.received).toEqual([{ text: 'back' }]));
  });

  it('a server that refuses every token costs one refresh, then backs off instead of looping', async () => {
    const s = await cableSetup();
    s.ledger.refuseAll();
    await runUntil(s.clock, () => s.ledger.seen.length >= 5);
    expect(s.ledger.seen.length).toBeGreaterThanOrEqual(5);
    expect(s.endpoint.refreshCount).toBe(1);
  });

  it('a token accepted and refused later costs one refresh again (issue 12.1)', async () => {
    const s = await cableSetup({ refuseFirst: true });
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const b = s.current();
    expect(s.endpoint.refreshCount).toBe(1);
    s.ledger.refuse(b);
    s.server.disconnect(b, 'unauthorized', false);
    await runUntil(s.clock, () => s.current() !== b && s.subscribedNow(), SECOND);
    expect(s.endpoint.refreshCount).toBe(2);
    expect(s.ledger.seen.map((x) => x.accepted)).toEqual([false, true, true]);
  });

  it('a rejected subscription is not a refused token: no refresh, the cable stays', async () => {
    const s = await cableSetup({ rejectChannels: ['AdminChannel'] });
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const rejected = vi.fn();
    s.cable.consumer.subscriptions.create('AdminChannel', { rejected });
    await vi.waitFor(() => expect(rejected).toHaveBeenCalledTimes(1));
    await s.clock.advance(10 * SECOND);
    expect(s.endpoint.refreshCount).toBe(0);
    expect(s.ledger.seen).toHaveLength(1);
    expect(s.subscribedNow()).toBe(true);
  });

  it('a server restart (`disconnect`, reconnect: true) reconnects without a refresh; a remote kick with reconnect: false is respected', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const a = s.current();
    s.server.disconnect(a, 'server_restart', true);
    await runUntil(s.clock, () => s.ledger.seen.length === 2 && s.subscribedNow(), SECOND);
    expect(s.ledger.seen).toEqual([
      { token: a, accepted: true },
      { token: a, accepted: true },
    ]);
    s.server.disconnect(a, 'remote', false); // an admin closed this user's cable
    await vi.waitFor(() => expect(s.server.connections).toHaveLength(0));
    await runUntil(s.clock, () => false, 10 * SECOND);
    expect(s.ledger.seen).toHaveLength(2);
    expect(s.endpoint.refreshCount).toBe(0);
  });

  it('after every refresh the cable reconnects, so the server holds the current token', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const a = s.current();
    // The open cable holds the session: the refresh runs ahead of expiry, the cable follows.
    await runUntil(s.clock, () => s.current() !== a && s.subscribedNow(), MINUTE);
    expect(s.endpoint.refreshCount).toBe(1);
    expect(s.server.connections.map((c) => c.token)).toEqual([s.current()]);
  });

  it('a refresh that lands while the socket opens: the cable notices and reconnects with the new token', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const a = s.current();
    const release = s.server.hold();
    s.server.drop(); // the next connect will meet a refresh halfway
    await runUntil(s.clock, () => s.server.held() === 1, SECOND / 4);
    await s.session.refresh(); // the socket is opening with A; now the session moves on
    release();
    await runUntil(s.clock, () => s.current() !== a && s.subscribedNow(), SECOND);
    expect(s.server.connections.map((c) => c.token)).toEqual([s.current()]);
    expect(s.ledger.seen.map((x) => x.token)).toEqual([a, a, s.current()]); // A, stale A, B
  });

  it('seed 003: paused past the token’s lifetime, the cable dropped; on resume it reconnects with a fresh token, never the stale one', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const stale = s.current();
    const seenBefore = s.ledger.seen.length;
    s.session.pause(); // the app goes to the background
    s.server.drop(); // the OS kills the socket meanwhile
    s.clock.jump(40 * MINUTE); // asleep, no timer fires; the 15-minute token ran out long ago
    s.session.resume();
    await runUntil(s.clock, () => s.current() !== stale && s.subscribedNow(), SECOND);
    const after = s.ledger.seen.slice(seenBefore);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((x) => x.token !== stale)).toBe(true);
    expect(after).toEqual([{ token: s.current(), accepted: true }]);
    expect(s.endpoint.refreshCount).toBe(1);
    expect(s.server.subscribes.at(-1)?.token).toBe(s.current());
  });

  it('seed 003: paused with the cable open; the server refuses the expired token on resume: one refresh, fresh token', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    const stale = s.current();
    const seenBefore = s.ledger.seen.length;
    s.session.pause();
    s.clock.jump(40 * MINUTE);
    s.ledger.refuse(stale); // expired: the server refuses it from now on...
    s.server.disconnect(stale, 'unauthorized', false); // ...and drops the cable on its own check
    s.session.resume(); // the session refreshes on resume as well: still one refresh in all
    await runUntil(s.clock, () => s.current() !== stale && s.subscribedNow(), SECOND);
    expect(s.endpoint.refreshCount).toBe(1);
    expect(s.ledger.seen.slice(seenBefore)).toEqual([{ token: s.current(), accepted: true }]);
  });

  it('the session ending disconnects for good; after a new sign-in consumer.connect() comes back', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    await s.session.signOut();
    await vi.waitFor(() => expect(s.server.connections).toHaveLength(0));
    expect(s.chat.disconnected.at(-1)).toEqual({ willAttemptReconnect: false });
    const seen = s.ledger.seen.length;
    await runUntil(s.clock, () => false, 10 * SECOND); // nothing reconnects
    expect(s.ledger.seen).toHaveLength(seen);
    // A subscription created while signed out does not knock without a token.
    s.cable.consumer.subscriptions.create('NotesChannel', {});
    await runUntil(s.clock, () => false, SECOND);
    expect(s.ledger.seen).toHaveLength(seen);

    await s.session.signIn(s.endpoint.login());
    s.cable.consumer.connect();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    expect(s.ledger.seen.at(-1)).toEqual({ token: s.current(), accepted: true });
  });

  it('close() disconnects for good and stops following the session', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    s.cable.close();
    await vi.waitFor(() => expect(s.server.connections).toHaveLength(0));
    await s.session.refresh();
    await runUntil(s.clock, () => false, 10 * SECOND);
    expect(s.ledger.seen).toHaveLength(1);
  });

  it('a consumer the adapter did not make keeps ActionCable’s WebSocket and its own URL, even one set later', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    // The app sets ActionCable's WebSocket after the cable was made (replacing the router)...
    ActionCable.adapters.WebSocket = WebSocket as unknown as typeof ActionCable.adapters.WebSocket;
    const a = s.current();
    s.server.drop();
    // ...and the cable's next connect still carries the live token.
    await runUntil(s.clock, () => s.ledger.seen.length === 2 && s.subscribedNow(), SECOND);
    expect(s.ledger.seen).toEqual([
      { token: a, accepted: true },
      { token: a, accepted: true },
    ]);
    const plain = ActionCable.createConsumer(`${s.server.url}?access_token=app-managed`);
    defer(() => plain.disconnect());
    plain.connect();
    await vi.waitFor(() =>
      expect(s.ledger.seen.at(-1)).toEqual({ token: fingerprint('app-managed'), accepted: true }),
    );
  });

  it('a session that ended before the cable was made: no socket, and the error is the session’s', async () => {
    const s = await cableSetup();
    await runUntil(s.clock, s.subscribedNow, SECOND);
    await s.session.signOut();
    const late = createAuthCable(s.session, ActionCable, { url: s.server.url, clock: s.clock });
    defer(() => late.close());
    const seen = s.ledger.seen.length;
    late.consumer.connect();
    await runUntil(s.clock, () => false, SECOND);
    expect(s.ledger.seen).toHaveLength(seen);
    await expect(s.session.getAccessToken()).rejects.toBeInstanceOf(SignedOutError);
  });
});
