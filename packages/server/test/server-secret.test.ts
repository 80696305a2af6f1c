// A persistent store needs a server secret that outlives the process: the signing key is
// sealed under it and every refresh-token MAC is keyed by it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, createTokenService, openStore, serve, silentLogger } from '../src/index.js';
import { fastHashing, post } from './support.js';

const root = mkdtempSync(join(tmpdir(), 'tokenkeeper-secret-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base = { issuer: 'https://issuer.test', audience: 'api', passwordHashing: fastHashing };

describe('server secret', () => {
  it('is required with a persistent store, not generated at random', async () => {
    const store = await openStore({ dataDir: join(root, 'persistent') });
    try {
      expect(store.persistent).toBe(true);
      const service = createTokenService({ ...base, store });
      await expect(service).rejects.toBeInstanceOf(ConfigError);
      await expect(service).rejects.toThrow(/server secret is required/);
    } finally {
      await store.close();
    }
  });

  it('may be left out with an in-memory store (tokens die with the process anyway)', async () => {
    const store = await openStore();
    try {
      expect(store.persistent).toBe(false);
      const service = await createTokenService({ ...base, store });
      await service.users.add('mem', 'mem-password');
      await expect(
        service.login({ username: 'mem', password: 'mem-password' }),
      ).resolves.toMatchObject({ token_type: 'Bearer' });
    } finally {
      await store.close();
    }
  });

  it('serve({ dataDir }) keeps its secret in the directory, so a restart keeps every session', async () => {
    const dataDir = join(root, 'served');
    const options = { dataDir, passwordHashing: fastHashing, logger: silentLogger };
    const first = await serve(options);
    await first.tokenServer.service.users.add('rita', 'rita-password');
    const login = await post(first.url, '/auth/login', {
      username: 'rita',
      password: 'rita-password',
    });
    await first.close();
    const second = await serve(options);
    try {
      const refreshed = await post(second.url, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: String(login.body?.refresh_token),
      });
      expect(refreshed.status).toBe(200);
    } finally {
      await second.close();
    }
  });
});
