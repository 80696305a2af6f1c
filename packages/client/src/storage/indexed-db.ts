/**
 * IndexedDB, reduced to what tokenkeeper needs: one database per name with fixed object stores,
 * opened on first use and reopened after another tab's upgrade or a cleared site; each request
 * in its own transaction that settles when the transaction commits.
 */
import { StorageError } from '../errors.js';

export function failure(operation: string, cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause;
  const name = (cause as { name?: unknown } | null | undefined)?.name;
  return new StorageError(
    `${operation} failed${typeof name === 'string' ? ` (${name})` : ''}`,
    cause === undefined || cause === null ? undefined : { cause },
  );
}

function openDatabase(
  factory: IDBFactory,
  name: string,
  stores: readonly string[],
  lost: () => void,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, 1);
    } catch (cause) {
      reject(failure(`Opening IndexedDB "${name}"`, cause));
      return;
    }
    let abandoned = false;
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const store of stores) {
        if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
      }
    };
    request.onblocked = () => {
      abandoned = true;
      reject(
        new StorageError(
          `Opening IndexedDB "${name}" is blocked: another tab keeps an older version open`,
        ),
      );
    };
    request.onerror = () => reject(failure(`Opening IndexedDB "${name}"`, request.error));
    request.onsuccess = () => {
      const db = request.result;
      if (abandoned) {
        db.close();
        return;
      }
      // Another tab upgrading, or the user clearing site data: let go, reopen on next use.
      db.onversionchange = () => {
        db.close();
        lost();
      };
      db.onclose = lost;
      resolve(db);
    };
  });
}

/** One request in its own transaction; settles when the transaction commits (or aborts). */
export function transact<T>(
  db: IDBDatabase,
  store: string,
  mode: IDBTransactionMode,
  operation: string,
  body: (store: IDBObjectStore) => () => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let tx: IDBTransaction;
    let result: () => T;
    try {
      // Tokens rotate: a refresh whose result is lost in a crash can sign the user out.
      tx = db.transaction(store, mode, { durability: mode === 'readwrite' ? 'strict' : 'default' });
      result = body(tx.objectStore(store));
    } catch (cause) {
      reject(failure(operation, cause));
      return;
    }
    tx.oncomplete = () => resolve(result());
    tx.onabort = () => reject(failure(operation, tx.error));
  });
}

export function requestResult<T>(request: IDBRequest<T>): () => T {
  return () => request.result;
}

/**
 * A database opened on first use and kept, reopened after it was lost (another tab upgrading,
 * site data cleared); a failed open is retried on the next call. `onLost` lets callers drop
 * what they cached from it.
 */
export function createDatabase(
  factory: IDBFactory,
  name: string,
  stores: readonly string[],
  onLost: () => void = () => {},
): () => Promise<IDBDatabase> {
  let connection: Promise<IDBDatabase> | undefined;
  return () => {
    if (!connection) {
      const opening = openDatabase(factory, name, stores, () => {
        if (connection === opening) connection = undefined;
        onLost();
      });
      connection = opening;
      // A failed open is retried on the next call; this call's caller still sees the failure.
      opening.catch(() => {
        if (connection === opening) connection = undefined;
      });
    }
    return connection;
  };
}
