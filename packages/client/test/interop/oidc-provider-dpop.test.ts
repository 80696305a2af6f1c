/**
 * The tokenkeeper client with DPoP against oidc-provider's DPoP (RFC 9449), with and without
 * server nonces: a code exchange bound to the session's key, userinfo with proofs, one refresh
 * for a storm, a stolen refresh token refused without revoking the grant, sign-out revocation.
 */
import {
  createSession,
  memoryStorage,
  oauth2Refresh,
  oauth2Revoke,
  type Session,
} from 'tokenkeeper';
import { dpopKey } from 'tokenkeeper/dpop';
import { createFetch } from 'tokenkeeper/fetch';
import { createVirtualClock } from 'tokenkeeper/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcome } from '../harness.js';
import { signInWithCode } from './support/code-login.js';
import { type OidcServer, PUBLIC_CLIENT_ID, startOidcServer } from './support/oidc-server.js';

for (const requireNonce of [false, true]) {
  describe(`oidc-provider DPoP${requireNonce ? ' with nonces' : ''}`, () => {
    let op: OidcServer;
    beforeAll(async () => {
      op = await startOidcServer({ dpop: { requireNonce } });
    });
    afterAll(async () => {
      await op.close();
    });

    async function signedIn() {
      const clock = createVirtualClock(Date.now());
      const tokenEndpoint = `${op.issuer}/token`;
      const session: Session = createSession({
        clock,
        storage: memoryStorage(),
        dpop: dpopKey(),
        refresh: oauth2Refresh({ tokenEndpoint, clientId: PUBLIC_CLIENT_ID }),
        revoke: oauth2Revoke({
          revocationEndpoint: `${op.issuer}/token/revocation`,
          clientId: PUBLIC_CLIENT_ID,
        }),
      });
      const tokens = await signInWithCode(op.issuer, { clientId: PUBLIC_CLIENT_ID }, (url, nonce) =>
        session.dpopProof({ method: 'POST', url, nonce }),
      );
      expect(tokens.token_type).toBe('DPoP');
      await session.signIn(tokens);
      const api = createFetch(session, { origins: [op.issuer] });
      return { clock, session, tokens, api };
    }

    it('userinfo with proofs; 20 requests after expiry cost one refresh grant, no failure', async () => {
      const { clock, session, api } = await signedIn();
      expect((await api(`${op.issuer}/me`)).status).toBe(200);
      const grantsBefore = op.log.grants.filter((g) => g === 'refresh_token').length;
      clock.jump(11_000); // past the provider's 10-second access tokens, on the client's clock
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async () => (await api(`${op.issuer}/me`)).status),
      );
      expect(statuses).toEqual(Array(20).fill(200));
      expect(op.log.grants.filter((g) => g === 'refresh_token').length - grantsBefore).toBe(1);
      expect(op.log.revokedGrants).toEqual([]);
      expect(op.log.serverErrors).toEqual([]);
      session.dispose();
    });

    it('a stolen refresh token without the key is refused, and the grant lives on', async () => {
      const { session, tokens, api } = await signedIn();
      const thief = await fetch(`${op.issuer}/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token ?? '',
          client_id: PUBLIC_CLIENT_ID,
        }),
      });
      expect(thief.status).toBe(400);
      await expect(session.refresh()).resolves.toBeTypeOf('string');
      expect((await api(`${op.issuer}/me`)).status).toBe(200);
      expect(op.log.revokedGrants).toEqual([]);
      session.dispose();
    });

    it('sign-out revokes the grant with a proof', async () => {
      const { session } = await signedIn();
      const before = op.liveGrantIds().length;
      const failures: unknown[] = [];
      session.subscribe((event) => event.type === 'revokeFailed' && failures.push(event));
      await session.signOut();
      expect(failures).toEqual([]);
      expect(op.liveGrantIds().length).toBe(before - 1);
      const after = await outcome(session.getAccessToken());
      expect(after.error).toMatchObject({ code: 'ERR_SIGNED_OUT' });
    });
  });
}
