import { createSession, TokenResponseError, type TokenResponseProblem } from 'tokenkeeper';
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';
import { describe, expect, it } from 'vitest';
import { MINUTE, outcome } from './harness.js';

const malformed: [string, unknown, TokenResponseProblem][] = [
  ['null', null, 'not_object'],
  ['an array', [{ access_token: 'abc' }], 'not_object'],
  ['a string', '<html>error</html>', 'not_object'],
  ['no access_token', { token_type: 'Bearer', expires_in: 3600 }, 'missing_access_token'],
  ['empty access_token', { access_token: '' }, 'missing_access_token'],
  ['numeric access_token', { access_token: 12345 }, 'invalid_access_token'],
  ['access_token with a newline', { access_token: 'abc\r\nX-Evil: 1' }, 'invalid_access_token'],
  ['access_token with a space', { access_token: 'abc def' }, 'invalid_access_token'],
  ['mac token_type', { access_token: 'abcdefgh', token_type: 'mac' }, 'invalid_token_type'],
  [
    'numeric refresh_token',
    { access_token: 'abcdefgh', refresh_token: 42 },
    'invalid_refresh_token',
  ],
  [
    'a refresh_token with a space',
    { access_token: 'abcdefgh', refresh_token: 'a b' },
    'invalid_refresh_token',
  ],
];

/**
 * Optional fields that providers send in their own ways, or broken: ignored, never fatal
 * (issue 14: an odd optional field must never end a session).
 */
const odd: [string, Record<string, unknown>, number | undefined][] = [
  ['negative expires_in', { expires_in: -5 }, undefined],
  ['zero expires_in', { expires_in: 0 }, undefined],
  ['absurd expires_in', { expires_in: 1e12 }, undefined],
  ['NaN expires_in', { expires_in: Number.NaN }, undefined],
  ['text expires_in', { expires_in: 'soon' }, undefined],
  ['object scope', { scope: { a: 1 }, expires_in: 600 }, 600_000],
  ['array scope and numeric id_token', { scope: ['a'], id_token: 7, expires_in: 600 }, 600_000],
  ["Keycloak's refresh_expires_in 0", { refresh_expires_in: 0, expires_in: 300 }, 300_000],
  [
    'provider extras',
    { expires_in: '3600', session_state: 'x', 'not-before-policy': 0, user: { id: 1 } },
    3_600_000,
  ],
];

describe('bad input (behaviour 9)', () => {
  for (const [name, input, problem] of malformed) {
    it(`signIn with ${name} rejects with TokenResponseError(${problem}) and changes nothing`, async () => {
      const clock = createVirtualClock();
      const server = createTokenEndpoint({ clock });
      const session = createSession({ clock, refresh: server.refresh });
      await session.signIn(server.login());
      const before = session.getSnapshot();
      const result = await outcome(session.signIn(input as never));
      expect(result.error).toBeInstanceOf(TokenResponseError);
      expect((result.error as TokenResponseError).code).toBe('ERR_INVALID_TOKEN_RESPONSE');
      expect((result.error as TokenResponseError).problem).toBe(problem);
      expect(session.getSnapshot()).toBe(before);
      await expect(session.getAccessToken()).resolves.toBeTypeOf('string');
    });

    it(`a refresh answering ${name} is a retryable failure; the session keeps its tokens`, async () => {
      const clock = createVirtualClock();
      const server = createTokenEndpoint({ clock });
      let answer = true;
      const session = createSession({
        clock,
        random: () => 0.5,
        refresh: async (ctx) => {
          if (!answer) return server.refresh(ctx);
          answer = false;
          return input as never;
        },
      });
      await session.signIn(server.login());
      clock.jump(16 * MINUTE);
      const failed = await outcome(session.getAccessToken());
      expect(failed.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', kind: 'invalid_response' });
      expect(session.getSnapshot().status).toBe('active');
      await clock.advance(2000);
      await expect(session.getAccessToken()).resolves.toBeTypeOf('string');
    });
  }

  for (const [name, extra, lifetime] of odd) {
    it(`signIn with ${name}: accepted, the odd field ignored`, async () => {
      const clock = createVirtualClock();
      const session = createSession({ clock });
      await session.signIn({ access_token: 'abcdefgh', refresh_token: 'r-123456', ...extra });
      const snapshot = session.getSnapshot();
      expect(snapshot.status).toBe('active');
      expect(snapshot.expiresAt).toBe(lifetime === undefined ? undefined : clock.now() + lifetime);
    });
  }

  it('keeps the rotated refresh token of an answer that is otherwise unusable', async () => {
    const clock = createVirtualClock();
    const seen: (string | undefined)[] = [];
    let call = 0;
    const session = createSession({
      clock,
      random: () => 0.5,
      refresh: async ({ refreshToken }) => {
        seen.push(refreshToken);
        call++;
        // The server rotated to r-2 but its answer has no usable access token.
        if (call === 1) return { access_token: '', refresh_token: 'r-2', expires_in: 600 };
        return { access_token: `a-${call}`, refresh_token: `r-${call + 1}`, expires_in: 600 };
      },
    });
    await session.signIn({ access_token: 'a-1', refresh_token: 'r-1', expires_in: 600 });
    clock.jump(11 * MINUTE);
    const failed = await outcome(session.getAccessToken());
    expect(failed.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', kind: 'invalid_response' });
    await clock.advance(2000);
    await expect(session.getAccessToken()).resolves.toBe('a-2');
    expect(seen).toEqual(['r-1', 'r-2']);
  });

  it('accepts numeric strings for expires_in and a lowercase token_type', async () => {
    const clock = createVirtualClock();
    const session = createSession({ clock });
    await session.signIn({ access_token: 'abcdefgh', expires_in: '600', token_type: 'bearer' });
    expect(session.getSnapshot().expiresAt).toBe(clock.now() + 600_000);
  });

  it('keeps the previous refresh token when a refresh response omits it (no rotation)', async () => {
    const clock = createVirtualClock();
    const server = createTokenEndpoint({ clock, rotate: false });
    const seen: (string | undefined)[] = [];
    const session = createSession({
      clock,
      refresh: (ctx) => {
        seen.push(ctx.refreshToken);
        return server.refresh(ctx);
      },
    });
    await session.signIn(server.login());
    await session.refresh();
    await session.refresh();
    expect(seen[0]).toBeTypeOf('string');
    expect(seen[1]).toBe(seen[0]);
  });

  it('rejects invalid options with a ConfigError', () => {
    expect(() => createSession({ refreshTimeout: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
    expect(() => createSession({ idleTimeout: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
    expect(() => createSession({ refresh: 'x' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
    expect(() => createSession({ retry: { baseDelay: -1 } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });
});
