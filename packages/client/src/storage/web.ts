/**
 * `webStorage`: the session in IndexedDB, encrypted under a non-extractable WebCrypto key that
 * never leaves the browser's key store. Plain localStorage only when the app opts in.
 */
import { ConfigError, StorageError } from '../errors.js';
import { AES_GCM_KEY, readEnvelope, seal, unseal, webCrypto } from './envelope.js';
import { createDatabase, failure, requestResult, transact } from './indexed-db.js';
import { createSerial } from './serial.js';
import type { SessionStorage } from './types.js';

/** Options of {@link webStorage}. */
export interface WebStorageOptions {
  /**
   * The IndexedDB database (and, in plaintext mode, the localStorage key prefix). Give each app
   * on an origin its own name when they must not share a session.
   * @default 'tokenkeeper'
   */
  databaseName?: string;
  /**
   * Where IndexedDB or WebCrypto is missing (old browsers, some WebViews, pages served over
   * plain http, which have no `crypto.subtle`), store the session UNENCRYPTED in localStorage
   * instead of refusing. Any script running on the origin (an XSS, a compromised third-party
   * script, a browser extension) can then read the refresh token. Where both are available,
   * IndexedDB with encryption is used regardless.
   * @default false: `webStorage()` throws a ConfigError there
   */
  allowPlaintextLocalStorage?: boolean;
}

const KEYS = 'keys';
const ENTRIES = 'entries';
const KEY_ID = 'aes-gcm-256';

/**
 * Persists the session in the browser. Values are encrypted with AES-256-GCM (fresh IV per
 * write, bound to their storage key) under a key generated once with `extractable: false` and
 * kept in the same IndexedDB database. No script can read the key's bytes, only use it through
 * WebCrypto in this origin, so what is dumped from storage (by a storage-reading extension or
 * tool, a one-shot injected script that copies IndexedDB out) is ciphertext, not tokens.
 * Limits: script that keeps running in the page can decrypt with the key (or just ask the
 * session for a token), and the browser keeps the key's material in its profile on disk, so
 * this is not protection against someone holding the device's files.
 * Tabs of the origin share the database, so they share the session.
 *
 * Nothing happens until the first call: the database opens then, and the connection is reused.
 * Failures (blocked upgrade, quota, private-mode restrictions) reject with `StorageError`; data
 * that does not decrypt (altered, moved between keys, key lost) makes `get` throw `StorageError`,
 * and the session starts signed out with a `storageError` event.
 *
 * @throws ConfigError when IndexedDB or `crypto.subtle` is unavailable and
 *   `allowPlaintextLocalStorage` is not set (or localStorage is unavailable too).
 * @example
 * import { createSession, oauth2Refresh } from 'tokenkeeper';
 * import { webStorage } from 'tokenkeeper/storage/web';
 *
 * const session = createSession({
 *   refresh: oauth2Refresh({ tokenEndpoint: '/oauth/token' }),
 *   storage: webStorage(),
 * });
 */
export function webStorage(options: WebStorageOptions = {}): SessionStorage {
  const name = options.databaseName ?? 'tokenkeeper';
  if (typeof name !== 'string' || name === '') {
    throw new ConfigError('webStorage: databaseName must be a non-empty string');
  }
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const webcrypto = webCrypto();
  if (factory && webcrypto) return indexedDbStorage(factory, webcrypto.subtle, name);

  const missing = [
    ...(factory ? [] : ['IndexedDB']),
    ...(webcrypto
      ? []
      : ['WebCrypto (crypto.subtle exists only in secure contexts: https, localhost)']),
  ].join(' and ');
  if (options.allowPlaintextLocalStorage !== true) {
    throw new ConfigError(
      `webStorage needs ${missing}, which this environment lacks. To store the session ` +
        'unencrypted in localStorage instead, readable by any script on this origin, opt in ' +
        'with webStorage({ allowPlaintextLocalStorage: true }).',
    );
  }
  const local = findLocalStorage();
  if (!local) {
    throw new ConfigError(`webStorage: ${missing} and localStorage are all unavailable`);
  }
  return plaintextLocalStorage(local, name);
}

function findLocalStorage(): Storage | undefined {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage ?? undefined;
  } catch {
    // Reading the property throws a SecurityError where storage is blocked: none available.
    return undefined;
  }
}

/** Unencrypted fallback, only with `allowPlaintextLocalStorage`. */
function plaintextLocalStorage(local: Storage, prefix: string): SessionStorage {
  const item = (key: string) => `${prefix}:${key}`;
  const attempt = async <T>(operation: string, run: () => T): Promise<T> => {
    try {
      return run();
    } catch (cause) {
      throw failure(`localStorage ${operation}`, cause);
    }
  };
  return {
    get: (key) => attempt('read', () => local.getItem(item(key))),
    set: (key, value) => attempt('write', () => local.setItem(item(key), value)),
    delete: (key) => attempt('delete', () => local.removeItem(item(key))),
  };
}

function usableKey(value: unknown): CryptoKey {
  const key = value as Partial<CryptoKey> | undefined;
  if (key?.type !== 'secret' || key.algorithm?.name !== 'AES-GCM') {
    throw new StorageError('The stored encryption key is not an AES-GCM key');
  }
  return value as CryptoKey;
}

function indexedDbStorage(factory: IDBFactory, subtle: SubtleCrypto, name: string): SessionStorage {
  const serial = createSerial();
  let cryptoKey: Promise<CryptoKey> | undefined;
  const database = createDatabase(factory, name, [KEYS, ENTRIES], () => {
    cryptoKey = undefined;
  });

  async function loadKey(db: IDBDatabase): Promise<CryptoKey> {
    const found = await transact(db, KEYS, 'readonly', 'Reading the encryption key', (store) =>
      requestResult(store.get(KEY_ID)),
    );
    if (found !== undefined) return usableKey(found);
    let candidate: CryptoKey;
    try {
      candidate = await subtle.generateKey(AES_GCM_KEY, false, ['encrypt', 'decrypt']);
    } catch (cause) {
      throw failure('Generating the encryption key', cause);
    }
    // Another tab may have stored a key meanwhile: in one transaction, keep it or store ours.
    const chosen = await transact(db, KEYS, 'readwrite', 'Storing the encryption key', (store) => {
      let winner: unknown = candidate;
      const existing = store.get(KEY_ID);
      existing.onsuccess = () => {
        if (existing.result === undefined) store.put(candidate, KEY_ID);
        else winner = existing.result;
      };
      return () => winner;
    });
    return usableKey(chosen);
  }

  function key(db: IDBDatabase): Promise<CryptoKey> {
    if (!cryptoKey) {
      const loading = loadKey(db);
      cryptoKey = loading;
      loading.catch(() => {
        if (cryptoKey === loading) cryptoKey = undefined;
      });
    }
    return cryptoKey;
  }

  return {
    get: (storageKey) =>
      serial(async () => {
        const db = await database();
        const raw = await transact(db, ENTRIES, 'readonly', 'Reading the session', (store) =>
          requestResult(store.get(storageKey)),
        );
        if (raw === undefined) return undefined;
        const envelope = readEnvelope(raw, bytesField);
        return unseal(await key(db), storageKey, envelope);
      }),
    set: (storageKey, value) =>
      serial(async () => {
        const db = await database();
        const envelope = await seal(await key(db), storageKey, value);
        await transact(db, ENTRIES, 'readwrite', 'Saving the session', (store) =>
          requestResult(store.put(envelope, storageKey)),
        );
      }),
    delete: (storageKey) =>
      serial(async () => {
        const db = await database();
        await transact(db, ENTRIES, 'readwrite', 'Deleting the session', (store) =>
          requestResult(store.delete(storageKey)),
        );
      }),
  };
}

function bytesField(field: unknown): Uint8Array<ArrayBuffer> | undefined {
  return field instanceof Uint8Array ? new Uint8Array(field) : undefined;
}
