import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { ConfigError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import {
  generateSigningJwk,
  importSigningKey,
  publicPart,
  type SigningKey,
  sealPrivateKey,
  unsealPrivateKey,
} from './signing-key.js';

/** The keys one server instance signs and verifies with. */
export interface KeyRing {
  /** The key new access tokens are signed with. */
  readonly signingKey: SigningKey;
  /** The public keys, as served at /.well-known/jwks.json. */
  jwks(): JSONWebKeySet;
  /** Resolves a JWS header's `kid` to a verification key (for jose's jwtVerify). */
  readonly getVerificationKey: JWTVerifyGetKey;
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
