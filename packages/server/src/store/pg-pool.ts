import { createRequire } from 'node:module';
import type { ClientConfig, CustomTypesConfig, Client as PgClient } from 'pg';

// pg's Client, loaded from pg's own public subpath rather than pg's index: the index requires
// pg-pool, and under `--conditions import` (what vitest gives its workers here) that require
// resolves to pg-pool's ESM build and pg fails to load. The Client alone loads either way.
const require = createRequire(import.meta.url);
const Client = require('pg/lib/client.js') as typeof PgClient;
const TypeOverrides = require('pg/lib/type-overrides.js') as new () => CustomTypesConfig & {
  setTypeParser(oid: number, format: 'text', parse: (value: string) => unknown): void;
};

export type PooledClient = PgClient;

/** int8 (generations, epoch ms) as numbers: every value we store is below 2^53. */
export function numericInt8Types(): CustomTypesConfig {
  const types = new TypeOverrides();
  types.setTypeParser(20, 'text', (value) => Number(value));
  return types;
}

interface Waiter {
  resolve(client: PgClient): void;
  reject(error: Error): void;
}

/**
 * A small connection pool: at most `max` clients, FIFO waiters, broken clients discarded.
 * Enough for the store's short transactions; it has no idle reaping (close() ends all).
 */
export class ClientPool {
  readonly #config: ClientConfig;
  readonly #max: number;
  readonly #onError: (error: Error) => void;
  readonly #idle: PgClient[] = [];
  readonly #waiters: Waiter[] = [];
  #total = 0;
  #closed = false;

  constructor(config: ClientConfig, max: number, onError: (error: Error) => void) {
    this.#config = config;
    this.#max = max;
    this.#onError = onError;
  }

  async #connect(): Promise<PgClient> {
    this.#total++;
    const client = new Client(this.#config);
    client.on('error', (error) => {
      // An idle connection died (server restart, network): forget it; in use, the query fails.
      const at = this.#idle.indexOf(client);
      if (at >= 0) {
        this.#idle.splice(at, 1);
        this.#total--;
      }
      this.#onError(error);
    });
    try {
      await client.connect();
      return client;
    } catch (error) {
      this.#total--;
      throw error;
    }
  }

  acquire(): Promise<PgClient> {
    if (this.#closed) return Promise.reject(new Error('the PostgreSQL pool is closed'));
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.#total < this.#max) return this.#connect();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Returns a client; `broken` ones are closed and replaced for the next waiter. */
  release(client: PgClient, broken = false): void {
    if (broken || this.#closed) {
      this.#total--;
      client.end().catch(this.#onError);
      const waiter = this.#closed ? undefined : this.#waiters.shift();
      if (waiter) this.#connect().then(waiter.resolve, waiter.reject);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(client);
    else this.#idle.push(client);
  }

  async end(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.reject(new Error('the PostgreSQL pool was closed'));
    }
    const idle = this.#idle.splice(0);
    this.#total -= idle.length;
    await Promise.all(idle.map((client) => client.end()));
  }
}
