/**
 * The stored form of a session: versioned JSON. Anything else found under the key (corrupt,
 * truncated, another format) is a `StorageError`, which the session turns into "signed out".
 */
import { StorageError } from '../errors.js';
import { fingerprint } from '../redact.js';
import type { Tokens } from '../tokens/types.js';

export const RECORD_VERSION = 1;

export interface StoredSession {
  readonly tokens: Tokens;
  /** Start of the sliding idle countdown, when the session has one. */
  readonly lastActivityAt: number | undefined;
}

export function encodeRecord(tokens: Tokens, lastActivityAt: number | undefined): string {
  return JSON.stringify({
    v: RECORD_VERSION,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    // Only written for DPoP-bound tokens: records of bearer sessions stay as they were.
    ...(tokens.tokenType === 'DPoP' ? { tokenType: 'DPoP' } : {}),
    scope: tokens.scope,
    idToken: tokens.idToken,
    receivedAt: tokens.receivedAt,
    expiresAt: tokens.expiresAt,
    refreshExpiresAt: tokens.refreshExpiresAt,
    lastActivityAt,
  });
}

function optionalNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error('not a number');
  return value;
}

function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new Error('not a string');
  return value;
}

export function decodeRecord(text: string): StoredSession {
  let raw: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    raw = parsed as Record<string, unknown>;
  } catch (cause) {
    throw new StorageError('Stored session is not readable', { cause: describe(cause) });
  }
  if (raw.v !== RECORD_VERSION) {
    throw new StorageError('Stored session has an unknown format version');
  }
  try {
    const accessToken = optionalString(raw.accessToken);
    const receivedAt = optionalNumber(raw.receivedAt);
    if (accessToken === undefined || receivedAt === undefined) throw new Error('missing fields');
    return {
      tokens: {
        accessToken,
        refreshToken: optionalString(raw.refreshToken),
        tokenType: raw.tokenType === 'DPoP' ? 'DPoP' : 'Bearer',
        scope: optionalString(raw.scope),
        idToken: optionalString(raw.idToken),
        receivedAt,
        expiresAt: optionalNumber(raw.expiresAt),
        refreshExpiresAt: optionalNumber(raw.refreshExpiresAt),
        fingerprint: fingerprint(accessToken),
      },
      lastActivityAt: optionalNumber(raw.lastActivityAt),
    };
  } catch (cause) {
    throw new StorageError('Stored session is incomplete', { cause: describe(cause) });
  }
}

// The cause is kept for debugging but must not carry stored text (it may hold a token).
function describe(cause: unknown): string {
  return cause instanceof Error ? cause.name : 'invalid';
}
