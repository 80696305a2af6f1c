import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { ConfigError } from '../../errors.js';
import { signingAlgorithm } from '../../verify/access-token.js';
import { deriveKey } from './server-secret.js';

/** A signing key ready for use. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** The public half of a key as published in the JWKS, under `kid`. */
export function publicPart(jwk: JWK, kid: string): JWK {
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

/** Imports a private ES256 JWK as the key to sign with; a ConfigError for any other key. */
export async function importSigningKey(privateJwk: JWK, kid: string): Promise<SigningKey> {
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
