/**
 * The page of web.browser.test.ts: exposes scenarios on `window.tk` for the test to drive.
 * Runs in chromium, served by Vite from source.
 */
import {
  createSession,
  isTokenkeeperError,
  oauth2Refresh,
  type SessionEvent,
  type TokenResponse,
} from '../../src/index.js';
import { webStorage } from '../../src/storage/web.js';
import { createFetch } from '../../src/transports/fetch.js';
import { trackStorage } from './track.js';

const SESSION_KEY = 'tokenkeeper.session';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Opens the adapter's database directly, as any script on the origin could. */
async function raw<T>(
  db: string,
  store: string,
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore) => Promise<T>,
): Promise<T> {
  const database = await request(indexedDB.open(db));
  try {
    return await body(database.transaction(store, mode).objectStore(store));
  } finally {
    database.close();
  }
}

/** Text of a stored value with bytes as Latin-1, to search for token text. */
function text(value: unknown): string {
  if (value instanceof Uint8Array) return String.fromCharCode(...value);
  if (value instanceof ArrayBuffer) return text(new Uint8Array(value));
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) return '[CryptoKey]';
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => `${k}=${text(v)}`)
      .join(';');
  }
  return String(value);
}

const api = {
  async signIn(db: string): Promise<TokenResponse> {
    const tokens = (await (await fetch('/login', { method: 'POST' })).json()) as TokenResponse;
    const session = createSession({ storage: webStorage({ databaseName: db }) });
    await session.signIn(tokens);
    session.dispose();
    return tokens;
  },

  /** A new session, as after a reload: what it restored, then a call to /me. */
  async resume(db: string) {
    const tracked = trackStorage(webStorage({ databaseName: db }));
    const session = createSession({
      storage: tracked.storage,
      refresh: oauth2Refresh({ tokenEndpoint: '/oauth/token' }),
    });
    const events: SessionEvent[] = [];
    session.subscribe((event) => events.push(event));
    await session.ready();
    await tracked.idle();
    const status = session.getSnapshot().status;
    let me: number | undefined;
    if (status === 'active') me = (await createFetch(session)('/me')).status;
    session.dispose();
    return {
      status,
      me,
      events: events.map((e) => e.type),
      storageErrors: events.flatMap((e) =>
        e.type === 'storageError'
          ? [`${e.error.name} ${e.error.code} ${e.error.message} ${String(e.error.cause)}`]
          : [],
      ),
      calls: tracked.calls,
    };
  },

  async roundTrip(db: string) {
    const storage = webStorage({ databaseName: db });
    const before = await storage.get('a');
    await storage.set('a', 'value a');
    await storage.set('b', 'value b ü 🔑');
    await storage.set('a', 'value a2');
    const afterSet = [await storage.get('a'), await storage.get('b')];
    await storage.delete('a');
    const afterDelete = [await storage.get('a'), await storage.get('b')];
    // Writes in a row without awaiting keep their order.
    void storage.set('c', 'one');
    void storage.set('c', 'two');
    void storage.delete('c');
    const ordered = await storage.get('c');
    return { before, afterSet, afterDelete, ordered };
  },

  /** Everything in the database, as text. */
  async dump(db: string): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const store of ['keys', 'entries']) {
      out[store] = await raw(db, store, 'readonly', async (s) => {
        const [keys, values] = await Promise.all([request(s.getAllKeys()), request(s.getAll())]);
        return keys.map((key, i) => `${String(key)} => ${text(values[i])}`);
      });
    }
    return out;
  },

  async keyInfo(db: string) {
    const keys = await raw(db, 'keys', 'readonly', (s) => request(s.getAll()));
    const key = keys[0] as CryptoKey;
    const exported = await crypto.subtle.exportKey('raw', key).then(
      () => 'exported',
      (error: Error) => error.name,
    );
    return {
      count: keys.length,
      isCryptoKey: key instanceof CryptoKey,
      extractable: key.extractable,
      type: key.type,
      algorithm: key.algorithm as AesKeyAlgorithm,
      usages: [...key.usages].sort(),
      exported,
    };
  },

  /** Flips one bit of the stored ciphertext, through IndexedDB. */
  async tamper(db: string) {
    await raw(db, 'entries', 'readwrite', async (s) => {
      const record = (await request(s.get(SESSION_KEY))) as { ct: Uint8Array };
      record.ct[record.ct.length >> 1]! ^= 1;
      await request(s.put(record, SESSION_KEY));
    });
  },

  /** Swaps the records of two keys; returns how reading the first then fails. */
  async swap(db: string) {
    const storage = webStorage({ databaseName: db });
    await storage.set('x', 'value x');
    await storage.set('y', 'value y');
    await raw(db, 'entries', 'readwrite', async (s) => {
      const [x, y] = await Promise.all([request(s.get('x')), request(s.get('y'))]);
      await Promise.all([request(s.put(y, 'x')), request(s.put(x, 'y'))]);
    });
    return Promise.all(
      ['x', 'y'].map((key) =>
        storage.get(key).then(
          () => 'read',
          (error: unknown) => (isTokenkeeperError(error) ? `${error.name} ${error.code}` : 'other'),
        ),
      ),
    );
  },

  /** The file adapter loads in a browser; it fails only when used. */
};

export type PageApi = typeof api;

Object.assign(window, { tk: api, tkReady: true });
