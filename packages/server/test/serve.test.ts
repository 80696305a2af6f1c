// serve(): the listening wrapper around createTokenServer.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../src/cli/args.js';
import { ConfigError, openStore, type Store, serve, silentLogger } from '../src/index.js';
import { fastHashing, testSecret } from './support.js';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('serve()', () => {
  it('answers 503 (not a hanging socket) while it is still starting', async () => {
    const store = await openStore();
    let opened = () => {};
    let release = () => {};
    const reached = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Startup stops when it reads the signing key: by then the port is listening.
    const slow: Store = {
      ...store,
      async getPrimarySigningKey() {
        opened();
        await released;
        return store.getPrimarySigningKey();
      },
    };
    const port = await freePort();
    const starting = serve({
      port,
      store: slow,
      secret: testSecret,
      passwordHashing: fastHashing,
      logger: silentLogger,
    });
    try {
      await reached;
      const early = await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`);
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('1');
      expect(await early.json()).toMatchObject({ error: 'temporarily_unavailable' });
    } finally {
      release();
    }
    const server = await starting;
    try {
      expect((await fetch(`${server.url}/.well-known/jwks.json`)).status).toBe(200);
    } finally {
      await server.close();
      await store.close();
    }
  }, 15_000);

  it('needs an explicit issuer when it listens on every interface', async () => {
    for (const host of ['0.0.0.0', '::']) {
      const attempt = serve({ host, secret: testSecret, logger: silentLogger });
      await expect(attempt).rejects.toBeInstanceOf(ConfigError);
      await expect(attempt).rejects.toThrow(/needs an explicit issuer/);
    }
    expect(() => parseCommandLine(['serve', '--host', '0.0.0.0'], {})).toThrow(UsageError);
    expect(() => parseCommandLine(['serve', '--host', '0.0.0.0'], {})).toThrow(/--issuer/);
    const server = await serve({
      host: '0.0.0.0',
      issuer: 'https://auth.example.test',
      secret: testSecret,
      passwordHashing: fastHashing,
      logger: silentLogger,
    });
    try {
      const meta = await fetch(
        `http://127.0.0.1:${server.port}/.well-known/oauth-authorization-server`,
      );
      expect(await meta.json()).toMatchObject({ issuer: 'https://auth.example.test' });
    } finally {
      await server.close();
    }
  });
});
