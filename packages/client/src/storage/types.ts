/**
 * Where a session keeps its tokens between runs. Values are opaque strings; adapters that
 * encrypt (`webStorage`, `fileStorage`, `secureStoreAdapter`) do so inside `set` and `get`.
 * `get` resolves to null or undefined when nothing is stored; it throws a `StorageError` when
 * stored data cannot be read (the session then starts signed out with a `storageError` event).
 */
export interface SessionStorage {
  get(key: string): Promise<string | null | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}
