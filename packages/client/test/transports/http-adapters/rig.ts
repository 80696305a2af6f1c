/**
 * One test's session: a virtual clock, the scripted token endpoint of `tokenkeeper/testing`
 * (whose `isValid` the API server consults), and a session refreshing through it.
 */
import { createSession, type SessionOptions } from 'tokenkeeper';
import {
  createTokenEndpoint,
  createVirtualClock,
  type TokenEndpointOptions,
} from 'tokenkeeper/testing';
import type { ApiServer } from './api-server.js';

export function createRig(
  server: ApiServer,
  options: Partial<SessionOptions> = {},
  endpointOptions: Partial<TokenEndpointOptions> = {},
) {
  const clock = createVirtualClock();
  const endpoint = createTokenEndpoint({ clock, ...endpointOptions });
  server.isValid = (token) => endpoint.isValid(token);
  const session = createSession({ clock, refresh: endpoint.refresh, ...options });
  return {
    clock,
    endpoint,
    session,
    /** Signs in and resolves to the first access token. */
    async signIn(): Promise<string> {
      await session.signIn(endpoint.login());
      return session.getAccessToken();
    },
  };
}

/** The Authorization headers the server saw, in order. */
export function authorizations(server: ApiServer): (string | undefined)[] {
  return server.seen.map((s) => s.authorization);
}
