import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { ConfigError } from '../../errors.js';
import type { Store } from '../../store/store.js';

/** The one signing algorithm: ECDSA P-256 with SHA-256 (small keys and signatures, fast). */
export const signingAlgorithm = 'ES256';

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

/** A signing key ready for use. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** The keys one server instance signs and verifies with. */
export interface KeyRing {
  /** The key new access tokens are signed with. */
  readonly signingKey: SigningKey;
  /** The public keys, as served at /.well-known/jwks.json. */
  jwks(): JSONWebKeySet;
  /** Resolves a JWS header's `kid` to a verification key (for jose's jwtVerify). */
  readonly getVerificationKey: JWTVerifyGetKey;
}

function publicPart(jwk: JWK, kid: string): JWK {
  const { kty, crv, x, y } = jwk;
  return { kty, crv, x, y, kid, alg: signingAlgorithm, use: 'sig' };
}

/** Generates a new ES256 key pair; `kid` is the RFC 7638 thumbprint of the public key. */
export async function generateSigningJwk(): Promise<{ kid: string; privateJwk: JWK }> {
  const { privateKey } = await generateKeyPair(signingAlgorithm, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicPart(privateJwk, ''));
  return { kid, privateJwk: { ...privateJwk, kid, alg: signingAlgorithm } };
}

async function importSigningKey(privateJwk: JWK, kid: string): Promise<SigningKey> {
  if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || typeof privateJwk.d !== 'string') {
    throw new ConfigError('the signing key must be a private EC P-256 JWK (ES256)');
  }
  const privateKey = (await importJWK({ ...privateJwk, alg: signingAlgorithm })) as CryptoKey;
  return { kid, privateKey, publicJwk: publicPart(privateJwk, kid) };
}

// Private signing keys are stored sealed (AES-256-GCM under a key derived from the server
// secret), so a database dump alone cannot mint access tokens either.
const sealVersion = 1;

export function sealPrivateKey(secret: Uint8Array, kid: string, jwk: JWK): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, 'signing-key-seal/v1'), iv);
  cipher.setAAD(Buffer.from(`signing-key:${kid}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([sealVersion]), iv, cipher.getAuthTag(), body]);
}

export function unsealPrivateKey(secret: Uint8Array, kid: string, sealed: Uint8Array): JWK {
  const data = Buffer.from(sealed);
  if (data[0] !== sealVersion || data.length < 29) {
    throw new ConfigError(`stored signing key ${kid} has an unknown format`);
  }
  const decipher = createDecipheriv(
    'aes-256-gcm',
    deriveKey(secret, 'signing-key-seal/v1'),
    data.subarray(1, 13),
  );
  decipher.setAAD(Buffer.from(`signing-key:${kid}`));
  decipher.setAuthTag(data.subarray(13, 29));
  try {
    const plain = Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as JWK;
  } catch (cause) {
    throw new ConfigError(
      `cannot open stored signing key ${kid}: the server secret differs from the one that sealed it (${(cause as Error).message})`,
    );
  }
}

function keyRing(signingKey: SigningKey, publicJwks: JWK[]): KeyRing {
  const set: JSONWebKeySet = { keys: publicJwks };
  const getKey = createLocalJWKSet(set);
  return {
    signingKey,
    jwks: () => structuredClone(set),
    getVerificationKey: getKey,
  };
}

/** Where the signing key comes from. */
export interface LoadKeysOptions {
  store: Store;
  secret: Uint8Array;
  /**
   * A private ES256 JWK (JSON text or object), e.g. from TOKENKEEPER_SIGNING_KEY. When given,
   * the store's keys are not used. Without it, the store's primary key is used, created on
   * first start.
   */
  signingKey?: string | JWK;
}

/** Loads (or on first start creates and stores) the signing key and the published key set. */
export async function loadKeyRing(options: LoadKeysOptions): Promise<KeyRing> {
  if (options.signingKey !== undefined) {
    let jwk: JWK;
    try {
      jwk =
        typeof options.signingKey === 'string'
          ? (JSON.parse(options.signingKey) as JWK)
          : options.signingKey;
    } catch {
      throw new ConfigError('the signing key is not valid JSON (expected a private EC P-256 JWK)');
    }
    const kid = jwk.kid ?? (await calculateJwkThumbprint(publicPart(jwk, '')));
    const key = await importSigningKey(jwk, kid);
    return keyRing(key, [key.publicJwk]);
  }
  let primary = await options.store.getPrimarySigningKey();
  if (!primary) {
    const { kid, privateJwk } = await generateSigningJwk();
    // Two instances starting together may both get here; the store keeps the first.
    await options.store.insertPrimarySigningKey({
      kid,
      publicJwk: JSON.stringify(publicPart(privateJwk, kid)),
      sealedPrivateKey: sealPrivateKey(options.secret, kid, privateJwk),
    });
    primary = await options.store.getPrimarySigningKey();
    if (!primary) throw new Error('signing key vanished right after it was stored');
  }
  const jwk = unsealPrivateKey(options.secret, primary.kid, primary.sealedPrivateKey);
  const key = await importSigningKey(jwk, primary.kid);
  const published = (await options.store.listSigningKeys()).map(
    (row) => JSON.parse(row.publicJwk) as JWK,
  );
  return keyRing(key, published);
}
