import { randomBytes } from 'node:crypto';
import { openPostgresDatabase, type PasswordHashing } from '../src/index.js';

/** Cheap scrypt for tests that log in many times; production defaults are tested separately. */
export const fastHashing: PasswordHashing = { N: 1024, r: 8, p: 1 };

/** One server secret per test file, so services sharing a store can open its signing key. */
export const testSecret = randomBytes(32).toString('base64url');

/** What most tests give the token service: a fixed issuer and audience, the secret, cheap hashing. */
export const testService = {
  issuer: 'https://issuer.test',
  audience: 'api',
  secret: testSecret,
  passwordHashing: fastHashing,
} as const;

export const databaseUrl = process.env.DATABASE_URL;

/** Says loudly that a PostgreSQL suite is skipped (the global setup says it once too). */
export function noteSkip(suite: string): void {
  if (!databaseUrl) {
    process.stderr.write(`[tokenkeeper-server tests] SKIPPING ${suite}: DATABASE_URL is not set\n`);
  }
}

/** A schema name no other test file or run uses. */
export function uniqueSchema(label: string): string {
  return `tk_test_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** The database URL with libpq `options` (server settings for every connection) added. */
export function withOptions(url: string, options: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', options);
  return parsed.href;
}

/** The database URL with an application_name, to find its connections in pg_stat_activity. */
export function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.href;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const db = await openPostgresDatabase({ connectionString: url });
  try {
    await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await db.close();
  }
}

export type Body = Record<string, string>;

/** POSTs a form (RFC 6749's encoding) and returns status, headers and parsed JSON (or null). */
export async function post(
  base: string,
  path: string,
  body: Body,
  options: { json?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> | null }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
      ...options.headers,
    },
    body: options.json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
  };
}

export function refreshBody(token: string): Body {
  return { grant_type: 'refresh_token', refresh_token: token };
}
