import type { Database } from './database.js';

/**
 * Schema migrations, applied in order on start. Times are epoch milliseconds (bigint) written
 * from the injected clock, never the database's now(), so a virtual clock governs every
 * deadline. Generations are a counter: ordering never depends on timestamps.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'users, token families, audit log, signing keys',
    sql: `
      CREATE TABLE tk_users (
        id uuid PRIMARY KEY,
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        scopes text NOT NULL DEFAULT '',
        created_at bigint NOT NULL
      );

      -- One row per login session ("family" of refresh tokens). secret is the per-family salt
      -- of the refresh-token MAC key; without the server secret it cannot mint a token.
      CREATE TABLE tk_families (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES tk_users (id) ON DELETE CASCADE,
        client_type text NOT NULL CHECK (client_type IN ('web', 'mobile')),
        scope text NOT NULL DEFAULT '',
        secret bytea NOT NULL,
        generation bigint NOT NULL CHECK (generation >= 1),
        created_at bigint NOT NULL,
        rotated_at bigint NOT NULL,
        last_used_at bigint NOT NULL,
        idle_expires_at bigint NOT NULL,
        absolute_expires_at bigint NOT NULL,
        access_ttl_ms bigint NOT NULL,
        idle_timeout_ms bigint NOT NULL,
        revoked_at bigint,
        revoked_reason text
      );
      CREATE INDEX tk_families_user ON tk_families (user_id);

      CREATE TABLE tk_audit (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at bigint NOT NULL,
        outcome text NOT NULL,
        family_id uuid,
        generation bigint,
        client_type text,
        user_id uuid,
        ip text,
        user_agent text,
        request_id text,
        detail text
      );
      CREATE INDEX tk_audit_family ON tk_audit (family_id, id);

      -- slot = 'primary' marks the key new tokens are signed with; the private key is sealed
      -- under a key derived from the server secret.
      CREATE TABLE tk_signing_keys (
        kid text PRIMARY KEY,
        slot text UNIQUE,
        public_jwk text NOT NULL,
        sealed_private_key bytea NOT NULL,
        created_at bigint NOT NULL
      );
    `,
  },
];

/**
 * Applies pending migrations in one transaction, under an advisory lock so instances that
 * start together do not race. Returns the versions applied.
 */
export async function migrate(db: Database, now: number): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtext('tokenkeeper:migrate:' || current_schema()))`,
    );
    await tx.query(
      `CREATE TABLE IF NOT EXISTS tk_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`,
    );
    const done = await tx.query<{ version: number }>('SELECT version FROM tk_migrations');
    const applied = new Set(done.rows.map((row) => Number(row.version)));
    const ran: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO tk_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now,
      ]);
      ran.push(migration.version);
    }
    return ran;
  });
}

// Statements are separated by ';' at line ends; the migrations hold no string literals with
// semicolons, and running them one by one works the same through pg and PGlite.
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
}
