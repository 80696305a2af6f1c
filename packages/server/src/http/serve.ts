import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { ConfigError, TokenServerError } from '../errors.js';
import { dataDirSecret } from '../store/data-dir-secret.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { createTokenServer, type TokenServer, type TokenServerOptions } from './token-server.js';
import { isWildcardHost } from './wildcard-host.js';

/** Options of {@link serve}. Store choice: `store`, else `databaseUrl`, else `dataDir`, else memory. */
export interface ServeOptions extends Partial<Omit<TokenServerOptions, 'store' | 'ownsStore'>> {
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1'. A wildcard (0.0.0.0, ::) needs an explicit `issuer`. */
  host?: string;
  /** An open store; the caller keeps ownership and closes it. */
  store?: Store;
  /** PostgreSQL connection string. Needs `secret` (instances sharing the database share it). */
  databaseUrl?: string;
  /** PostgreSQL schema. @default 'public' */
  databaseSchema?: string;
  /** PostgreSQL pool size per instance. @default 10 */
  poolSize?: number;
  /**
   * Embedded store directory, made private (mode 0700). Without `secret`, a server secret is
   * generated on first start and kept in `<dataDir>/server-secret` (mode 0600), beside the
   * database files in `<dataDir>/pgdata`: whoever can read the directory (or a backup of it)
   * has both, so for real deployments pass `secret` (TOKENKEEPER_SECRET) from elsewhere.
   */
  dataDir?: string;
  /** @default 'tokenkeeper' */
  audience?: string;
}

/** A listening token server. */
export interface RunningTokenServer {
  /** e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly tokenServer: TokenServer;
  /** Stops listening, drops open connections, closes the store it opened. */
  close(): Promise<void>;
}

const starting = new TokenServerError('temporarily_unavailable', 'the server is starting');

/**
 * Starts a token server on a port. `serve({ port: 0 })` gives an in-memory store on a free
 * port of 127.0.0.1 (PGlite opens in 1-3 s); the issuer defaults to the URL it listens on.
 */
export async function serve(options: ServeOptions = {}): Promise<RunningTokenServer> {
  const host = options.host ?? '127.0.0.1';
  if (options.issuer === undefined && isWildcardHost(host)) {
    // http://0.0.0.0:PORT is no address a client or resource server can use, and the issuer
    // is baked into every token and into the RFC 8414 metadata.
    throw new ConfigError(
      `listening on ${host} (every interface) needs an explicit issuer: the URL clients and resource servers reach this server at (issuer option, or --issuer)`,
    );
  }
  let secret = options.secret;
  if (secret === undefined && !options.store) {
    if (options.databaseUrl) {
      throw new ConfigError(
        'a server secret is required with PostgreSQL (set TOKENKEEPER_SECRET); every instance must use the same one',
      );
    }
    if (options.dataDir) secret = dataDirSecret(options.dataDir);
  }
  // Listening comes first (port 0 is only known then, and the default issuer is built from
  // it), so the handler is there from the start: 503 until the token server is ready.
  let ready: RequestListener | undefined;
  const http = createServer((request, response) => {
    if (ready) return ready(request, response);
    response.writeHead(503, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': '1',
    });
    response.end(JSON.stringify(starting.toJSON()));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const closeHttp = () =>
    new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  let tokenServer: TokenServer;
  try {
    const store =
      options.store ??
      (await openStore({
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.databaseSchema ? { databaseSchema: options.databaseSchema } : {}),
        ...(options.poolSize ? { poolSize: options.poolSize } : {}),
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }));
    tokenServer = await createTokenServer({
      ...options,
      ...(secret !== undefined ? { secret } : {}),
      store,
      issuer: options.issuer ?? url,
      audience: options.audience ?? 'tokenkeeper',
      ownsStore: !options.store,
    }).catch(async (error: unknown) => {
      if (!options.store) await store.close();
      throw error;
    });
  } catch (error) {
    await closeHttp();
    throw error;
  }
  ready = getRequestListener(tokenServer.app.fetch);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    tokenServer,
    close() {
      closing ??= closeHttp().then(() => tokenServer.close());
      return closing;
    },
  };
}
