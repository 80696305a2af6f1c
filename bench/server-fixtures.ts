/**
 * What the server benchmark measures, set up for one store: a token service on it (sessions
 * checked on every verification, so the store is in the path), one logged-in session per
 * worker, an access token, and the raw operations the service's work is compared against.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Client as PgClient } from 'pg';
import {
  createAccessTokenVerifier,
  createStore,
  createTokenService,
  type Database,
  type TokenService,
} from 'tokenkeeper-server';
import type { Call } from './load.js';

const ISSUER = 'https://bench.test';
const AUDIENCE = 'bench';
const PASSWORD = 'bench-password';

export interface ServiceFixture {
  readonly service: TokenService;
  /** Rotates worker `w`'s own session (one family per worker: no row is shared). */
  readonly rotate: Call;
  /** `service.verifyAccessToken` on one access token: ES256 plus the session lookup. */
  readonly verifyChecked: Call;
  readonly accessToken: string;
  close(): Promise<void>;
}

/** A token service on `db`, with `workers` logged-in sessions. Closing closes `db`. */
export async function serviceFixture(db: Database, workers: number): Promise<ServiceFixture> {
  const store = await createStore(db);
  try {
    const service = await createTokenService({
      store,
      issuer: ISSUER,
      audience: AUDIENCE,
      secret: randomBytes(32),
      checkSession: true,
      passwordHashing: { N: 1024, r: 8, p: 1 },
    });
    const user = `bench-${randomBytes(4).toString('hex')}`;
    await service.users.add(user, PASSWORD);
    const login = () => service.login({ username: user, password: PASSWORD });
    const held = await Promise.all(Array.from({ length: workers }, login));
    const refreshTokens = held.map((tokens) => tokens.refresh_token);
    const accessToken = (await login()).access_token;
    return {
      service,
      accessToken,
      rotate: async (worker) => {
        refreshTokens[worker] = (await service.refresh(refreshTokens[worker] ?? '')).refresh_token;
      },
      verifyChecked: () => service.verifyAccessToken(accessToken),
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Stateless verification as a resource server in another process does it: jose against the
 * service's JWKS, no session lookup.
 */
export function statelessVerify(service: TokenService, token: string): Call {
  const verifier = createAccessTokenVerifier({
    issuer: service.issuer,
    audience: service.audience,
    keys: service.jwks(),
  });
  return () => verifier.verifyAccessToken(token);
}

/**
 * The raw baseline of a verification: node:crypto's ES256 verify of the same signing input
 * and signature with the same public key, in its asynchronous form (libuv's thread pool), as
 * jose's WebCrypto verify runs off the main thread too.
 */
export function rawSignatureVerify(service: TokenService, token: string): Call {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const kid = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: string })
    .kid;
  const jwk = service.jwks().keys.find((key) => key.kid === kid);
  if (!jwk) throw new Error('no public key for the token');
  const key: KeyObject = createPublicKey({
    key: jwk as import('node:crypto').JsonWebKey,
    format: 'jwk',
  });
  const data = Buffer.from(`${header}.${payload}`);
  const sig = Buffer.from(signature, 'base64url');
  return () =>
    new Promise<void>((resolve, reject) => {
      cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig, (error, valid) => {
        if (error) reject(error);
        else if (!valid) reject(new Error('signature did not verify'));
        else resolve();
      });
    });
}

/** Single-row autocommit UPDATEs through the store's own database handle (PGlite). */
export async function databaseUpdates(db: Database, workers: number): Promise<Call> {
  await db.exec('CREATE TABLE bench_rows (id integer PRIMARY KEY, n bigint NOT NULL)');
  await db.exec(`INSERT INTO bench_rows SELECT g, 0 FROM generate_series(0, ${workers - 1}) AS g`);
  return (worker) => db.query('UPDATE bench_rows SET n = n + 1 WHERE id = $1', [worker]);
}

// pg's Client from its own subpath, as tokenkeeper-server loads it (see its store/pg-pool.ts):
// pg's index requires pg-pool, which resolves to an ESM build under some conditions.
const require = createRequire(import.meta.url);
const Client = require('pg/lib/client.js') as typeof PgClient;

/**
 * PostgreSQL's own single-row UPDATE rate: one plain pg connection per worker, each updating
 * its own row in autocommit, in `schema` (created by the caller).
 */
export async function postgresUpdates(
  connectionString: string,
  schema: string,
  workers: number,
): Promise<{ call: Call; close(): Promise<void> }> {
  const clients = Array.from({ length: workers }, () => new Client({ connectionString }));
  await Promise.all(clients.map((client) => client.connect()));
  const close = () => Promise.all(clients.map((client) => client.end())).then(() => undefined);
  try {
    const table = `"${schema}".bench_rows`;
    await clients[0]?.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, n bigint NOT NULL)`);
    await clients[0]?.query(
      `INSERT INTO ${table} SELECT g, 0 FROM generate_series(0, ${workers - 1}) AS g`,
    );
    const sql = `UPDATE ${table} SET n = n + 1 WHERE id = $1`;
    return { call: (worker) => clients[worker]!.query(sql, [worker]), close };
  } catch (error) {
    await close();
    throw error;
  }
}
