import {
  createSession,
  RefreshFailedError,
  RefreshRejectedError,
  type SessionEvent,
  TokenResponseError,
} from 'tokenkeeper';
import { describe, expect, it } from 'vitest';
import { harness, MINUTE, outcome, SECOND } from './harness.js';

/** Flattens anything (errors with causes and stacks included) into searchable text. */
function dump(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return String(value);
  if (seen.has(value)) return '';
  seen.add(value);
  if (value instanceof Error) {
    return [
      value.name,
      value.message,
      value.stack,
      dump((value as { cause?: unknown }).cause, seen),
      dump({ ...value }, seen),
    ].join('\n');
  }
  return Object.entries(value)
    .map(([key, item]) => `${key}=${dump(item, seen)}`)
    .join('\n');
}

describe('redaction (behaviour 8)', () => {
  it('no token text appears in any log line, error, event or snapshot across the scenarios', async () => {
    const captured: unknown[] = [];
    const secrets: string[] = [];
    const run = async (
      scenario: (h: ReturnType<typeof harness>) => Promise<void>,
      extra?: Parameters<typeof harness>[0],
    ) => {
      const h = harness(extra);
      h.session.subscribe((event: SessionEvent) => captured.push(event, h.session.getSnapshot()));
      await scenario(h);
      captured.push(h.logs, h.session.getSnapshot());
      secrets.push(...h.server.secrets());
    };
    const attempt = async (promise: Promise<unknown>) =>
      captured.push((await outcome(promise)).error);

    await run(async ({ server, session, api }) => {
      await session.signIn(server.login());
      server.rejectAccessTokens();
      await Promise.all(Array.from({ length: 10 }, () => attempt(api('https://auth.test/x'))));
      await session.signOut();
      await attempt(session.getAccessToken());
    });
    for (const script of [
      'invalid_grant',
      'unauthorized',
      'network',
      'hang',
      'malformed',
      { status: 503, retryAfter: 5 },
    ] as const) {
      await run(async ({ clock, server, session, api }) => {
        await session.signIn(server.login());
        clock.jump(16 * MINUTE);
        server.script(script);
        const pending = attempt(api('https://auth.test/x'));
        await clock.advance(11 * SECOND);
        await pending;
        await attempt(session.handleUnauthorized(server.secrets()[0]!));
      });
    }
    await run(
      async ({ clock, server, session, api }) => {
        await session.signIn(server.login());
        await api('https://auth.test/x');
        session.pause();
        await clock.advance(10 * MINUTE);
        session.resume();
        await clock.advance(20 * MINUTE);
        await attempt(api('https://auth.test/x'));
      },
      { session: { idleTimeout: 15 * MINUTE }, server: { sendExpiresIn: false } },
    );
    // A refresh that answers a valid-looking token inside a malformed response.
    const leaky = 'leaky-token-value-1234567890';
    secrets.push(leaky);
    await run(
      async ({ clock, server, session }) => {
        await session.signIn(server.login());
        clock.jump(16 * MINUTE);
        await attempt(session.getAccessToken());
      },
      { session: { refresh: async () => ({ access_token: leaky, expires_in: -1 }) } },
    );
    // Bad sign-in input carrying token text.
    const bad = createSession();
    await attempt(bad.signIn({ access_token: `${leaky} with spaces` } as never));

    const text = dump(captured);
    expect(captured.length).toBeGreaterThan(100);
    expect(text).toContain('tk_'); // fingerprints are there instead
    for (const secret of secrets)
      expect(text.includes(secret), `leaked ${secret.slice(0, 6)}…`).toBe(false);
  });

  it('the logger wrapper replaces current token text that a message or field would carry', async () => {
    const { server, session, logs } = harness();
    await session.signIn(server.login());
    const token = await session.getAccessToken();
    // Errors thrown by a user's refresh function may embed the token (e.g. an axios config dump).
    const h = harness({
      session: {
        refresh: async () => {
          throw new Error(`request failed: Authorization: Bearer ${token}`);
        },
      },
    });
    const events: unknown[] = [];
    h.session.subscribe((event) => events.push(event));
    await h.session.signIn({
      access_token: token,
      expires_in: 60,
      refresh_token: 'refresh-secret-abcdef',
    });
    h.clock.jump(2 * MINUTE);
    const failed = await outcome(h.session.getAccessToken());
    expect(failed.error).toMatchObject({ code: 'ERR_REFRESH_FAILED' });
    expect(events.some((e) => (e as { type: string }).type === 'refreshFailed')).toBe(true);
    expect(dump([events, failed.error])).toContain('request failed: Authorization: Bearer tk_');
    expect(dump([events, failed.error])).not.toContain(token);
    expect(dump(h.logs)).not.toContain(token);
    expect(dump(logs)).not.toContain(token);
  });
});

describe('errors thrown by user code are never kept as they are', () => {
  it('an HTTP client error carrying the refresh token in its request config reaches no event or caller', async () => {
    const refreshToken = 'rt-secret-value-0123456789/+=';
    const axiosLike = () =>
      Object.assign(new Error('Request failed with status code 503'), {
        name: 'AxiosError',
        config: {
          data: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`,
        },
        response: { status: 503, data: '<html>busy</html>' },
        request: { body: `refresh_token=${refreshToken}` },
      });
    const h = harness({
      session: {
        refresh: async () => {
          throw axiosLike();
        },
      },
    });
    const events: unknown[] = [];
    h.session.subscribe((event) => events.push(event));
    await h.session.signIn({
      access_token: 'access-token-abcdef',
      expires_in: 60,
      refresh_token: refreshToken,
    });
    h.clock.jump(2 * MINUTE);
    const failed = await outcome(h.session.getAccessToken());
    expect(failed.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', kind: 'server', status: 503 });
    const everything = dump([events, failed.error, h.logs, (failed.error as Error).cause]);
    expect(everything).toContain('Request failed with status code 503'); // still useful to debug
    expect(everything).not.toContain(refreshToken);
    expect(everything).not.toContain(encodeURIComponent(refreshToken));
  });

  it('our own error types, built by a refresh function with the token in their text, are redacted too', async () => {
    const refreshToken = 'rt-own-error-secret-0123456789';
    for (const thrown of [
      () => new RefreshFailedError('network', `could not refresh ${refreshToken}`),
      () => new RefreshRejectedError(`bad ${refreshToken}`),
      () => new TokenResponseError('missing_access_token', `no token beside ${refreshToken}`),
    ]) {
      const h = harness({
        session: {
          refresh: async () => {
            throw thrown();
          },
        },
      });
      const events: unknown[] = [];
      h.session.subscribe((event) => events.push(event, h.session.getSnapshot()));
      await h.session.signIn({
        access_token: 'access-token-abcdef',
        expires_in: 60,
        refresh_token: refreshToken,
      });
      h.clock.jump(2 * MINUTE);
      const failed = await outcome(h.session.getAccessToken());
      expect(failed.error).toBeDefined();
      const everything = dump([events, failed.error, h.logs, h.session.getSnapshot()]);
      expect(everything).not.toContain(refreshToken);
      h.session.dispose();
    }
  });
});

describe('a malformed refresh answer', () => {
  it('reaches the caller as a retryable RefreshFailedError whose cause is the TokenResponseError', async () => {
    const h = harness({
      session: { refresh: async () => ({ access_token: 'x y', expires_in: 60 }) },
    });
    await h.session.signIn({ access_token: 'a', expires_in: 60, refresh_token: 'r' });
    h.clock.jump(2 * MINUTE);
    const failed = await outcome(h.session.getAccessToken());
    expect(failed.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', kind: 'invalid_response' });
    const cause = (failed.error as Error).cause;
    expect(cause).toBeInstanceOf(TokenResponseError);
    expect(cause).toMatchObject({ code: 'ERR_INVALID_TOKEN_RESPONSE' });
    expect((cause as TokenResponseError).problem).toBeTypeOf('string');
    expect(h.session.getSnapshot().status).toBe('active'); // not corrupted: still signed in
  });
});
