// Revocation through an access token (RFC 7009): only the token's signature and claims decide
// which family to revoke; the session is not consulted, so it is neither extended (sliding) nor
// required to still exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createManualClock,
  createStore,
  createTokenServer,
  type Database,
  openEmbeddedDatabase,
  type Store,
  silentLogger,
  type TokenServerOptions,
} from '../src/index.js';
import { decodeRefreshToken } from '../src/service/tokens/refresh-token.js';
import { testService } from './support.js';

let db: Database;
let store: Store;

beforeAll(async () => {
  db = await openEmbeddedDatabase();
  store = await createStore(db);
});

afterAll(async () => {
  await store?.close();
});

async function start(options: Partial<TokenServerOptions> = {}) {
  const clock = createManualClock();
  const server = await createTokenServer({
    store,
    clock,
    ...testService,
    logger: silentLogger,
    ...options,
  });
  const name = `user-${Math.random().toString(36).slice(2)}`;
  await server.service.users.add(name, 'password-1');
  const tokens = await server.service.login({ username: name, password: 'password-1' });
  const familyId = decodeRefreshToken(tokens.refresh_token)?.familyId ?? '';
  const revoke = (token: string) =>
    server.fetch(
      new Request('http://local/oauth/revoke', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      }),
    );
  return { clock, server, tokens, familyId, revoke };
}

describe('POST /oauth/revoke with an access token', () => {
  it('answers 200 when the family no longer exists (RFC 7009), never 500', async () => {
    const { tokens, familyId, revoke } = await start();
    await db.query('DELETE FROM tk_families WHERE id = $1', [familyId]);
    expect((await revoke(tokens.access_token)).status).toBe(200);
    expect((await revoke(tokens.refresh_token)).status).toBe(200);
  });

  it('does not extend a sliding session while revoking it', async () => {
    const { clock, tokens, familyId, revoke } = await start({ sliding: true });
    const before = await store.getFamily(familyId);
    clock.advance(10 * 60_000); // far past the touch interval
    expect((await revoke(tokens.access_token)).status).toBe(200);
    const after = await store.getFamily(familyId);
    expect(after?.revokedAt).toBe(clock.now());
    expect(after?.lastUsedAt).toBe(before?.lastUsedAt);
    expect(after?.idleExpiresAt).toBe(before?.idleExpiresAt);
  });

  it('revokes a checked session whatever its state, and records it', async () => {
    const { server, tokens, familyId, revoke } = await start({ checkSession: true });
    expect((await revoke(tokens.access_token)).status).toBe(200);
    expect((await revoke(tokens.access_token)).status).toBe(200);
    const rows = await store.listAudit({ familyId });
    expect(rows.map((r) => [r.outcome, r.detail])).toEqual([
      ['revoke', 'already_revoked'],
      ['revoke', null],
      ['login', null],
    ]);
    await expect(server.verifyAccessToken(tokens.access_token)).rejects.toMatchObject({
      code: 'invalid_token',
    });
  });
});
