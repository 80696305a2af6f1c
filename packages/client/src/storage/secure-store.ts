/**
 * `secureStoreAdapter`: the session in the OS keystore of a React Native app, through
 * expo-secure-store or react-native-keychain. Both are duck-typed: tokenkeeper imports neither.
 */
import { ConfigError, StorageError } from '../errors.js';
import type { SessionStorage } from './types.js';

/** The part of `expo-secure-store` the adapter uses. */
export interface ExpoSecureStoreLike {
  getItemAsync(key: string, options?: object): Promise<string | null>;
  setItemAsync(key: string, value: string, options?: object): Promise<void>;
  deleteItemAsync(key: string, options?: object): Promise<void>;
}

/** The part of `react-native-keychain` the adapter uses. */
export interface KeychainLike {
  getGenericPassword(options?: {
    service?: string;
  }): Promise<false | null | { username: string; password: string }>;
  setGenericPassword(
    username: string,
    password: string,
    options?: { service?: string },
  ): Promise<unknown>;
  resetGenericPassword(options?: { service?: string }): Promise<unknown>;
}

/** Options of {@link secureStoreAdapter}. */
export interface SecureStoreAdapterOptions {
  /**
   * Passed to every call of the store, so reads find what writes stored. For expo-secure-store,
   * e.g. `{ keychainAccessible: SecureStore.AFTER_FIRST_UNLOCK }` so a background refresh can
   * read the session while the phone is locked; for react-native-keychain, e.g.
   * `{ accessible: Keychain.ACCESSIBLE.AFTER_FIRST_UNLOCK }` (its `service` is always the
   * storage key).
   * @default {}
   */
  storeOptions?: Readonly<Record<string, unknown>>;
}

/** The keychain entry's account name; the storage key is its service. */
const KEYCHAIN_USERNAME = 'tokenkeeper';

function hasMethods(value: unknown, names: readonly string[]): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  return names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

/**
 * Maps a storage key to a valid expo-secure-store key (alphanumerics, `.`, `-`, `_`), one to one:
 * `_` becomes `__` and any other character `_<hex code unit>_`. The default key
 * `tokenkeeper.session` maps to itself.
 */
function expoSecureStoreKey(storageKey: string): string {
  if (storageKey === '') throw new ConfigError('secureStoreAdapter: the storage key is empty');
  let out = '';
  for (let i = 0; i < storageKey.length; i++) {
    const char = storageKey[i]!;
    if (/[A-Za-z0-9.-]/.test(char)) out += char;
    else if (char === '_') out += '__';
    else out += `_${storageKey.charCodeAt(i).toString(16)}_`;
  }
  return out;
}

async function attempt<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    if (cause instanceof ConfigError || cause instanceof StorageError) throw cause;
    // Native messages can quote what was passed in; keep the error's name only.
    const name = (cause as { name?: unknown } | null | undefined)?.name;
    throw new StorageError(`Secure store ${operation} failed`, {
      cause: typeof name === 'string' ? name : 'Error',
    });
  }
}

function expoStorage(store: ExpoSecureStoreLike, options: object): SessionStorage {
  return {
    get: (key) => attempt('read', () => store.getItemAsync(expoSecureStoreKey(key), options)),
    set: (key, value) =>
      attempt('write', () => store.setItemAsync(expoSecureStoreKey(key), value, options)),
    delete: (key) =>
      attempt('delete', () => store.deleteItemAsync(expoSecureStoreKey(key), options)),
  };
}

function keychainStorage(store: KeychainLike, options: object): SessionStorage {
  const at = (service: string) => ({ ...options, service });
  return {
    get: (key) =>
      attempt('read', async () => {
        const entry = await store.getGenericPassword(at(key));
        if (!entry) return undefined;
        if (typeof entry.password !== 'string') {
          throw new StorageError('Secure store read returned no password');
        }
        return entry.password;
      }),
    set: (key, value) =>
      attempt('write', async () => {
        await store.setGenericPassword(KEYCHAIN_USERNAME, value, at(key));
      }),
    delete: (key) =>
      attempt('delete', async () => {
        await store.resetGenericPassword(at(key));
      }),
  };
}

/**
 * Persists the session in the platform keystore (iOS Keychain, Android Keystore-backed
 * storage), which encrypts it: values are stored as they are. Pass the module of
 * `expo-secure-store` or `react-native-keychain`; the adapter detects which one it got.
 *
 * Size: expo-secure-store may refuse values over about 2048 bytes (iOS keychain items used to
 * fail above that, and Expo warns). The stored value is a small JSON record holding the access,
 * refresh and ID tokens, so sessions with large JWTs (many claims or roles) can exceed it; keep
 * tokens small, skip the ID token, or use react-native-keychain, which has no such limit.
 *
 * Errors of the store reject with `StorageError`; a value that cannot be read (e.g. Android
 * invalidated the key after a lock-screen change) starts the session signed out.
 *
 * @param store `import * as SecureStore from 'expo-secure-store'` or
 *   `import * as Keychain from 'react-native-keychain'`.
 * @throws ConfigError when `store` has neither API.
 * @example
 * import * as SecureStore from 'expo-secure-store';
 * import { createSession } from 'tokenkeeper';
 * import { secureStoreAdapter } from 'tokenkeeper/storage/secure-store';
 *
 * const session = createSession({
 *   refresh,
 *   storage: secureStoreAdapter(SecureStore, {
 *     storeOptions: { keychainAccessible: SecureStore.AFTER_FIRST_UNLOCK },
 *   }),
 * });
 * @example
 * import * as Keychain from 'react-native-keychain';
 *
 * const storage = secureStoreAdapter(Keychain, {
 *   storeOptions: { accessible: Keychain.ACCESSIBLE.AFTER_FIRST_UNLOCK },
 * });
 */
export function secureStoreAdapter(
  store: ExpoSecureStoreLike | KeychainLike,
  options: SecureStoreAdapterOptions = {},
): SessionStorage {
  const storeOptions = { ...options.storeOptions };
  if (hasMethods(store, ['getItemAsync', 'setItemAsync', 'deleteItemAsync'])) {
    return expoStorage(store as ExpoSecureStoreLike, storeOptions);
  }
  if (hasMethods(store, ['getGenericPassword', 'setGenericPassword', 'resetGenericPassword'])) {
    return keychainStorage(store as KeychainLike, storeOptions);
  }
  throw new ConfigError(
    'secureStoreAdapter expects expo-secure-store (getItemAsync, setItemAsync, deleteItemAsync) ' +
      'or react-native-keychain (getGenericPassword, setGenericPassword, resetGenericPassword)',
  );
}
