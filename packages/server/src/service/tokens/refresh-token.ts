import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../keys/server-secret.js';

/**
 * Opaque refresh tokens: `tkr1.<family id>.<generation>.<mac>`.
 *
 * The MAC is HMAC-SHA256 over the generation under a per-family key derived (HKDF) from the
 * server secret with the family's own random 256-bit secret as salt. Nothing about a token is
 * stored: the server re-derives the MAC of the presented generation and compares in constant
 * time. So a database dump (which holds the family secret but not the server secret) cannot
 * mint a token, the server secret alone cannot either (it lacks the family secret), and the
 * successor handed out again during the grace window is the same 256 unguessable bits.
 */
export interface RefreshTokenParts {
  readonly familyId: string;
  readonly generation: number;
  readonly mac: Buffer;
}

const prefix = 'tkr1';
const shape = /^tkr1\.([A-Za-z0-9_-]{22})\.([1-9][0-9]{0,14})\.([A-Za-z0-9_-]{43})$/;

function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Builds the wire form of a refresh token. */
export function encodeRefreshToken(parts: RefreshTokenParts): string {
  const id = uuidToBytes(parts.familyId).toString('base64url');
  return `${prefix}.${id}.${parts.generation}.${parts.mac.toString('base64url')}`;
}

/** Splits a presented refresh token; null when it is not one of ours (no I/O, no secrets). */
export function decodeRefreshToken(token: string): RefreshTokenParts | null {
  const match = shape.exec(token);
  if (!match) return null;
  const id = Buffer.from(match[1] ?? '', 'base64url');
  const mac = Buffer.from(match[3] ?? '', 'base64url');
  const generation = Number(match[2]);
  // Reject non-canonical base64url (trailing bits) so each token has exactly one spelling.
  if (id.length !== 16 || mac.length !== 32 || id.toString('base64url') !== match[1]) return null;
  if (mac.toString('base64url') !== match[3] || !Number.isSafeInteger(generation)) return null;
  return { familyId: bytesToUuid(id), generation, mac };
}

/** The root key for refresh-token MACs, derived once from the server secret. */
export function refreshMacRoot(serverSecret: Uint8Array): Buffer {
  return deriveKey(serverSecret, 'refresh-token-mac/v1');
}

/** The MAC of one generation of one family. */
export function refreshTokenMac(
  macRoot: Uint8Array,
  familyId: string,
  familySecret: Uint8Array,
  generation: number,
): Buffer {
  const familyKey = deriveKey(macRoot, `refresh-family/${familyId}`, familySecret);
  return createHmac('sha256', familyKey).update(`generation:${generation}`).digest();
}

/** Constant-time comparison of two MACs. */
export function macEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
