import { hkdfSync, randomBytes } from 'node:crypto';
import { ConfigError } from '../../errors.js';

/** Minimum server-secret length in bytes; 32 bytes = 256 bits. */
export const minimumSecretBytes = 32;

/**
 * Reads a server secret. Text is taken as its UTF-8 bytes; it must be at least 32 bytes, so a
 * 43-character base64url string of 32 random bytes (what {@link generateServerSecret} makes)
 * or anything longer works.
 */
export function parseServerSecret(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < minimumSecretBytes) {
    throw new ConfigError(
      `the server secret must be at least ${minimumSecretBytes} bytes (generate one with: openssl rand -base64 32)`,
    );
  }
  return bytes;
}

/** 32 random bytes as base64url text, suitable for TOKENKEEPER_SECRET. */
export function generateServerSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Derives a 32-byte key for one purpose from the server secret (HKDF-SHA256, RFC 5869), so
 * no two uses of the secret share a key.
 */
export function deriveKey(
  secret: Uint8Array,
  purpose: string,
  salt: Uint8Array = new Uint8Array(),
) {
  return Buffer.from(hkdfSync('sha256', secret, salt, `tokenkeeper/${purpose}`, 32));
}
