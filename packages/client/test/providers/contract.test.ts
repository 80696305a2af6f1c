/**
 * Recorded responses of the servers users already run (Keycloak, Auth0, Okta, Cognito, Google,
 * Firebase, Supabase, Hydra, Microsoft, oidc-provider, @node-oauth/oauth2-server), as each
 * documents them (sources in recorded.json), replayed by a token endpoint on 127.0.0.1:
 * - `signIn` accepts every sign-in answer;
 * - a refresh with each refresh answer keeps the old refresh token when the answer has none
 *   (Cognito, Google, a non-rotating Auth0) and replaces it when the server rotated;
 * - every error ends the session or is retried exactly as RFC 6749 and the provider mean it.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSession,
  isRetryableError,
  isSessionExpiredError,
  oauth2Refresh,
  processTokenResponse,
  type RefreshFunction,
  type TokenInput,
} from 'tokenkeeper';
import { createVirtualClock } from 'tokenkeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcome } from '../harness.js';
import recorded from './recorded.json' with { type: 'json' };

interface Recorded {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
  semantics?: 'end' | 'retry' | 'config' | 'interaction';
}
interface Provider {
  signIn?: Recorded[];
  refresh?: Recorded[];
  errors?: Recorded[];
}
const providers = recorded.providers as unknown as Record<string, Provider>;

/** A token endpoint that answers whatever the test sets next, and records what it was sent. */
let server: Server;
let endpoint: string;
let next: Recorded | undefined;
const sent: { refreshToken: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const parsed = req.headers['content-type']?.includes('json')
      ? (JSON.parse(body) as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(body));
    sent.push({ refreshToken: parsed.refresh_token, body });
    const answer = next;
    if (!answer) {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/**
 * How an app wires each provider (the README's examples): Firebase signs in through
 * identitytoolkit (camelCase, the ID token is what the app sends) and refreshes at the secure
 * token API; Supabase takes the refresh token as JSON; everyone else is a standard endpoint.
 */
function signInInput(name: string, body: Record<string, unknown>): TokenInput {
  if (name === 'firebase' && typeof body.idToken === 'string') {
    return {
      accessToken: body.idToken,
      refreshToken: body.refreshToken as string,
      expiresIn: Number(body.expiresIn),
    };
  }
  return body as unknown as TokenInput;
}
function refreshFor(name: string): RefreshFunction {
  if (name === 'supabase') {
    return async ({ refreshToken, signal }) =>
      processTokenResponse(
        await fetch(`${endpoint}?grant_type=refresh_token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', apikey: 'anon-key' },
          body: JSON.stringify({ refresh_token: refreshToken }),
          signal,
        }),
      );
  }
  return oauth2Refresh({ tokenEndpoint: endpoint, clientId: 'app' });
}

/** A minimal sign-in answer for providers whose recordings have only refresh answers. */
const fallbackSignIn: Recorded = {
  id: 'generic.signin',
  status: 200,
  body: { access_token: 'at-signin-0001', refresh_token: 'rt-signin-0001', expires_in: 300 },
};

function startSession(name: string) {
  const clock = createVirtualClock();
  const session = createSession({ clock, refresh: refreshFor(name), random: () => 0.5 });
  return { clock, session };
}

const HOUR = 3_600_000;

for (const [name, provider] of Object.entries(providers)) {
  const signIns = provider.signIn?.length ? provider.signIn : [fallbackSignIn];
  describe(`${name}: recorded responses`, () => {
    for (const signIn of signIns) {
      it(`signIn accepts ${signIn.id}`, async () => {
        const { clock, session } = startSession(name);
        await session.signIn(signInInput(name, signIn.body));
        const snapshot = session.getSnapshot();
        expect(snapshot.status).toBe('active');
        const expiresIn = Number(signIn.body.expires_in ?? signIn.body.expiresIn);
        if (Number.isFinite(expiresIn) && expiresIn > 0) {
          expect(snapshot.expiresAt).toBe(clock.now() + expiresIn * 1000);
        } else {
          // No expires_in: the JWT's exp (or nothing for an opaque token) says when.
          expect(snapshot.expiresAt === undefined || snapshot.expiresAt > clock.now()).toBe(true);
        }
        session.dispose();
      });
    }

    for (const refresh of provider.refresh ?? []) {
      it(`a refresh answered with ${refresh.id} keeps or replaces the refresh token correctly`, async () => {
        const signIn = signIns[0]!;
        const { clock, session } = startSession(name);
        const input = signInInput(name, signIn.body) as unknown as Record<string, unknown>;
        const signInRefresh = (input.refresh_token ?? input.refreshToken) as string;
        await session.signIn(input as unknown as TokenInput);
        sent.length = 0;
        next = refresh;
        await expect(session.refresh()).resolves.toBe(refresh.body.access_token);
        clock.jump(60_000);
        await session.refresh();
        const rotated = typeof refresh.body.refresh_token === 'string';
        expect(sent.map((s) => s.refreshToken)).toEqual([
          signInRefresh,
          rotated ? refresh.body.refresh_token : signInRefresh,
        ]);
        expect(session.getSnapshot().status).toBe('active');
        session.dispose();
      });
    }

    for (const error of provider.errors ?? []) {
      const ends = error.semantics !== 'retry';
      it(`${error.id} (${error.status}, ${error.semantics}) ${ends ? 'ends the session' : 'keeps the session and retries'}`, async () => {
        const signIn = signIns[0]!;
        const { clock, session } = startSession(name);
        await session.signIn(signInInput(name, signIn.body));
        const expired: unknown[] = [];
        session.subscribe((event) => event.type === 'expired' && expired.push(event.reason));
        next = error;
        sent.length = 0;
        const result = await outcome(session.refresh());
        expect(sent).toHaveLength(1); // the server was asked: nothing was decided locally
        if (ends) {
          expect(isSessionExpiredError(result.error)).toBe(true);
          expect(session.getSnapshot().status).toBe('expired');
          expect(expired).toHaveLength(1);
        } else {
          expect(isRetryableError(result.error)).toBe(true);
          expect(session.getSnapshot().status).toBe('active');
          // The same refresh token is tried again after the backoff, and then it works.
          next = {
            id: 'ok',
            status: 200,
            body: { access_token: 'at-after-retry', expires_in: 300 },
          };
          await clock.advance(HOUR);
          await expect(session.refresh()).resolves.toBe('at-after-retry');
          expect(sent[1]?.refreshToken).toBe(sent[0]?.refreshToken);
        }
        session.dispose();
      });
    }
  });
}
