/** What the socket adapter tests share: loopback servers, a signed-in session, virtual time. */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSession, fingerprint, type SessionOptions } from 'tokenkeeper';
import { createTokenEndpoint, createVirtualClock, type VirtualClock } from 'tokenkeeper/testing';
import { afterEach } from 'vitest';

export const SECOND = 1000;

/** Runs the registered cleanups after each test, last registered first. */
export function cleanupAfterEach(): (cleanup: () => unknown) => void {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => cleanups.push(cleanup);
}

/** Listens on a free loopback port; returns `host:port`. */
export async function listen(server: Server, defer: (cleanup: () => unknown) => void) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  defer(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A session on a virtual clock with a scripted token endpoint (15-minute access tokens). */
export function sessionWithEndpoint(
  defer: (cleanup: () => unknown) => void,
  options: Partial<SessionOptions> & { accessTokenTtl?: number } = {},
) {
  const clock = createVirtualClock();
  const endpoint = createTokenEndpoint({ clock, accessTokenTtl: options.accessTokenTtl });
  const session = createSession({
    clock,
    refresh: endpoint.refresh,
    random: () => 0.5,
    ...options,
  });
  defer(() => session.dispose());
  return { clock, endpoint, session };
}

/** Advances virtual time in steps while real I/O happens, until `done()` or the steps run out. */
export async function runUntil(clock: VirtualClock, done: () => boolean, step = 5 * SECOND) {
  for (let i = 0; i < 40 && !done(); i++) {
    await clock.advance(step);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * What a server decided about each token it was shown, by fingerprint, in order; and the set
 * of tokens it refuses (revoked, signed with a retired key...).
 */
export function tokenLedger() {
  const refused = new Set<string>();
  let refuseAll = false;
  const seen: { token: string; accepted: boolean }[] = [];
  return {
    seen,
    /** From now on the server refuses the token with this fingerprint. */
    refuse(print: string) {
      refused.add(print);
    },
    /** From now on the server refuses every token. */
    refuseAll() {
      refuseAll = true;
    },
    /** Records the token and returns whether the server accepts it. */
    check(token: string): boolean {
      const print = fingerprint(token);
      const accepted = token !== '' && !refuseAll && !refused.has(print);
      seen.push({ token: print, accepted });
      return accepted;
    },
    accepted: (print: string | undefined) => seen.some((s) => s.accepted && s.token === print),
  };
}
