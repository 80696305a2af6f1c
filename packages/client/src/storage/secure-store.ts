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
  /** The module's accessibility constant, the adapter's default `keychainAccessible`. */
  readonly AFTER_FIRST_UNLOCK?: unknown;
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
  /** The module's accessibility constants; `AFTER_FIRST_UNLOCK` is the adapter's default. */
  readonly ACCESSIBLE?: { readonly AFTER_FIRST_UNLOCK?: unknown };
}

/** Options of {@link secureStoreAdapter}. */
export interface SecureStoreAdapterOptions {
  /**
   * Passed to every call of the store, so reads find what writes stored (react-native-keychain's
   * `service` is always the storage key).
   * @default after-first-unlock accessibility: `{ keychainAccessible: SecureStore.AFTER_FIRST_UNLOCK }`
   *   for expo-secure-store, `{ accessible: Keychain.ACCESSIBLE.AFTER_FIRST_UNLOCK }` for
   *   react-native-keychain, so that a background launch (a push, a background fetch) can read
   *   the session while the phone is locked. Pass your own accessibility to override it.
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
    // Native messages can quote what was passed in; keep the error's name only. The store
    // refusing (a keychain locked before the first unlock) may pass: retryable.
    const name = (cause as { name?: unknown } | null | undefined)?.name;
    throw new StorageError(`Secure store ${operation} failed`, {
      cause: typeof name === 'string' ? name : 'Error',
      retryable: true,
    });
  }
}

/** The raw operations of one store, before the adapter's own format is applied. */
interface RawStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

function expoStore(store: ExpoSecureStoreLike, options: object): RawStore {
  return {
    get: async (key) => (await store.getItemAsync(expoSecureStoreKey(key), options)) ?? undefined,
    set: (key, value) => store.setItemAsync(expoSecureStoreKey(key), value, options),
    delete: (key) => store.deleteItemAsync(expoSecureStoreKey(key), options),
  };
}

function keychainStore(store: KeychainLike, options: object): RawStore {
  const at = (service: string) => ({ ...options, service });
  return {
    get: async (key) => {
      const entry = await store.getGenericPassword(at(key));
      if (!entry) return undefined;
      if (typeof entry.password !== 'string') {
        throw new StorageError('Secure store read returned no password');
      }
      return entry.password;
    },
    set: async (key, value) => {
      await store.setGenericPassword(KEYCHAIN_USERNAME, value, at(key));
    },
    delete: async (key) => {
      await store.resetGenericPassword(at(key));
    },
  };
}

/**
 * Marks values this adapter wrote with its accessibility options. A value without it was
 * written before (by an older version, under the platform's stricter default accessibility,
 * which a background launch cannot read): it is moved to the current options (read, delete,
 * write) the first time it can be read.
 */
const MARK = 'tk1:';

function migrating(raw: RawStore): SessionStorage {
  return {
    get: (key) =>
      attempt('read', async () => {
        const value = await raw.get(key);
        if (value === undefined || value.startsWith(MARK)) return value?.slice(MARK.length);
        await raw.delete(key);
        await raw.set(key, MARK + value);
        return value;
      }),
    set: (key, value) => attempt('write', () => raw.set(key, MARK + value)),
    delete: (key) => attempt('delete', () => raw.delete(key)),
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
 * Errors of the store reject with a retryable `StorageError`. At a background launch (the app
 * state is `background`) the session reads again on the next resume instead of signing out; in
 * the foreground it starts signed out, leaving the value in place. A failed write is retried on
 * the next change or resume, while the session keeps its tokens in memory.
 *
 * @param store `import * as SecureStore from 'expo-secure-store'` or
 *   `import * as Keychain from 'react-native-keychain'`.
 * @throws ConfigError when `store` has neither API.
 * @example
 * import * as SecureStore from 'expo-secure-store';
 * import { createSession } from 'tokenkeeper';
 * import { secureStoreAdapter } from 'tokenkeeper/storage/secure-store';
 *
 * // After-first-unlock accessibility by default: a background launch can read the session.
 * const session = createSession({ refresh, storage: secureStoreAdapter(SecureStore) });
 * @example
 * import * as Keychain from 'react-native-keychain';
 *
 * const storage = secureStoreAdapter(Keychain);
 */
export function secureStoreAdapter(
  store: ExpoSecureStoreLike | KeychainLike,
  options: SecureStoreAdapterOptions = {},
): SessionStorage {
  if (hasMethods(store, ['getItemAsync', 'setItemAsync', 'deleteItemAsync'])) {
    const expo = store as ExpoSecureStoreLike;
    const defaults =
      expo.AFTER_FIRST_UNLOCK === undefined ? {} : { keychainAccessible: expo.AFTER_FIRST_UNLOCK };
    return migrating(expoStore(expo, { ...defaults, ...options.storeOptions }));
  }
  if (hasMethods(store, ['getGenericPassword', 'setGenericPassword', 'resetGenericPassword'])) {
    const keychain = store as KeychainLike;
    // react-native-keychain's constant is this string; older versions may lack the table.
    const accessible = keychain.ACCESSIBLE?.AFTER_FIRST_UNLOCK ?? 'AccessibleAfterFirstUnlock';
    return migrating(keychainStore(keychain, { accessible, ...options.storeOptions }));
  }
  throw new ConfigError(
    'secureStoreAdapter expects expo-secure-store (getItemAsync, setItemAsync, deleteItemAsync) ' +
      'or react-native-keychain (getGenericPassword, setGenericPassword, resetGenericPassword)',
  );
}
