/**
 * tokenkeeper with its fetch adapter, configured as its README shows: `oauth2Refresh` against
 * the token endpoint (with plain fetch, never the wrapped one), `createFetch` limited to the API
 * origin. Default refresh policy.
 */
import { createSession, oauth2Refresh, type Session } from 'tokenkeeper';
import { createFetch } from 'tokenkeeper/fetch';
import type { Contender, ContenderSetup } from './contender.js';

/** The session both tokenkeeper contenders use, signed in with the setup's login response. */
export async function signedInSession(setup: ContenderSetup): Promise<Session> {
  const session = createSession({
    refresh: oauth2Refresh({
      tokenEndpoint: setup.tokenEndpoint,
      ...(setup.fetch ? { fetch: setup.fetch } : {}),
    }),
    ...(setup.clock ? { clock: setup.clock } : {}),
  });
  await session.signIn(setup.tokens);
  return session;
}

export async function tokenkeeperFetch(setup: ContenderSetup): Promise<Contender> {
  const session = await signedInSession(setup);
  const api = createFetch(session, {
    origins: [setup.apiOrigin],
    ...(setup.fetch ? { fetch: setup.fetch } : {}),
  });
  return {
    async get(url) {
      try {
        const response = await api(url);
        await response.arrayBuffer();
        return response.status;
      } catch {
        return 0;
      }
    },
    dispose: () => session.dispose(),
  };
}
