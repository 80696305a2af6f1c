import { createFetch } from 'tokenkeeper/fetch';
import { describe, expect, it } from 'vitest';
import { harness, MINUTE } from '../harness.js';

// Seed 001: five parallel 401s fired five refreshes and rotation logged the user out.
describe('401 storm (behaviour 3, seed 001)', () => {
  it('50 concurrent requests rejected for the same token: one refresh, 50 retries, all succeed', async () => {
    const { server, session, api } = harness();
    await session.signIn(server.login());
    server.rejectAccessTokens(); // the server no longer accepts the token the client holds
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api(`https://auth.test/item/${i}`)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(server.refreshCount).toBe(1);
    const statuses = server.resourceCalls.map((c) => c.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(50);
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
  });

  it('the same storm when the client cannot know the expiry (opaque token, no expires_in)', async () => {
    const { clock, server, session, api } = harness({ server: { sendExpiresIn: false } });
    await session.signIn(server.login());
    await clock.advance(16 * MINUTE);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => api('https://auth.test/x')),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(server.refreshCount).toBe(1);
    expect(server.resourceCalls).toHaveLength(100);
  });

  it('a 401 for a token older than the current one triggers no refresh', async () => {
    const { server, session } = harness();
    await session.signIn(server.login());
    const old = await session.getAccessToken();
    const current = await session.refresh();
    expect(server.refreshCount).toBe(1);
    await expect(session.handleUnauthorized(old)).resolves.toBe(current);
    await expect(session.handleUnauthorized('garbage-token-value')).resolves.toBe(current);
    expect(server.refreshCount).toBe(1);
  });

  it('late 401s arriving after the refresh finished are retried with the new token', async () => {
    const { server, session } = harness();
    await session.signIn(server.login());
    const used = await session.getAccessToken();
    server.rejectAccessTokens();
    const first = await session.handleUnauthorized(used);
    const late = await Promise.all(
      Array.from({ length: 10 }, () => session.handleUnauthorized(used)),
    );
    expect(late.every((token) => token === first)).toBe(true);
    expect(server.refreshCount).toBe(1);
  });

  it('a retried request that meets a second 401 is not retried again', async () => {
    const { server, session } = harness();
    await session.signIn(server.login());
    let calls = 0;
    const alwaysUnauthorized = createFetch(session, {
      origins: ['https://auth.test'],
      fetch: async () => {
        calls++;
        return new Response(null, { status: 401 });
      },
    });
    const res = await alwaysUnauthorized('https://auth.test/x');
    expect(res.status).toBe(401);
    expect(calls).toBe(2);
    expect(server.refreshCount).toBe(1);
  });
});
