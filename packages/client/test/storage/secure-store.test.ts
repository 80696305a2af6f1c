import { ConfigError, createSession, type SessionEvent, StorageError } from 'tokenkeeper';
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';
import { describe, expect, it } from 'vitest';
import { secureStoreAdapter } from '../../src/storage/secure-store.js';
import { trackStorage } from './track.js';

/**
 * The real libraries are native modules; these stand-ins have exactly their method shapes and
 * enforce what the real ones enforce that matters here (expo's key alphabet, string values).
 */
function fakeExpoSecureStore() {
  const items = new Map<string, string>();
  const calls: { method: string; key: string; options: unknown }[] = [];
  const check = (key: string) => {
    // expo-secure-store: "Keys must not be empty and contain only alphanumeric characters, ".", "-", and "_"."
    if (typeof key !== 'string' || !/^[\w.-]+$/.test(key)) {
      throw new Error(`Invalid key provided to SecureStore: ${key}`);
    }
  };
  return {
    items,
    calls,
    async getItemAsync(key: string, options?: object): Promise<string | null> {
      calls.push({ method: 'getItemAsync', key, options });
      check(key);
      return items.get(key) ?? null;
    },
    async setItemAsync(key: string, value: string, options?: object): Promise<void> {
      calls.push({ method: 'setItemAsync', key, options });
      check(key);
      if (typeof value !== 'string') throw new Error('Values must be strings');
      items.set(key, value);
    },
    async deleteItemAsync(key: string, options?: object): Promise<void> {
      calls.push({ method: 'deleteItemAsync', key, options });
      check(key);
      items.delete(key);
    },
  };
}

function fakeKeychain() {
  const items = new Map<string, { username: string; password: string }>();
  const calls: { method: string; options: unknown }[] = [];
  return {
    items,
    calls,
    async getGenericPassword(options?: { service?: string }) {
      calls.push({ method: 'getGenericPassword', options });
      const entry = items.get(options?.service ?? 'default');
      return entry ? { service: options?.service, storage: 'KC', ...entry } : false;
    },
    async setGenericPassword(username: string, password: string, options?: { service?: string }) {
      calls.push({ method: 'setGenericPassword', options });
      items.set(options?.service ?? 'default', { username, password });
      return { service: options?.service ?? 'default', storage: 'KC' };
    },
    async resetGenericPassword(options?: { service?: string }) {
      calls.push({ method: 'resetGenericPassword', options });
      return items.delete(options?.service ?? 'default');
    },
  };
}

describe('secureStoreAdapter with expo-secure-store', () => {
  it('round trip and delete; nothing stored reads as nothing', async () => {
    const store = fakeExpoSecureStore();
    const storage = secureStoreAdapter(store);
    expect(await storage.get('tokenkeeper.session')).toBeUndefined();
    await storage.set('tokenkeeper.session', '{"v":1}');
    expect(await storage.get('tokenkeeper.session')).toBe('{"v":1}');
    // Stored as-is (marked as written by this adapter) under the same, already valid key: the
    // OS keystore encrypts.
    expect([...store.items]).toEqual([['tokenkeeper.session', 'tk1:{"v":1}']]);
    await storage.delete('tokenkeeper.session');
    expect(await storage.get('tokenkeeper.session')).toBeUndefined();
    expect(store.items.size).toBe(0);
  });

  it('maps any storage key to a valid expo key, one to one', async () => {
    const store = fakeExpoSecureStore();
    const storage = secureStoreAdapter(store);
    const keys = [
      'tokenkeeper.session',
      'tokenkeeper:session',
      'tokenkeeper/session',
      'tokenkeeper session',
      'tokenkeeper_session',
      'tokenkeeper__session',
      'tokenkeeper_3a_session', // what ':' escapes to must not collide with it
      'tokenkeeper_5f_session',
      'user@example.com',
      'ünïcödé',
      '🔑',
      'a-b.c_D9',
    ];
    for (const [i, key] of keys.entries()) await storage.set(key, `value ${i}`);
    expect(store.items.size).toBe(keys.length);
    for (const [i, key] of keys.entries()) expect(await storage.get(key)).toBe(`value ${i}`);
    for (const key of store.items.keys()) expect(key).toMatch(/^[A-Za-z0-9._-]+$/);
    await expect(storage.set('', 'x')).rejects.toBeInstanceOf(ConfigError);
  });

  it('passes storeOptions to every call, so reads find what writes stored', async () => {
    const store = fakeExpoSecureStore();
    const storeOptions = { keychainService: 'my-app', keychainAccessible: 0 };
    const storage = secureStoreAdapter(store, { storeOptions });
    await storage.set('k', 'v');
    await storage.get('k');
    await storage.delete('k');
    expect(store.calls.map((c) => [c.method, c.options])).toEqual([
      ['setItemAsync', storeOptions],
      ['getItemAsync', storeOptions],
      ['deleteItemAsync', storeOptions],
    ]);
  });

  it('store failures reject with StorageError that does not quote the value', async () => {
    const store = fakeExpoSecureStore();
    store.setItemAsync = async (_key: string, value: string) => {
      throw new Error(`Could not store ${value}`);
    };
    const error = await secureStoreAdapter(store)
      .set('k', 'at-secret-value')
      .then(
        () => expect.fail('expected a rejection'),
        (e: unknown) => e as StorageError & { cause: unknown },
      );
    expect(error).toBeInstanceOf(StorageError);
    expect(`${error.message} ${String(error.cause)} ${error.stack}`).not.toContain('at-secret');
  });

  it('a session persists through it and restarts signed in', async () => {
    const store = fakeExpoSecureStore();
    const clock = createVirtualClock();
    const server = createTokenEndpoint({ clock });
    const first = createSession({
      storage: secureStoreAdapter(store),
      refresh: server.refresh,
      clock,
    });
    await first.signIn(server.login());
    const token = await first.getAccessToken();
    first.dispose();
    const second = createSession({
      storage: secureStoreAdapter(store),
      refresh: server.refresh,
      clock,
    });
    await second.ready();
    expect(second.getSnapshot().status).toBe('active');
    expect(await second.getAccessToken()).toBe(token);
    expect(server.refreshCount).toBe(0);
  });

  it('a value the keystore cannot read in the foreground starts the session signed out with one storageError', async () => {
    const store = fakeExpoSecureStore();
    store.getItemAsync = async () => {
      throw new Error('Could not decrypt the value: key permanently invalidated');
    };
    const tracked = trackStorage(secureStoreAdapter(store));
    const session = createSession({ storage: tracked.storage });
    const events: SessionEvent[] = [];
    session.subscribe((event) => events.push(event));
    await session.ready();
    await tracked.idle();
    expect(session.getSnapshot().status).toBe('signedOut');
    expect(events.filter((e) => e.type === 'storageError')).toHaveLength(1);
    // Left in place (a locked keychain opens later), not deleted: a sign-in replaces it.
    expect(tracked.calls).toEqual(['get']);
  });
});

describe('secureStoreAdapter with react-native-keychain', () => {
  it('round trip and delete: one keychain entry per storage key (its service)', async () => {
    const store = fakeKeychain();
    const storage = secureStoreAdapter(store);
    expect(await storage.get('tokenkeeper.session')).toBeUndefined();
    await storage.set('tokenkeeper.session', '{"v":1}');
    await storage.set('other key/with:any chars', 'second');
    expect(await storage.get('tokenkeeper.session')).toBe('{"v":1}');
    expect(await storage.get('other key/with:any chars')).toBe('second');
    expect(store.items.get('tokenkeeper.session')).toEqual({
      username: 'tokenkeeper',
      password: 'tk1:{"v":1}',
    });
    await storage.delete('tokenkeeper.session');
    expect(await storage.get('tokenkeeper.session')).toBeUndefined();
    expect(await storage.get('other key/with:any chars')).toBe('second');
  });

  it('merges storeOptions into every call, the service always being the storage key', async () => {
    const store = fakeKeychain();
    const storage = secureStoreAdapter(store, {
      storeOptions: { accessible: 'AccessibleAfterFirstUnlock', service: 'ignored' },
    });
    await storage.set('k', 'v');
    await storage.get('k');
    await storage.delete('k');
    const expected = { accessible: 'AccessibleAfterFirstUnlock', service: 'k' };
    expect(store.calls).toEqual([
      { method: 'setGenericPassword', options: expected },
      { method: 'getGenericPassword', options: expected },
      { method: 'resetGenericPassword', options: expected },
    ]);
  });

  it('an entry without a string password is a StorageError', async () => {
    const store = fakeKeychain();
    store.getGenericPassword = async () => ({ username: 'x' }) as never;
    await expect(secureStoreAdapter(store).get('k')).rejects.toBeInstanceOf(StorageError);
  });
});

describe('secureStoreAdapter: detection', () => {
  it('recognises module namespaces and class instances of either library', () => {
    const expo = fakeExpoSecureStore();
    const namespace = Object.assign(Object.create(null) as object, {
      getItemAsync: expo.getItemAsync,
      setItemAsync: expo.setItemAsync,
      deleteItemAsync: expo.deleteItemAsync,
    });
    class Keychain {
      async getGenericPassword() {
        return false as const;
      }
      async setGenericPassword() {
        return false;
      }
      async resetGenericPassword() {
        return true;
      }
    }
    expect(() => secureStoreAdapter(namespace as never)).not.toThrow();
    expect(() => secureStoreAdapter(new Keychain())).not.toThrow();
  });

  it('refuses anything else with ConfigError', () => {
    const expo = fakeExpoSecureStore();
    const others: unknown[] = [
      undefined,
      null,
      {},
      'expo-secure-store',
      { getItem() {}, setItem() {}, removeItem() {} }, // localStorage / AsyncStorage shape
      { getItemAsync: expo.getItemAsync, setItemAsync: expo.setItemAsync }, // partial
      { getGenericPassword: async () => false, setGenericPassword: 'no' },
    ];
    for (const other of others) {
      expect(() => secureStoreAdapter(other as never)).toThrow(ConfigError);
    }
  });
});

describe('secureStoreAdapter: iOS keychain in the background', () => {
  it('defaults to after-first-unlock accessibility, for either library', async () => {
    const expo = Object.assign(fakeExpoSecureStore(), { AFTER_FIRST_UNLOCK: 7 });
    await secureStoreAdapter(expo).set('k', 'v');
    expect(expo.calls[0]?.options).toEqual({ keychainAccessible: 7 });
    const keychain = Object.assign(fakeKeychain(), {
      ACCESSIBLE: { AFTER_FIRST_UNLOCK: 'AccessibleAfterFirstUnlock' },
    });
    await secureStoreAdapter(keychain).set('k', 'v');
    expect(keychain.calls[0]?.options).toEqual({
      accessible: 'AccessibleAfterFirstUnlock',
      service: 'k',
    });
    // An app's own choice wins.
    const strict = Object.assign(fakeExpoSecureStore(), { AFTER_FIRST_UNLOCK: 7 });
    await secureStoreAdapter(strict, { storeOptions: { keychainAccessible: 1 } }).set('k', 'v');
    expect(strict.calls[0]?.options).toEqual({ keychainAccessible: 1 });
  });

  it('moves an item stored before (stricter default) to the new accessibility: read, delete, write', async () => {
    const expo = Object.assign(fakeExpoSecureStore(), { AFTER_FIRST_UNLOCK: 7 });
    expo.items.set('tokenkeeper.session', '{"v":1}'); // written by an older version
    const storage = secureStoreAdapter(expo);
    expect(await storage.get('tokenkeeper.session')).toBe('{"v":1}');
    expect(expo.calls.map((c) => c.method)).toEqual([
      'getItemAsync',
      'deleteItemAsync',
      'setItemAsync',
    ]);
    expect(expo.calls[2]?.options).toEqual({ keychainAccessible: 7 });
    expect(expo.items.get('tokenkeeper.session')).toBe('tk1:{"v":1}');
    // Once moved, a read is a read.
    expo.calls.length = 0;
    expect(await storage.get('tokenkeeper.session')).toBe('{"v":1}');
    expect(expo.calls.map((c) => c.method)).toEqual(['getItemAsync']);
  });
});
