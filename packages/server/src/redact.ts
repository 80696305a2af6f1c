import { createHash } from 'node:crypto';

// Refresh tokens (tkr1.…) and anything shaped like a JWS (three base64url parts, the first
// starting with the base64url of '{"') are replaced before text reaches a log line.
const tokenShapes = /tkr1\.[A-Za-z0-9_.-]+|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g;

/** Replaces anything that looks like a token in `text` with `[redacted]`. */
export function redact(text: string): string {
  return text.replace(tokenShapes, '[redacted]');
}

/** A short, non-reversible name for a token, for logs: the first 12 hex digits of SHA-256. */
export function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}
