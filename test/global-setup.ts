// Suites that need PostgreSQL or a browser skip themselves, with a visible message, where the
// machine lacks them (a user's fresh checkout). CI sets TOKENKEEPER_REQUIRE_ALL=1: there a
// missing dependency fails the run instead of quietly skipping.
import { existsSync } from 'node:fs';

export default function setup(): void {
  const missing: string[] = [];
  if (!process.env.DATABASE_URL) missing.push('DATABASE_URL is not set: PostgreSQL suites skip');
  if (!existsSync('/usr/bin/chromium'))
    missing.push('/usr/bin/chromium is missing: browser suites skip');
  if (missing.length === 0) return;
  if (process.env.TOKENKEEPER_REQUIRE_ALL === '1') {
    throw new Error(`TOKENKEEPER_REQUIRE_ALL=1 but ${missing.join('; ')}`);
  }
  for (const line of missing) process.stderr.write(`\n[tokenkeeper tests] SKIPPING: ${line}\n`);
}
