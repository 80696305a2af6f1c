// The embedded store's data directory holds password hashes, the family table and the server
// secret: it must be private to the user running the server, whatever existed before.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDirSecret, openStore, serve, silentLogger } from '../src/index.js';
import { fastHashing } from './support.js';

const root = mkdtempSync(join(tmpdir(), 'tokenkeeper-data-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe('data directory permissions', () => {
  it('creates a new data directory 0700, with its database directory 0700', async () => {
    const dataDir = join(root, 'fresh', 'nested');
    const store = await openStore({ dataDir });
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'pgdata'))).toBe(0o700);
    } finally {
      await store.close();
    }
  });

  it('makes an existing world-readable data directory private before opening it', async () => {
    const dataDir = join(root, 'existing');
    mkdirSync(join(dataDir, 'pgdata'), { recursive: true });
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'pgdata'), 0o777);
    const store = await openStore({ dataDir });
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'pgdata'))).toBe(0o700);
    } finally {
      await store.close();
    }
  });

  it('serve({ dataDir }) keeps the directory 0700 and the server secret 0600', async () => {
    const dataDir = join(root, 'served');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const server = await serve({ dataDir, passwordHashing: fastHashing, logger: silentLogger });
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'server-secret'))).toBe(0o600);
      expect(mode(join(dataDir, 'pgdata'))).toBe(0o700);
    } finally {
      await server.close();
    }
  });

  it('dataDirSecret makes its directory private too', () => {
    const dataDir = join(root, 'secret-only');
    mkdirSync(dataDir, { mode: 0o777 });
    chmodSync(dataDir, 0o777);
    expect(dataDirSecret(dataDir)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mode(dataDir)).toBe(0o700);
  });
});
