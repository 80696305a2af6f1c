import { ConfigError, StorageError } from 'tokenkeeper';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { webStorage } from '../../src/storage/web.js';

/**
 * What Node can check about `webStorage`: environment detection, the plaintext opt-in, and
 * laziness. Encryption in IndexedDB runs in a real browser (web.browser.test.ts).
 */

function fakeLocalStorage(): Storage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get length() {
      return items.size;
    },
    key: (index) => [...items.keys()][index] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, String(value));
    },
    removeItem: (key) => {
      items.delete(key);
    },
    clear: () => items.clear(),
  };
}

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  return expect.fail('expected a throw');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('webStorage without IndexedDB or WebCrypto', () => {
  it('refuses with a ConfigError that says how to opt in to plaintext localStorage', () => {
    expect(globalThis.indexedDB).toBeUndefined(); // Node has none
    vi.stubGlobal('localStorage', fakeLocalStorage());
    const error = thrown(() => webStorage());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('IndexedDB');
    expect(error.message).toContain('webStorage({ allowPlaintextLocalStorage: true })');
    expect(error.message).toContain('any script');
  });

  it('names a missing crypto.subtle (insecure context) even where IndexedDB exists', () => {
    vi.stubGlobal('indexedDB', { open: () => expect.fail('must not open') });
    vi.stubGlobal('crypto', {});
    const error = thrown(() => webStorage());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('crypto.subtle');
    expect(error.message).not.toContain('IndexedDB and');
  });

  it('with the opt-in, stores plaintext in localStorage under the database name', async () => {
    const local = fakeLocalStorage();
    vi.stubGlobal('localStorage', local);
    const storage = webStorage({ allowPlaintextLocalStorage: true, databaseName: 'my-app' });
    expect(await storage.get('tokenkeeper.session')).toBeNull();
    await storage.set('tokenkeeper.session', '{"accessToken":"at-1"}');
    expect(await storage.get('tokenkeeper.session')).toBe('{"accessToken":"at-1"}');
    // Plaintext, as documented: anyone who can read localStorage can read the tokens.
    expect([...local.items]).toEqual([['my-app:tokenkeeper.session', '{"accessToken":"at-1"}']]);
    await storage.delete('tokenkeeper.session');
    expect(local.items.size).toBe(0);
  });

  it('with the opt-in but no localStorage either, still a ConfigError', () => {
    expect(() => webStorage({ allowPlaintextLocalStorage: true })).toThrow(ConfigError);
    vi.stubGlobal('localStorage', undefined);
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
    expect(() => webStorage({ allowPlaintextLocalStorage: true })).toThrow(ConfigError);
  });

  it('localStorage failures (quota) reject with StorageError', async () => {
    const local = fakeLocalStorage();
    local.setItem = () => {
      throw new DOMException('quota', 'QuotaExceededError');
    };
    vi.stubGlobal('localStorage', local);
    const storage = webStorage({ allowPlaintextLocalStorage: true });
    const error = await storage.set('k', 'v').then(
      () => expect.fail('expected a rejection'),
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect(error.message).toContain('QuotaExceededError');
  });
});

describe('webStorage with IndexedDB', () => {
  it('prefers encrypted IndexedDB even when plaintext is allowed, and opens nothing until used', async () => {
    const local = fakeLocalStorage();
    vi.stubGlobal('localStorage', local);
    const opened: string[] = [];
    vi.stubGlobal('indexedDB', {
      open(name: string) {
        opened.push(name);
        throw new DOMException('denied', 'SecurityError');
      },
    });
    const storage = webStorage({ allowPlaintextLocalStorage: true });
    expect(opened).toEqual([]);
    // An IndexedDB that refuses to open is a StorageError, not a silent plaintext fallback.
    await expect(storage.set('k', 'v')).rejects.toBeInstanceOf(StorageError);
    expect(opened).toEqual(['tokenkeeper']);
    expect(local.items.size).toBe(0);
    // The failed open is not cached: the next call tries again.
    await expect(storage.get('k')).rejects.toMatchObject({ code: 'ERR_STORAGE' });
    expect(opened).toEqual(['tokenkeeper', 'tokenkeeper']);
  });

  it('refuses an empty database name', () => {
    expect(() => webStorage({ databaseName: '' })).toThrow(ConfigError);
  });
});
