import { createHash } from 'node:crypto';

/**
 * A short, stable name for a token: `#` and the first 8 hex digits of its SHA-256. Reports show
 * these instead of token text, so two runs can be compared without anything usable in them.
 */
export function fingerprint(token: string): string {
  return `#${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
}
