import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt cost parameters.
 * The default (N=2^15, r=8, p=3) is one of the OWASP Password Storage Cheat Sheet's equivalent
 * settings to N=2^17/r=8/p=1, at a quarter of the memory (32 MiB per hash), which matters when
 * several logins run at once on a small machine. About 0.2 s per hash on a 2-core VM.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt
 */
export interface PasswordHashing {
  /** CPU/memory cost, a power of two. @default 32768 */
  N: number;
  /** Block size. @default 8 */
  r: number;
  /** Parallelisation. @default 3 */
  p: number;
}

export const defaultPasswordHashing: PasswordHashing = Object.freeze({ N: 32768, r: 8, p: 3 });

const keyLength = 32;

function derive(password: string, salt: Buffer, params: PasswordHashing): Promise<Buffer> {
  // NFKC so the same password typed on different keyboards (composed or decomposed) matches.
  const normalized = password.normalize('NFKC');
  const maxmem = 256 * params.N * params.r + 4 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(normalized, salt, keyLength, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password into a self-describing string: `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(
  password: string,
  params: PasswordHashing = defaultPasswordHashing,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** Parses a stored hash; null when the string is not one of ours. */
function parseHash(encoded: string): { params: PasswordHashing; salt: Buffer; key: Buffer } | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!N || !r || !p || !Number.isSafeInteger(N) || !Number.isSafeInteger(r)) return null;
  return {
    params: { N, r, p },
    salt: Buffer.from(parts[4] ?? '', 'base64url'),
    key: Buffer.from(parts[5] ?? '', 'base64url'),
  };
}

/**
 * Checks a password against a stored hash in constant time. A malformed stored hash is a server
 * fault, not a wrong password, so it throws.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) throw new Error('stored password hash is not in the scrypt$N$r$p$salt$hash format');
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/**
 * Hashes and checks passwords. The service runs exactly one `verify` per login attempt, for an
 * unknown user against a decoy made by `hash`, so both cost the same work; a test can wrap a
 * hasher to count that work instead of timing it.
 */
export interface PasswordHasher {
  /** Hashes a new password into a self-describing string. */
  hash(password: string): Promise<string>;
  /**
   * Checks a password against a stored hash: one key derivation, compared in constant time.
   * Throws when the stored hash is malformed (a server fault, not a wrong password).
   */
  verify(password: string, encoded: string): Promise<boolean>;
}

/** The scrypt {@link PasswordHasher}. @default params N=32768, r=8, p=3 */
export function scryptHasher(params: PasswordHashing = defaultPasswordHashing): PasswordHasher {
  return {
    hash: (password) => hashPassword(password, params),
    verify: (password, encoded) => verifyPassword(password, encoded),
  };
}
