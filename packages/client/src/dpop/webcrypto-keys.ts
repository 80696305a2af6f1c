/**
 * DPoP keys from WebCrypto (browsers, Node 20+, workers): ECDSA P-256, kept where the session's
 * tokens live, so a key survives restarts with its session and tabs of a session share it.
 */
import { ConfigError, StorageError } from '../errors.js';
import { createDatabase, requestResult, transact } from '../storage/indexed-db.js';
import type { SessionStorage } from '../storage/types.js';
import type { DpopKeyProvider, DpopSigner, EcPublicJwk } from './signer.js';

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * Where WebCrypto keys are kept:
 * - `indexeddb`: the key pair itself, generated with `extractable: false`: no script can read
 *   the private key, only sign with it in this origin (browsers);
 * - a `SessionStorage` (e.g. `fileStorage`, which encrypts): the private key as a JWK under
 *   `<storage key>.dpop`, so it must be extractable at creation (Node);
 * - `memory`: lost with the process: the session then has to sign in again.
 */
export type WebCryptoKeyStore = 'indexeddb' | 'memory' | SessionStorage;

export interface WebCryptoKeysOptions {
  /** @default 'indexeddb' where IndexedDB exists, else 'memory' */
  store?: WebCryptoKeyStore;
  /** The IndexedDB database for `indexeddb`. @default 'tokenkeeper-dpop' */
  databaseName?: string;
}

function subtleCrypto(): SubtleCrypto | undefined {
  return (globalThis as { crypto?: Crypto }).crypto?.subtle;
}

async function signerOf(subtle: SubtleCrypto, pair: CryptoKeyPair): Promise<DpopSigner> {
  const jwk = await subtle.exportKey('jwk', pair.publicKey);
  const publicJwk: EcPublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x ?? '', y: jwk.y ?? '' };
  return {
    alg: 'ES256',
    publicJwk,
    sign: async (data) =>
      new Uint8Array(await subtle.sign(EC_SIGN, pair.privateKey, data as Uint8Array<ArrayBuffer>)),
  };
}

interface PairStore {
  load(id: string): Promise<CryptoKeyPair | undefined>;
  save(id: string, pair: CryptoKeyPair): Promise<void>;
  delete(id: string): Promise<void>;
  /** Whether the stored private key must be extractable (it is saved as JWK). */
  readonly extractable: boolean;
}

function memoryPairs(): PairStore {
  const pairs = new Map<string, CryptoKeyPair>();
  return {
    load: async (id) => pairs.get(id),
    save: async (id, pair) => void pairs.set(id, pair),
    delete: async (id) => void pairs.delete(id),
    extractable: false,
  };
}

function indexedDbPairs(factory: IDBFactory, name: string): PairStore {
  const STORE = 'keys';
  const database = createDatabase(factory, name, [STORE]);
  return {
    load: async (id) =>
      transact(await database(), STORE, 'readonly', 'Reading the DPoP key', (store) =>
        requestResult(store.get(id) as IDBRequest<CryptoKeyPair | undefined>),
      ),
    save: async (id, pair) =>
      transact(await database(), STORE, 'readwrite', 'Saving the DPoP key', (store) =>
        requestResult(store.put(pair, id)),
      ).then(() => undefined),
    delete: async (id) =>
      transact(await database(), STORE, 'readwrite', 'Deleting the DPoP key', (store) =>
        requestResult(store.delete(id)),
      ).then(() => undefined),
    extractable: false,
  };
}

function storagePairs(subtle: SubtleCrypto, storage: SessionStorage): PairStore {
  const keyOf = (id: string) => `${id}.dpop`;
  return {
    async load(id) {
      const text = await storage.get(keyOf(id));
      if (text === null || text === undefined) return undefined;
      let jwk: JsonWebKey;
      try {
        jwk = JSON.parse(text) as JsonWebKey;
      } catch {
        throw new StorageError('The stored DPoP key is not readable');
      }
      const { d: _private, ...publicPart } = jwk;
      const privateKey = await subtle.importKey('jwk', jwk, EC_KEY, false, ['sign']);
      const publicKey = await subtle.importKey(
        'jwk',
        { ...publicPart, key_ops: ['verify'] },
        EC_KEY,
        true,
        ['verify'],
      );
      return { privateKey, publicKey };
    },
    async save(id, pair) {
      const jwk = await subtle.exportKey('jwk', pair.privateKey);
      await storage.set(keyOf(id), JSON.stringify(jwk));
    },
    delete: (id) => storage.delete(keyOf(id)),
    extractable: true,
  };
}

/**
 * A {@link DpopKeyProvider} on WebCrypto.
 * @throws ConfigError where WebCrypto is missing (React Native's Hermes): supply a provider over
 *   the platform's key store instead.
 */
export function webCryptoKeys(options: WebCryptoKeysOptions = {}): DpopKeyProvider {
  const subtle = subtleCrypto();
  if (!subtle) {
    throw new ConfigError(
      'DPoP keys need WebCrypto (crypto.subtle), which this environment lacks: pass ' +
        'dpopKey({ keys }) with a provider over the platform key store',
    );
  }
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const chosen = options.store ?? (factory ? 'indexeddb' : 'memory');
  let pairs: PairStore;
  if (chosen === 'memory') pairs = memoryPairs();
  else if (chosen === 'indexeddb') {
    if (!factory) throw new ConfigError('webCryptoKeys: IndexedDB is not available here');
    pairs = indexedDbPairs(factory, options.databaseName ?? 'tokenkeeper-dpop');
  } else pairs = storagePairs(subtle, chosen);
  return {
    async load(id) {
      const pair = await pairs.load(id);
      return pair ? signerOf(subtle, pair) : undefined;
    },
    async create(id) {
      const pair = await subtle.generateKey(EC_KEY, pairs.extractable, ['sign', 'verify']);
      await pairs.save(id, pair);
      return signerOf(subtle, pair);
    },
    delete: (id) => pairs.delete(id),
  };
}
