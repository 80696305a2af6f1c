import { createSession } from 'tokenkeeper';
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';
import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND } from '../harness.js';

describe('clock skew (behaviour 7)', () => {
  const cases = [
    { name: 'device 10 minutes fast', offset: -10 * MINUTE },
    { name: 'device 10 minutes slow', offset: 10 * MINUTE },
  ];
  for (const { name, offset } of cases) {
    for (const sendExpiresIn of [true, false]) {
      it(`${name}, JWT ${sendExpiresIn ? 'with' : 'without'} expires_in: refreshes 27 s before real expiry`, async () => {
        const clock = createVirtualClock();
        const server = createTokenEndpoint({
          clock,
          jwt: true,
          serverClockOffset: offset,
          sendExpiresIn,
        });
        const session = createSession({ clock, refresh: server.refresh });
        await session.signIn(server.login());
        const token = await session.getAccessToken();
        const start = clock.now();
        session.retain();
        const refreshedAt: number[] = [];
        session.subscribe((e) => e.type === 'refreshed' && refreshedAt.push(clock.now()));
        await clock.advance(16 * MINUTE);
        // JWT exp has whole-second precision, so allow one second.
        expect(refreshedAt[0]! - start).toBeGreaterThanOrEqual(15 * MINUTE - 28 * SECOND);
        expect(refreshedAt[0]! - start).toBeLessThanOrEqual(15 * MINUTE - 26 * SECOND);
        expect(server.isValid(token)).toBe(false);
        expect(server.isValid(await session.getAccessToken())).toBe(true);
      });
    }
  }

  it('a server-time hint places a bare JWT exp on the device clock', async () => {
    const clock = createVirtualClock();
    const session = createSession({
      clock,
      refresh: async () => ({ access_token: 'x'.repeat(20) }),
    });
    const serverNow = clock.now() + 10 * MINUTE; // the device is 10 minutes slow
    const payload = btoa(JSON.stringify({ exp: Math.floor((serverNow + 15 * MINUTE) / 1000) }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    await session.signIn({ accessToken: `eyJhbGciOiJub25lIn0.${payload}.`, serverTime: serverNow });
    const expiresAt = session.getSnapshot().expiresAt!;
    expect(Math.abs(expiresAt - (clock.now() + 15 * MINUTE))).toBeLessThan(SECOND);
  });
});
